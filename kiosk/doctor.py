"""`backstretch doctor`: one line per check, OK or what to do, for the installer."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from backstretch.drivers.factory import NETWORK_DRIVERS, REAL_DRIVERS
from backstretch.drivers.gpio import GpioPanel
from backstretch.drivers.i2c import ENABLE_I2C_HINT, bus_path, describe_os_error, open_bus
from backstretch.drivers.i2c_source import I2CSource
from backstretch.drivers.probe import FAMILIES, describe_search, probe
from backstretch.errors import BackstretchError

from .config import Config

OK, WARN, FAIL = "OK", "WARN", "FAIL"
RATE_TOLERANCE = 0.15
RATE_WINDOW_S = 1.0
PHONE_WAIT_S = 10.0  # long enough to type the URL shown into the app and start it


@dataclass
class Check:
    name: str
    status: str
    message: str

    def line(self) -> str:
        return f"{self.status:<4}  {self.name:<8} {self.message}"


def run_checks(cfg: Config, extra: Sequence[Callable[[Config], Check]] = ()) -> list[Check]:
    checks = [Check("config", OK, "valid: " + ", ".join(cfg.sources))]
    checks += sensor_checks(cfg)
    checks.append(gpio_check(cfg))
    checks.append(history_check(cfg))
    checks.append(fleet_check(cfg))
    checks += [check(cfg) for check in extra]
    return checks


def sensor_checks(cfg: Config) -> list[Check]:
    s = cfg.sensor
    if s.driver in NETWORK_DRIVERS:
        return [Check("i2c", OK, f"not used (sensor.driver = {s.driver!r})"), *network_sensor_checks(cfg)]
    if s.driver not in REAL_DRIVERS:
        return [Check("i2c", OK, f"not used (sensor.driver = {s.driver!r})"), replay_or_mock_check(cfg)]
    path = bus_path(s.bus)
    if not path.exists():
        return [
            Check("i2c", FAIL, f"no I2C bus {path}: {ENABLE_I2C_HINT}"),
            Check("sensor", FAIL, "not checked: no I2C bus"),
        ]
    if not os.access(path, os.R_OK | os.W_OK):
        return [
            Check("i2c", FAIL, f"{path} is not accessible: add the user to the i2c group"),
            Check("sensor", FAIL, "not checked: I2C bus not accessible"),
        ]
    checks = [Check("i2c", OK, f"{path} present and accessible")]
    try:
        bus = open_bus(s.bus)
    except BackstretchError as exc:
        return [*checks, Check("sensor", FAIL, str(exc))]
    try:
        families = None if s.driver == "auto" else [FAMILIES[s.driver]]
        found = probe(bus, families, s.address_or_none)
        if not found:
            wiring = " (VCC 3.3 V, GND, SDA on pin 3, SCL on pin 5)"
            return [*checks, Check("sensor", FAIL, describe_search(families, s.address_or_none) + wiring)]
        checks.append(Check("sensor", OK, "; ".join(f.describe() for f in found)))
        hit = found[0]
        source = I2CSource(bus, hit.chip, hit.address, s.rate_hz, s.accel_range_g, s.gyro_range_dps)
        checks.append(rate_check(source, s.rate_hz))
    except OSError as exc:
        checks.append(Check("sensor", FAIL, describe_os_error(exc)))
    finally:
        bus.close()
    return checks


def rate_check(source, wanted_hz: float) -> Check:
    """Read for a second and compare the sample rate with what the chip was set to."""
    source.open()
    if not source.health().connected:
        return Check("samples", FAIL, source.health().last_error or "sensor did not start")
    source.read()
    count, start = 0, time.monotonic()
    while time.monotonic() - start < RATE_WINDOW_S:
        count += len(source.read())
        time.sleep(0.01)
    measured = count / (time.monotonic() - start)
    expected = source.rate_hz
    source.close()
    detail = f"{measured:.0f} samples/s (chip set to {expected:g} Hz for {wanted_hz:g} Hz asked)"
    if abs(measured - expected) > RATE_TOLERANCE * expected:
        return Check("samples", FAIL, detail + ": check the wiring or lower sensor.rate_hz")
    return Check("samples", OK, detail)


def replay_or_mock_check(cfg: Config) -> Check:
    if cfg.sensor.driver == "replay":
        from backstretch.drivers.recording import read_recording

        try:
            rec = read_recording(cfg.sensor.replay_file)
        except BackstretchError as exc:
            return Check("sensor", FAIL, str(exc))
        return Check("sensor", OK, f"replay of {rec.path}: {len(rec.data)} samples at {rec.rate_hz:.4g} Hz")
    return Check("sensor", OK, "mock sensor (simulator)")


def say_now(text: str) -> None:
    """A line the installer needs before the checks end (the URL to type into the phone while doctor waits)."""
    print(f"doctor: {text}", file=sys.stderr, flush=True)


def network_sensor_checks(
    cfg: Config, wait_s: float = PHONE_WAIT_S, notice: Callable[[str], None] = say_now
) -> list[Check]:
    """A phone: where it should push (or where phyphox is), then whether samples come, and how many."""
    if cfg.sensor.driver == "phone":
        return phone_checks(cfg, wait_s, notice)
    return [phyphox_check(cfg)]


def phone_checks(cfg: Config, wait_s: float, notice: Callable[[str], None]) -> list[Check]:
    from backstretch.drivers.phone import PhoneSource

    s = cfg.sensor
    source = PhoneSource(s.phone_listen, s.phone_token)
    source.open()
    status = source.status()
    if not status.listening:
        if source.port_taken:
            return [
                Check(
                    "phone",
                    WARN,
                    f"{status.problem}: the kiosk is running and listening (its screen shows "
                    "the URL), or another program holds the port; stop the kiosk to run this check",
                )
            ]
        return [Check("phone", FAIL, f"{status.problem}: check sensor.phone_listen")]
    made = (
        ""
        if s.phone_token
        else " (token made for this check; the kiosk makes one at each start: set sensor.phone_token to keep one)"
    )
    checks = [Check("phone", OK, f"listening: in Sensor Logger, HTTP push to {status.url}{made}")]
    notice(f"waiting {wait_s:g} s for a phone to push to {status.url}")
    end = time.monotonic() + wait_s
    while time.monotonic() < end:
        source.read()
        status = source.status()
        if status.figures.samples and status.figures.rate_hz and status.figures.batches >= 3:
            break
        time.sleep(0.1)
    source.close()
    return [*checks, _pushing(status, wait_s)]


def _pushing(status, wait_s: float) -> Check:
    f = status.figures
    if status.problem:
        return Check("samples", FAIL, status.problem)
    if f.samples:
        gyro = "with gyroscope" if status.has_gyro else "no gyroscope"
        return Check(
            "samples",
            OK,
            f"a phone is pushing: {f.rate_hz:.0f} samples a second ({status.accel_from}, {gyro}), "
            f"{f.late_batches} late batches, {f.lost} lost",
        )
    if status.refused.get("wrong_token"):
        return Check("samples", WARN, "a phone pushes with another token: type the URL above into the app")
    return Check(
        "samples", WARN, f"no phone pushed in {wait_s:g} s: start a recording in Sensor Logger with HTTP push on"
    )


def phyphox_check(cfg: Config) -> Check:
    from backstretch.drivers.phyphox import PhyphoxSource

    try:
        source = PhyphoxSource(cfg.sensor.phyphox_url)
        source.open()
    except (BackstretchError, ValueError) as exc:
        return Check("phyphox", FAIL, str(exc))
    count, start = 0, time.monotonic()
    while time.monotonic() - start < RATE_WINDOW_S * 2:
        count += len(source.read())
        time.sleep(1.0 / source.poll_hz)
    health = source.health()
    if not count:
        return Check("phyphox", FAIL, health.last_error or f"no samples from phyphox at {source.url}")
    return Check("phyphox", OK, f"{source.url}: {source.rate_hz:.0f} samples a second")


def history_check(cfg: Config) -> Check:
    """Whether the kiosk can keep its history where it looks for it: it runs on without (keeping what is done
    in memory and beside the file), so a file it cannot use shows on its screen only as a line; here it fails."""
    from .history import PENDING_SUFFIX, History, database_path

    path = database_path(None, cfg.history.database)
    if not path.exists():
        folder = next(p for p in (path.parent, *path.parent.parents) if p.exists())
        if not os.access(folder, os.W_OK | os.X_OK):
            return Check("history", FAIL, f"{path} cannot be created: {folder} is not writable for this user")
        return Check("history", OK, f"{path} is created at the first session")
    try:
        history = History(path, readonly=True)
        sessions = len(history.sessions())
        history.close()
    except BackstretchError as exc:
        return Check("history", FAIL, str(exc))
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK | os.X_OK):
        return Check("history", FAIL, f"{path}: not writable for this user, so nothing done would be saved")
    waiting = path.with_name(path.name + PENDING_SUFFIX)
    if waiting.exists():
        return Check("history", WARN, f"{path}: writes wait in {waiting.name}; the kiosk writes them when it can")
    return Check("history", OK, f"{path}: {sessions} session(s)")


def fleet_check(cfg: Config) -> Check:
    """Whether the clinic's broker takes this kiosk; a WARN only: without it the kiosk works and results wait."""
    if not cfg.fleet.enabled:
        return Check("fleet", OK, "off: nothing is published (fleet.mqtt_url is empty)")
    from .fleet import probe_broker
    from .history import database_path

    ok, message = probe_broker(cfg.fleet, database_path(None, cfg.history.database))
    return Check("fleet", OK if ok else WARN, message)


def gpio_check(cfg: Config, pin_factory=None) -> Check:
    pins = cfg.gpio.pins()
    wanted = {k: v for k, v in pins.items() if v is not None}
    if not wanted:
        return Check("gpio", OK, "no buttons, LED or buzzer configured")
    panel = GpioPanel(pins, on_press=lambda name: None, pin_factory=pin_factory)
    panel.close()
    if not panel.available:
        return Check("gpio", FAIL, panel.problem)
    return Check("gpio", OK, ", ".join(f"{k} on GPIO{v}" for k, v in wanted.items()))
