"""Gravity direction per frame: samples binned onto a fixed time grid, then a complementary filter.

Binning to at most 25 frames per second keeps the per-sample cost to a few additions, so the
same code handles 12.5 Hz to 1 kHz; the grid is absolute time, so how samples are batched
never changes the result. The filter trusts the gyro over short times and the accelerometer
over long ones; without a gyro it is a plain low-pass. The gyro's bias is learned while still.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .vector import Vec, angle_deg

FRAME_HZ = 25.0
GAP_RESET_S = 1.0  # a longer gap in the stream restarts the filter from the accelerometer
TAU_WITH_GYRO_S = 0.5
TAU_ACCEL_ONLY_S = 0.15
BIAS_RATE = 0.02  # per still frame
STILL_ACCEL_DEG = 0.3
MAX_BIAS_DPS = 25.0  # a still gyro reading more than this is moving, not biased
RATE_SMOOTH_S = 0.3
DYN_SMOOTH_S = 0.5
LEVEL_S = 5.0
RADIANS = math.pi / 180.0


@dataclass(slots=True)
class Frame:
    """One step of the motion pipeline: where gravity points and how much the body moves."""

    t: float
    up: Vec  # unit vector of the measured specific force (points up), sensor frame
    rate_dps: float  # smoothed angular speed
    dyn_g: float  # smoothed | |a| - 1 g |: bouncing, walking, jolts
    has_gyro: bool


class FrameBinner:
    """Averages samples into FRAME_HZ bins on an absolute time grid."""

    def __init__(self, frame_hz: float = FRAME_HZ):
        self.frame_hz = frame_hz
        self._bin: int | None = None
        self._acc = [0.0] * 8  # t, ax, ay, az, gx, gy, gz, |a|
        self._n = 0
        self._gyro_n = 0

    def add(self, samples, out: list) -> None:
        """Bin a batch of samples, appending each bin that closes to `out` (one loop, no calls per sample)."""
        hz = self.frame_hz
        acc = self._acc
        for t, ax, ay, az, gx, gy, gz in samples:
            b = (t * hz + 0.5) // 1.0  # bins centred on the grid: 25 Hz data never straddles one
            if b != self._bin:
                if self._n:
                    out.append(self.flush())
                    acc = self._acc
                self._bin = b
            acc[0] += t
            acc[1] += ax
            acc[2] += ay
            acc[3] += az
            acc[7] += (ax * ax + ay * ay + az * az) ** 0.5
            if gx is not None and gx == gx:  # present and not NaN
                acc[4] += gx
                acc[5] += gy
                acc[6] += gz
                self._gyro_n += 1
            self._n += 1

    def flush(self) -> tuple | None:
        """The bin in progress as (t, accel, gyro or None, mean |a|), or None when empty."""
        if not self._n:
            return None
        n, acc = self._n, self._acc
        g = self._gyro_n
        gyro = (acc[4] / g, acc[5] / g, acc[6] / g) if g else None
        frame = (acc[0] / n, (acc[1] / n, acc[2] / n, acc[3] / n), gyro, acc[7] / n)
        self._acc = [0.0] * 8
        self._n = self._gyro_n = 0
        return frame


class GravityFilter:
    """Complementary filter over binned frames."""

    def __init__(self):
        self.up: Vec | None = None
        self.t = 0.0
        self.bias: Vec = (0.0, 0.0, 0.0)
        self.rate = 0.0
        self.dyn = 0.0
        self.level = 1.0  # the sensor's own reading of 1 g

    def update(self, t: float, accel: Vec, gyro: Vec | None, mag: float) -> Frame:
        """One frame; written out on plain floats because it runs 25 times a second per sensor."""
        ax, ay, az = accel
        n = (ax * ax + ay * ay + az * az) ** 0.5 or 1.0
        ax, ay, az = ax / n, ay / n, az / n
        dt = t - self.t
        if self.up is None or dt <= 0 or dt > GAP_RESET_S:
            if self.up is None:
                self.level = mag
            self.up = self._fast = self._slow = (ax, ay, az)
            self.t, self.rate, self.dyn = t, 0.0, 0.0
            return Frame(t, self.up, 0.0, 0.0, gyro is not None)
        self.t = t
        prev = self.up
        px, py, pz = prev
        if gyro is not None:
            bx, by, bz = self.bias
            gx, gy, gz = gyro[0] - bx, gyro[1] - by, gyro[2] - bz
            k = RADIANS * dt
            wx, wy, wz = gx * k, gy * k, gz * k
            # The up vector is fixed in the world, so in the sensor frame it turns against the body.
            qx, qy, qz = px - (wy * pz - wz * py), py - (wz * px - wx * pz), pz - (wx * py - wy * px)
            tau = TAU_WITH_GYRO_S
            speed = (gx * gx + gy * gy + gz * gz) ** 0.5
        else:
            qx, qy, qz = px, py, pz
            tau = TAU_ACCEL_ONLY_S
        # |a| at rest is 1 g only for a calibrated sensor: compare with its own slow average instead
        self.level += dt / (LEVEL_S + dt) * (mag - self.level)
        dyn_now = abs(mag - self.level)
        alpha = dt / (tau + dt)
        ux, uy, uz = qx + alpha * (ax - qx), qy + alpha * (ay - qy), qz + alpha * (az - qz)
        n = (ux * ux + uy * uy + uz * uz) ** 0.5
        self.up = up = (ux / n, uy / n, uz / n)
        if gyro is None:
            speed = angle_deg(prev, up) / dt
        elif speed < MAX_BIAS_DPS and dyn_now < 0.03 and self._accel_still(dt, ax, ay, az):
            b = self.bias  # still: what the gyro reads now is its bias
            self.bias = (
                b[0] + BIAS_RATE * (gyro[0] - b[0]),
                b[1] + BIAS_RATE * (gyro[1] - b[1]),
                b[2] + BIAS_RATE * (gyro[2] - b[2]),
            )
        self.rate += dt / (RATE_SMOOTH_S + dt) * (speed - self.rate)
        self.dyn += dt / (DYN_SMOOTH_S + dt) * (dyn_now - self.dyn)
        return Frame(t, up, self.rate, self.dyn, gyro is not None)

    def _accel_still(self, dt: float, ax: float, ay: float, az: float) -> bool:
        """The accelerometer alone says the body is still: a quick and a slow average agree."""
        self._fast = _toward(self._fast, (ax, ay, az), dt / (0.1 + dt))
        self._slow = _toward(self._slow, (ax, ay, az), dt / (1.0 + dt))
        return angle_deg(self._fast, self._slow) < STILL_ACCEL_DEG


def _toward(v: Vec, target: Vec, k: float) -> Vec:
    return (v[0] + k * (target[0] - v[0]), v[1] + k * (target[1] - v[1]), v[2] + k * (target[2] - v[2]))


class Orientation:
    """Samples in, frames out."""

    def __init__(self, frame_hz: float = FRAME_HZ):
        self.binner = FrameBinner(frame_hz)
        self.filter = GravityFilter()
        self._pending: list = []

    def feed(self, samples) -> list[Frame]:
        pending = self._pending
        self.binner.add(samples, pending)
        if not pending:
            return []
        frames = [self.filter.update(*p) for p in pending]
        pending.clear()
        return frames

    def flush(self) -> list[Frame]:
        """The last partial bin, at the end of a recording."""
        last = self.binner.flush()
        return [self.filter.update(*last)] if last else []
