"""Layered TOML configuration, validated as a whole so every problem is reported at once.

Layers, later winning: the shipped defaults, /etc/backstretch/config.toml,
~/.config/backstretch/config.toml, then a file given with --config. Each problem names the key,
the bad value, what is allowed and the file it came from.
"""

from __future__ import annotations

import dataclasses
import os
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backstretch.config import DEFAULT_CONFIG
from backstretch.drivers.factory import DRIVERS
from backstretch.errors import ConfigError

from .mqtt import url_problem, url_shown
from .validation import boolean, fill, hidden, known_keys, number_between, one_of, read_toml, setting, show_key, text

SYSTEM_CONFIG = Path("/etc/backstretch/config.toml")


def i2c_address(value) -> str | None:
    if value == "auto" or (isinstance(value, int) and not isinstance(value, bool) and 0x03 <= value <= 0x77):
        return None
    return 'must be "auto" or a 7-bit address from 0x03 to 0x77 (e.g. 0x68)'


def gpio_pin(value) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 27:
        return None
    return "must be a BCM pin number from 0 to 27 (comment the line out when not wired)"


def listen_address(value) -> str | None:
    from backstretch.drivers.phone import parse_listen

    try:
        _, port = parse_listen(value) if isinstance(value, str) else ("", 0)
    except ValueError:
        port = 0
    if port >= 1024:
        return None
    return 'must be "address:port" with a port from 1024 to 65535, e.g. "0.0.0.0:8765" (all networks)'


def phone_token(value) -> str | None:
    if isinstance(value, str) and (not value or (8 <= len(value) <= 64 and value.isascii() and value.isalnum())):
        return None
    return 'must be "" (a new random token at each start) or 8 to 64 letters and digits'


def phyphox_url(value) -> str | None:
    from backstretch.drivers.phyphox import parse_url

    try:
        if isinstance(value, str) and (not value or parse_url(value)):
            return None
    except ValueError as exc:
        return str(exc)
    return 'must be "" or the address phyphox shows, e.g. "http://192.168.1.23:8080"'


@dataclass(frozen=True)
class SensorConfig:
    driver: str = setting("auto", one_of(*DRIVERS))
    bus: int = setting(1, number_between(0, 99, integer=True))
    address: int | str = setting("auto", i2c_address)
    rate_hz: int = setting(100, number_between(10, 1000, integer=True))
    accel_range_g: int = setting(4, one_of(2, 4, 8, 16))
    gyro_range_dps: int = setting(500, one_of(250, 500, 1000, 2000))
    replay_file: str = setting("", text)
    phone_listen: str = setting("0.0.0.0:8765", listen_address)  # driver = "phone": where Sensor Logger pushes
    phone_token: str = setting("", phone_token)
    phyphox_url: str = setting("", phyphox_url)  # driver = "phyphox": the phone's remote-access address
    lost_after_s: float = setting(0.5, number_between(0.1, 5.0))

    @property
    def address_or_none(self) -> int | None:
        return None if self.address == "auto" else self.address


@dataclass(frozen=True)
class GpioConfig:
    start_button: int | None = setting(None, gpio_pin)
    next_button: int | None = setting(None, gpio_pin)
    pause_button: int | None = setting(None, gpio_pin)
    led: int | None = setting(None, gpio_pin)
    buzzer: int | None = setting(None, gpio_pin)

    def pins(self) -> dict[str, int | None]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class DisplayConfig:
    width: int = setting(800, number_between(160, 4096, integer=True))
    height: int = setting(480, number_between(160, 4096, integer=True))
    fullscreen: bool = setting(True, boolean)
    rotate: int = setting(0, one_of(0, 90, 180, 270))
    fps: int = setting(30, number_between(5, 120, integer=True))
    dim_after_s: int = setting(120, number_between(0, 86400, integer=True))
    blank_after_s: int = setting(600, number_between(0, 86400, integer=True))


@dataclass(frozen=True)
class AudioConfig:
    enabled: bool = setting(True, boolean)
    volume: float = setting(0.8, number_between(0.0, 1.0))
    voice: bool = setting(True, boolean)
    voice_program: str = setting("espeak-ng", text)


@dataclass(frozen=True)
class HistoryConfig:
    database: str = setting("", text)  # empty: the StateDirectory systemd gives, else the XDG data dir
    routine: str = setting("", text)  # empty: the shipped config/routine.toml


