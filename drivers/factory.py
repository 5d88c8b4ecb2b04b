"""Choose and build the sample source named by the configuration."""

from __future__ import annotations

import time
from collections.abc import Callable

from .background import BackgroundSource
from .errors import SensorError
from .i2c_source import I2CSource
from .probe import FAMILIES

REAL_DRIVERS = ("auto", *FAMILIES)


def make_source(
    driver: str,
    *,
    bus: int = 1,
    address: int | None = None,
    rate_hz: float = 100.0,
    accel_range_g: int = 4,
    gyro_range_dps: int = 500,
    replay_file: str = "",
    body=None,
    seed: int = 1,
    clock: Callable[[], float] = time.monotonic,
):
    """A SampleSource for `driver`; real chips get a reader thread so callers never wait on I2C."""
    if driver in REAL_DRIVERS:
        chip = None if driver == "auto" else FAMILIES[driver]
        return BackgroundSource(I2CSource(bus, chip, address, rate_hz, accel_range_g, gyro_range_dps, clock))
    if driver == "mock":
        from .mock import MockSource

        if body is None:
            raise SensorError("the mock sensor needs a body to follow (a script or the keyboard)")
        return MockSource(body, rate_hz, clock, seed)
    if driver == "replay":
        from .replay import ReplaySource

        if not replay_file:
            raise SensorError("sensor.driver = 'replay' needs sensor.replay_file")
        return ReplaySource(replay_file, clock=clock)
    raise SensorError(f"unknown sensor driver {driver!r}")
