"""`backstretch doctor`: one line per check, OK or what to do, for the installer."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from backstretch.drivers.factory import REAL_DRIVERS
from backstretch.drivers.gpio import GpioPanel
from backstretch.drivers.i2c import ENABLE_I2C_HINT, bus_path, describe_os_error, open_bus
from backstretch.drivers.i2c_source import I2CSource
from backstretch.drivers.probe import FAMILIES, describe_search, probe
from backstretch.errors import BackstretchError

from .config import Config

OK, WARN, FAIL = "OK", "WARN", "FAIL"
RATE_TOLERANCE = 0.15
RATE_WINDOW_S = 1.0


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
    checks += [check(cfg) for check in extra]
    return checks


def sensor_checks(cfg: Config) -> list[Check]:
    s = cfg.sensor
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