def topic_word(value) -> str | None:
    """A kiosk's name in MQTT topics and Home Assistant ids: empty means this machine's host name."""
    if isinstance(value, str) and len(value) <= 40 and all(c.isascii() and (c.isalnum() or c in "-_") for c in value):
        return None
    return "must be up to 40 letters, digits, - or _ (it is part of the MQTT topic), or empty for the host name"


def pin_code(value) -> str | None:
    if isinstance(value, str) and (value == "" or (value.isascii() and value.isdigit() and 4 <= len(value) <= 8)):
        return None
    return 'must be 4 to 8 digits in quotes (e.g. "2580"), or "" for no on-screen admin'


@dataclass(frozen=True)
class FleetConfig:
    mqtt_url: str = setting("", url_problem, url_shown)  # empty: nothing leaves the kiosk
    kiosk_id: str = setting("", topic_word)
    username: str = setting("", text)
    password: str = setting("", text, hidden)
    ca_file: str = setting("", text)  # mqtts:// with a private certificate authority
    discovery_prefix: str = setting("homeassistant", topic_word)  # empty: no Home Assistant discovery

    @property
    def enabled(self) -> bool:
        return bool(self.mqtt_url)

    def kiosk_name(self) -> str:
        return self.kiosk_id or _host_word()


def _host_word() -> str:
    name = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in socket.gethostname())
    return name[:40] or "kiosk"


@dataclass(frozen=True)
class PeopleConfig:
    admin_pin: str = setting("", pin_code, hidden)  # empty: people are managed with `backstretch people`, not on screen
    progress_needs_pin: bool = setting(False, boolean)  # a clinic: a person's charts only after the admin PIN


@dataclass(frozen=True)
class Config:
    sensor: SensorConfig = field(default_factory=SensorConfig)
    gpio: GpioConfig = field(default_factory=GpioConfig)
    display: DisplayConfig = field(default_factory=DisplayConfig)
    audio: AudioConfig = field(default_factory=AudioConfig)
    history: HistoryConfig = field(default_factory=HistoryConfig)
    fleet: FleetConfig = field(default_factory=FleetConfig)
    people: PeopleConfig = field(default_factory=PeopleConfig)
    sources: tuple[str, ...] = ()  # the files that were read, in order


SECTION_TYPES = {
    "sensor": SensorConfig,
    "gpio": GpioConfig,
    "display": DisplayConfig,
    "audio": AudioConfig,
    "history": HistoryConfig,
    "fleet": FleetConfig,
    "people": PeopleConfig,
}


def user_config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "backstretch" / "config.toml"


def default_layers(extra: str | Path | None = None) -> list[tuple[Path, bool]]:
    """(path, required) for each layer; only a file the user names must exist."""
    layers = [(DEFAULT_CONFIG, True), (SYSTEM_CONFIG, False), (user_config_path(), False)]
    if extra:
        layers.append((Path(extra), True))
    return layers


def load_config(layers: list[tuple[Path, bool]] | None = None) -> Config:
    """Merge the layers and validate; raises ConfigError listing every problem."""
    problems: list[str] = []
    values: dict[str, dict[str, Any]] = {name: {} for name in SECTION_TYPES}
    origin: dict[str, Path] = {}
    read: list[str] = []
    for path, required in layers if layers is not None else default_layers():
        table = read_toml(path, required, problems)
        if table is None:
            continue
        read.append(str(path))
        _merge(table, path, values, origin, problems)
    sections = {
        name: fill(cls, values[name], name, problems, lambda key, name=name: origin[f"{name}.{key}"])
        for name, cls in SECTION_TYPES.items()
    }
    if problems:
        raise ConfigError(problems, "configuration")
    return Config(**sections, sources=tuple(read))


def _merge(table: dict, path: Path, values: dict, origin: dict, problems: list[str]) -> None:
    """Later files win key by key; unknown sections and keys are reported with the file they are in."""
    for section, entries in table.items():
        if section not in SECTION_TYPES:
            problems.append(f"{show_key(section)} ({path}): unknown section; known: {', '.join(SECTION_TYPES)}")
            continue
        if not isinstance(entries, dict):
            problems.append(f"{section} ({path}): must be a [{section}] table")
            continue
        known = known_keys(SECTION_TYPES[section])
        for key, value in entries.items():
            if key not in known:
                problems.append(f"{section}.{show_key(key)} ({path}): unknown key; known: {', '.join(known)}")
                continue
            values[section][key] = value
            origin[f"{section}.{key}"] = path
