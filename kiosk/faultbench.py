"""`backstretch bench faults`: the real drivers and reader thread against the fake buses, under faults.

Each case runs an MPU-6050 on the register-level fake bus (drivers/fake_i2c.py), converting at
its rate on the clock, behind the real I2CSource and BackgroundSource, read by a 30 fps frame
loop as the kiosk reads it, with the real routine engine in a session deciding what the person
hears. It measures what the person would have had (`expected`: every sample the chip was due to
make), what reached the frame loop (`delivered`), what the source said it lost (`lost_reported`,
which must equal `lost`), how often "Sensor lost" was spoken, how long a silent fault took to be
noticed and to clear, and the longest the frame loop waited in read().

Threaded mode runs in real time (the benchmark); stepped mode runs the same cases on a virtual
clock with the source polled in step (the tests), so they take no wall time and cannot flake.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from backstretch.drivers.background import BackgroundSource
from backstretch.drivers.fake_i2c import FakeBus, FakeMpu, Ticker
from backstretch.drivers.i2c_source import I2CSource
from backstretch.drivers.mpu6050 import Mpu6050
from backstretch.drivers.sample import Health, Sample

from . import phrases
from .engine import RoutineEngine
from .motion.pipeline import MotionPipeline, params_for
from .routine import load_routine

FRAME_HZ = 30.0
DRAIN_S = 0.2  # after the chip stops, the frame loop reads this long so nothing is left in flight (< the watchdog)


@dataclass(frozen=True)
class Case:
    """A fault and when it happens. `fault_s` 0 is an instant fault (a power cycle)."""

    name: str
    seconds: float
    rate_hz: float = 100.0
    fail_rate: float = 0.0  # the share of I2C transfers that fail, at random, for the whole case
    fault: str = ""  # "" | "outage" | "powercycle" | "zero" | "ff"
    fault_at: float = 0.0
    fault_s: float = 0.0


CASES = (
    Case("errors_0.1pct", 20.0, fail_rate=0.001),
    Case("errors_1pct", 20.0, fail_rate=0.01),
    Case("errors_10pct", 20.0, fail_rate=0.10),
    Case("outage_30s", 40.0, fault="outage", fault_at=5.0, fault_s=30.0),
    Case("silent_powercycle", 10.0, fault="powercycle", fault_at=3.0),
    Case("all_zero", 10.0, fault="zero", fault_at=3.0, fault_s=3.0),
    Case("all_ff", 10.0, fault="ff", fault_at=3.0, fault_s=3.0),
    Case("rate_1khz", 10.0, rate_hz=1000.0),
)


class VirtualClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


class Announcer:
    """The real routine engine, mid-session, fed each frame's health: counts "Sensor lost" spoken."""

    def __init__(self, clock: Callable[[], float]):
        self.engine = RoutineEngine(load_routine(), clock, MotionPipeline(params_for("reps")))
        self.engine.command("start")
        self.lost = 0

    def frame(self, health: Health) -> None:
        self.engine.sensor(health.connected)
        self.lost += sum(1 for cue in self.engine.take_cues() if cue.words == phrases.SENSOR_LOST)


class Rig:
    """One fake MPU-6050 on a fake bus, its ticker, and the source the frame loop reads."""

    def __init__(self, case: Case, clock: Callable[[], float], seed: int, threaded: bool):
        self.case = case
        self.chip = FakeMpu()
        self.bus = FakeBus({0x68: self.chip}, seed=seed)
        self.ticker = Ticker(self.chip, case.rate_hz, clock)
        self.bus.tickers.append(self.ticker)
        self.inner = I2CSource(self.bus, Mpu6050, None, case.rate_hz, 4, 500, clock)
        self.outer = BackgroundSource(self.inner) if threaded else None
        self._pending: list[Sample] = []

    def open(self) -> None:
        (self.outer or self.inner).open()

    def poll(self) -> None:
        """Stepped mode: one poll of the reader, as the reader thread would."""
        self._pending += self.inner.read()

    def read(self) -> list[Sample]:
        if self.outer:
            return self.outer.read()
        batch, self._pending = self._pending, []
        return batch

    def health(self) -> Health:
        return (self.outer or self.inner).health()

    def close(self) -> None:
        if self.outer:
            self.outer.close()

    def fault(self, on: bool) -> None:
        kind = self.case.fault
        if kind == "outage":
            self.bus.fail_errno = 121 if on else None
        elif kind == "zero":
            self.bus.reads_as = 0x00 if on else None
        elif kind == "ff":
            self.bus.reads_as = 0xFF if on else None
        elif kind == "powercycle" and on:
            self.chip.power_cycle()


def run_case(case: Case, threaded: bool = True, seed: int = 1) -> dict:
    """Run one case; the figures of the issue's JSON, with detect_s and recover_s None where nothing is detected."""
    virtual = None if threaded else VirtualClock()
    clock: Callable[[], float] = virtual or time.monotonic
    rig = Rig(case, clock, seed, threaded)
    rig.bus.fail_rate = case.fail_rate
    announcer = Announcer(clock)
    rig.open()
    rig.ticker.start()
    start = clock()
    fault_on = fault_off = None
    detected = recovered = None
    delivered, worst_read = 0, 0.0
    next_frame, next_poll = start, start
    stop_at = start + case.seconds
    while True:
        if virtual is not None:
            virtual.t = min(next_poll, next_frame)
        now = clock()
        if now >= stop_at and rig.ticker.stopped_at is None:
            rig.ticker.stop()
        if virtual is not None and next_poll <= next_frame:
            rig.poll()
            next_poll += 1.0 / rig.inner.poll_hz
            continue
        if rig.ticker.stopped_at is not None and now >= rig.ticker.stopped_at + DRAIN_S:
            break
        if case.fault and fault_on is None and now - start >= case.fault_at:
            rig.fault(True)
            fault_on = now
        if fault_on is not None and fault_off is None and now - fault_on >= case.fault_s:
            if case.fault_s:
                rig.fault(False)
            fault_off = now
        began = time.perf_counter()
        batch = rig.read()
        worst_read = max(worst_read, time.perf_counter() - began)
        delivered += len(batch)
        health = rig.health()
        announcer.frame(health)
        if fault_on is not None and detected is None and not health.connected:
            detected = now - fault_on
        if fault_off is not None and recovered is None and detected is not None and health.connected and batch:
            recovered = now - fault_off
        next_frame += 1.0 / FRAME_HZ
        if virtual is None:
            time.sleep(max(0.0, next_frame - time.monotonic()))
    rig.close()
    delivered += len(rig.read())
    health = rig.health()
    expected = rig.ticker.due
    return {
        "expected": expected,
        "delivered": delivered,
        "lost": expected - delivered,
        "lost_reported": health.dropped,
        "lost_announcements": announcer.lost,
        "detect_s": _rounded(detected) if case.fault else None,
        "recover_s": _rounded(recovered) if case.fault else None,
        "worst_read_ms": round(worst_read * 1000, 3),
    }


def _rounded(seconds: float | None) -> float | None:
    return None if seconds is None or math.isnan(seconds) else round(seconds, 3)


def run_all(threaded: bool = True, seed: int = 1, names: tuple[str, ...] = ()) -> dict:
    cases = [c for c in CASES if not names or c.name in names]
    return {"cases": {case.name: run_case(case, threaded, seed) for case in cases}}
