"""The simulator's sensor: physically consistent accelerometer and gyro samples from a virtual body.

Gravity is rotated through the body pose and an arbitrary mounting into the sensor frame;
the gyro is the body's angular velocity in the sensor frame; both get the bias and noise of
a real MPU-6050 (accel noise 400 ug/sqrt(Hz), gyro 0.005 dps/sqrt(Hz), uncalibrated offsets).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import Protocol

import numpy as np

from backstretch.drivers.sample import Health, Sample

from .body import body_to_world, random_rotation

ACCEL_NOISE_G_PER_RTHZ = 400e-6
GYRO_NOISE_DPS_PER_RTHZ = 0.005
ACCEL_BIAS_G = 0.03
GYRO_BIAS_DPS = 2.0
MAX_CATCH_UP_S = 2.0  # after a long stall, generate at most this much backlog


class Body(Protocol):
    """Anything that can say where the body is: a scripted Timeline or a keyboard-driven one."""

    def pose(self, t) -> np.ndarray: ...

    def linear_accel(self, t) -> np.ndarray: ...


class SimulatedSource(Protocol):
    """What only a simulated sensor can do, kept apart from the SampleSource every sensor offers.

    Whoever moves the virtual body needs the body's own clock; the simulator's U key pulls the cable.
    """

    def body_time(self) -> float: ...

    def plug(self, connected: bool) -> None: ...

    @property
    def plugged(self) -> bool: ...


class ImuModel:
    """Turns body motion into what a clipped-on IMU would measure."""

    def __init__(
        self,
        rng: np.random.Generator,
        mounting: np.ndarray | None = None,
        rate_hz: float = 100.0,
        has_gyro: bool = True,
        noise: bool = True,
    ):
        self.rng = rng
        self.mounting = random_rotation(rng) if mounting is None else np.asarray(mounting, dtype=float)
        self.has_gyro = has_gyro
        bandwidth = rate_hz / 2.3  # the on-chip low-pass sits a little below Nyquist
        self.accel_sigma = ACCEL_NOISE_G_PER_RTHZ * np.sqrt(bandwidth) if noise else 0.0
        self.gyro_sigma = GYRO_NOISE_DPS_PER_RTHZ * np.sqrt(bandwidth) if noise else 0.0
        self.accel_bias = rng.uniform(-ACCEL_BIAS_G, ACCEL_BIAS_G, 3) if noise else np.zeros(3)
        self.gyro_bias = rng.uniform(-GYRO_BIAS_DPS, GYRO_BIAS_DPS, 3) if noise else np.zeros(3)

    def measure(self, body: Body, t: np.ndarray) -> np.ndarray:
        """N x 6 (accel g, gyro dps; gyro NaN without one) at times t."""
        t = np.asarray(t, dtype=float)
        h = 1e-3
        pose = body.pose(t)
        r_wb = body_to_world(pose[:, 0], pose[:, 1], pose[:, 2])
        r_ws = r_wb @ self.mounting
        up_and_motion = np.array([0.0, 0.0, 1.0]) + body.linear_accel(t)
        accel = np.einsum("nji,nj->ni", r_ws, up_and_motion)
        accel += self.accel_bias + self.rng.normal(0.0, self.accel_sigma, accel.shape)
        if not self.has_gyro:
            return np.hstack([accel, np.full_like(accel, np.nan)])
        ahead = body.pose(t + h)
        r_ws_ahead = body_to_world(ahead[:, 0], ahead[:, 1], ahead[:, 2]) @ self.mounting
        delta = np.swapaxes(r_ws, 1, 2) @ r_ws_ahead  # rotation over h, in the sensor frame
        omega = np.stack(
            [delta[:, 2, 1] - delta[:, 1, 2], delta[:, 0, 2] - delta[:, 2, 0], delta[:, 1, 0] - delta[:, 0, 1]], axis=1
        ) / (2 * h)
        gyro = np.degrees(omega) + self.gyro_bias + self.rng.normal(0.0, self.gyro_sigma, omega.shape)
        return np.hstack([accel, gyro])


class MockSource:
    """A SampleSource that plays a Body at rate_hz against a clock (wall time, or faster for scripts)."""

    def __init__(
        self,
        body: Body,
        rate_hz: float = 100.0,
        clock: Callable[[], float] = time.monotonic,
        seed: int = 1,
        mounting: np.ndarray | None = None,
        has_gyro: bool = True,
    ):
        self.body = body
        self.rate_hz = rate_hz
        self.has_gyro = has_gyro
        self._clock = clock
        self.imu = ImuModel(np.random.default_rng(seed), mounting, rate_hz, has_gyro)
        self._t0 = 0.0
        self._next = 0  # index of the next sample to emit
        self._health = Health(model="mock sensor")
        self._plugged = True  # the simulator can pull the virtual cable

    def open(self) -> None:
        self._t0 = self._clock()
        self._next = 0
        self._health = replace(self._health, connected=True, detail=f"mock sensor, {self.rate_hz:g} Hz")

    def body_time(self) -> float:
        """Now, on the body's own clock: a script starts at 0 when the source opens."""
        return self._clock() - self._t0

    def plug(self, connected: bool) -> None:
        self._plugged = connected

    @property
    def plugged(self) -> bool:
        return self._plugged

    def read(self) -> list[Sample]:
        elapsed = self._clock() - self._t0
        last = int(elapsed * self.rate_hz + 1e-6)  # float time must not lose a sample
        if last - self._next > MAX_CATCH_UP_S * self.rate_hz:
            skipped = last - self._next - int(MAX_CATCH_UP_S * self.rate_hz)
            self._health = replace(self._health, dropped=self._health.dropped + skipped)
            self._next += skipped
        if not self._plugged:
            self._health = replace(self._health, connected=False, last_error="mock cable unplugged")
            self._next = last + 1
            return []
        if not self._health.connected:
            self._health = replace(self._health, connected=True, last_error=None)
        if last < self._next:
            return []
        body_t = np.arange(self._next, last + 1) / self.rate_hz
        self._next = last + 1
        values = self.imu.measure(self.body, body_t)
        return [
            Sample(self._t0 + bt, *row) if self.has_gyro else Sample(self._t0 + bt, *row[:3])
            for bt, row in zip(body_t.tolist(), values.tolist(), strict=False)
        ]

    def close(self) -> None:
        self._health = replace(self._health, connected=False)

    def health(self) -> Health:
        return self._health
