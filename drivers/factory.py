"""Choose and build the sample source named by the configuration.

`DRIVERS` is the one list of `sensor.driver` names (the configuration checks against it, the CLI
offers it). `mock` is the simulator's sensor: drivers know nothing of the simulator, so the
composition root (kiosk/app.py) builds that one.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from backstretch.errors import SensorError

from .background import BackgroundSource
from .i2c_source import LOST_AFTER_S, I2CSource
from .probe import FAMILIES

REAL_DRIVERS = ("auto", *FAMILIES)
NETWORK_DRIVERS = ("phone", "phyphox")  # a phone over Wi-Fi: the only drivers that use the network
DRIVERS = (*REAL_DRIVERS, *NETWORK_DRIVERS, "mock", "replay")


def make_source(
    driver: str,
    *,
    bus: int = 1,
    address: int | None = None,
    rate_hz: float = 100.0,
    accel_range_g: int = 4,
    gyro_range_dps: int = 500,
    replay_file: str = "",
    phone_listen: str = "0.0.0.0:8765",
    phone_token: str = "",
    phyphox_url: str = "",
    lost_after_s: float = LOST_AFTER_S,
    clock: Callable[[], float] = time.monotonic,
):
    """A SampleSource for a chip, a phone or a replay; chips and phyphox get a reader thread so callers
    never wait on I2C or the network (the phone's pushes arrive on the listener's own threads)."""
    if driver in REAL_DRIVERS:
        chip = None if driver == "auto" else FAMILIES[driver]
        return BackgroundSource(
            I2CSource(bus, chip, address, rate_hz, accel_range_g, gyro_range_dps, clock, lost_after_s)
        )
    if driver == "phone":
        from .phone import PhoneSource

        return PhoneSource(phone_listen, phone_token, clock=clock)
    if driver == "phyphox":
        from .phyphox import PhyphoxSource

        if not phyphox_url:
            raise SensorError("sensor.driver = 'phyphox' needs sensor.phyphox_url (the address phyphox shows)")
        return BackgroundSource(PhyphoxSource(phyphox_url, clock))
    if driver == "replay":
        from .replay import ReplaySource

        if not replay_file:
            raise SensorError("sensor.driver = 'replay' needs sensor.replay_file")
        return ReplaySource(replay_file, clock=clock)
    raise SensorError(f"unknown sensor driver {driver!r}: choose one of {', '.join(DRIVERS)}")
