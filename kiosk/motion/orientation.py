"""Gravity direction per frame: samples binned onto a fixed time grid, then a complementary filter.

Binning to at most 25 frames per second keeps the per-sample cost to a few additions, so the
same code handles 12.5 Hz to 1 kHz; the grid is absolute time, so how samples are batched
never changes the result. The filter trusts the gyro over short times and the accelerometer
over long ones; without a gyro it is a plain low-pass. The gyro's bias is learned while still.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from backstretch.drivers.sample import Sample

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
MIN_ACCEL_G = 0.1  # a reading below this (free fall, an all-zero register) has no gravity direction
MAX_ACCEL_G = 32.0  # twice the widest range of any supported chip (16 g): beyond it the reading is corrupt
MAX_GYRO_DPS = 4000.0  # twice the widest gyro range of any supported chip (2000 deg/s): beyond it, no reading
BIN_FIELDS = 9  # a closed bin: t, ax, ay, az, gx, gy, gz, |a|, samples with a gyro reading


@dataclass(slots=True)
class Frame:
    """One step of the motion pipeline: where gravity points and how much the body moves."""

    t: float
    up: Vec  # unit vector of the measured specific force (points up), sensor frame
    rate_dps: float  # smoothed angular speed
    dyn_g: float  # smoothed | |a| - 1 g |: bouncing, walking, jolts
    has_gyro: bool


class FrameBinner:
    """Averages samples into FRAME_HZ bins on an absolute time grid, a whole batch at a time with numpy.

    A sample whose accelerometer reading is not finite, (nearly) zero or beyond any sensor's range
    carries no gravity direction: it is dropped and counted in `rejected`, never divided by.
    """

    def __init__(self, frame_hz: float = FRAME_HZ):
        self.frame_hz = frame_hz
        self.rejected = 0
        self._open = np.empty((0, BIN_FIELDS))  # the rows of the bin in progress (a bin's worth at most)
        self._open_bins = np.empty(0)

    def add(self, data: np.ndarray) -> np.ndarray:
        """Bin an N x 7 array (t, accel, gyro with NaN for none); returns the bins that closed, as rows of
        (t, ax, ay, az, gx, gy, gz, |a|, samples with a gyro reading), gyro averaged over those samples.

        The bin in progress keeps its rows, not running sums, so each bin is summed in one go over the
        same rows however the stream was batched: live and offline give identical frames."""
        rows, bins = self._rows(data)
        rows = np.concatenate([self._open, rows])
        bins = np.concatenate([self._open_bins, bins])
        if not len(rows):
            return rows
        last = _last_run(bins)
        self._open, self._open_bins = rows[last:], bins[last:]
        return _bin_means(rows[:last], bins[:last])

    def flush(self) -> np.ndarray:
        """The bin in progress (empty when there is none), closed."""
        out = _bin_means(self._open, self._open_bins)
        self._open, self._open_bins = np.empty((0, BIN_FIELDS)), np.empty(0)
        return out

    def _rows(self, data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Valid samples as bin rows, with each one's bin number."""
        with np.errstate(over="ignore", invalid="ignore"):
            mag = np.sqrt(np.einsum("ij,ij->i", data[:, 1:4], data[:, 1:4]))
            valid = np.isfinite(data[:, 0]) & np.isfinite(mag) & (mag >= MIN_ACCEL_G) & (mag <= MAX_ACCEL_G)
        if not valid.all():
            self.rejected += int(len(valid) - valid.sum())
            data, mag = data[valid], mag[valid]
        with np.errstate(invalid="ignore"):
            gyro_ok = (np.abs(data[:, 4:7]) <= MAX_GYRO_DPS).all(axis=1)  # NaN compares false: missing too
        rows = np.empty((len(data), BIN_FIELDS))
        rows[:, :4] = data[:, :4]
        rows[:, 4:7] = np.where(gyro_ok[:, None], data[:, 4:7], 0.0)
        rows[:, 7] = mag
        rows[:, 8] = gyro_ok
        return rows, np.floor(data[:, 0] * self.frame_hz + 0.5)  # bins centred on the grid


def _last_run(bins: np.ndarray) -> int:
    """Where the last run of equal bin numbers begins."""
    change = np.flatnonzero(np.diff(bins))
    return int(change[-1]) + 1 if len(change) else 0


def _bin_means(rows: np.ndarray, bins: np.ndarray) -> np.ndarray:
    """Mean of each run of equal bin numbers; gyro over the samples that had one."""
    if not len(rows):
        return np.empty((0, BIN_FIELDS))
    starts = np.concatenate(([0], np.flatnonzero(np.diff(bins)) + 1))
    sums = np.add.reduceat(rows, starts, axis=0)
    n = np.diff(np.concatenate((starts, [len(rows)])))[:, None]
    out = sums / n
    g = sums[:, 8:9]
    with np.errstate(invalid="ignore", divide="ignore"):
        out[:, 4:7] = np.where(g > 0, sums[:, 4:7] / g, np.nan)
    out[:, 8] = g[:, 0]
    return out


class GravityFilter:
    """Complementary filter over binned frames."""

    def __init__(self):
        self.up: Vec | None = None
        self.t = 0.0
        self.bias: Vec = (0.0, 0.0, 0.0)
        self.rate = 0.0
        self.dyn = 0.0
        self.level = 1.0  # the sensor's own reading of 1 g
        self._fast: Vec = (0.0, 0.0, 1.0)  # a quick and a slow average of the accelerometer's direction
        self._slow: Vec = (0.0, 0.0, 1.0)

    def run(self, bins: Iterable[Sequence[float]]) -> list[Frame]:
        """Frames for closed bins, rows of (t, ax, ay, az, gx, gy, gz, |a|, samples with a gyro reading).

        Written out on plain floats, with the state in locals for the whole batch, because it runs 25 times a
        second per sensor (and offline over a whole chunk at once)."""
        frames: list[Frame] = []
        up, last_t, rate, dyn, level = self.up, self.t, self.rate, self.dyn, self.level
        (bx, by, bz), fast, slow = self.bias, self._fast, self._slow
        for t, ax, ay, az, rgx, rgy, rgz, mag, g in bins:
            n = (ax * ax + ay * ay + az * az) ** 0.5 or 1.0
            ax, ay, az = ax / n, ay / n, az / n
            dt = t - last_t
            if up is None or dt <= 0 or dt > GAP_RESET_S:
                if up is None:
                    level = mag
                up = fast = slow = (ax, ay, az)
                last_t, rate, dyn = t, 0.0, 0.0
                frames.append(Frame(t, up, 0.0, 0.0, bool(g)))
                continue
            last_t = t
            px, py, pz = up
            if g:
                gx, gy, gz = rgx - bx, rgy - by, rgz - bz
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
            level += dt / (LEVEL_S + dt) * (mag - level)
            dyn_now = abs(mag - level)
            alpha = dt / (tau + dt)
            ux, uy, uz = qx + alpha * (ax - qx), qy + alpha * (ay - qy), qz + alpha * (az - qz)
            n = (ux * ux + uy * uy + uz * uz) ** 0.5
            prev, up = up, (ux / n, uy / n, uz / n)
            if not g:
                speed = angle_deg(prev, up) / dt
            elif speed < MAX_BIAS_DPS and dyn_now < 0.03:
                # The accelerometer alone says the body is still when a quick and a slow average of it agree:
                # what the gyro reads then is its bias.
                k = dt / (0.1 + dt)
                x, y, z = fast
                fast = (x + k * (ax - x), y + k * (ay - y), z + k * (az - z))
                k = dt / (1.0 + dt)
                x, y, z = slow
                slow = (x + k * (ax - x), y + k * (ay - y), z + k * (az - z))
                if angle_deg(fast, slow) < STILL_ACCEL_DEG:
                    bx, by, bz = bx + BIAS_RATE * (rgx - bx), by + BIAS_RATE * (rgy - by), bz + BIAS_RATE * (rgz - bz)
            rate += dt / (RATE_SMOOTH_S + dt) * (speed - rate)
            dyn += dt / (DYN_SMOOTH_S + dt) * (dyn_now - dyn)
            frames.append(Frame(t, up, rate, dyn, bool(g)))
        self.up, self.t, self.rate, self.dyn, self.level = up, last_t, rate, dyn, level
        self.bias, self._fast, self._slow = (bx, by, bz), fast, slow
        return frames


class Orientation:
    """Samples in (a list of Sample or an N x 7 array), frames out."""

    def __init__(self, frame_hz: float = FRAME_HZ):
        self.binner = FrameBinner(frame_hz)
        self.filter = GravityFilter()
        self.cancelled = 0  # frames whose readings cancelled out (no direction, though each sample had one)

    def feed(self, samples: Sequence[Sample] | np.ndarray) -> list[Frame]:
        return self._frames(self.binner.add(as_array(samples)))

    def flush(self) -> list[Frame]:
        """The last partial bin, at the end of a recording."""
        return self._frames(self.binner.flush())

    def _frames(self, bins: np.ndarray) -> list[Frame]:
        pointing = np.einsum("ij,ij->i", bins[:, 1:4], bins[:, 1:4]) >= MIN_ACCEL_G**2
        if not pointing.all():  # readings that cancelled out within a bin: no direction to normalise
            self.cancelled += int(len(pointing) - pointing.sum())
            bins = bins[pointing]
        # Offline, a chunk's thousands of bins go to plain floats column by column, without a list per row; live, a
        # bin or two at a time, the rows as lists cost less.
        return self.filter.run(zip(*bins.T.tolist(), strict=True) if len(bins) > 2 else bins.tolist())


def as_array(samples: Sequence[Sample] | np.ndarray) -> np.ndarray:
    """Samples as the N x 7 array the binner takes (NaN gyro where there is none)."""
    if isinstance(samples, np.ndarray):
        return samples
    nan = math.nan
    return np.array(
        [(s[0], s[1], s[2], s[3], nan, nan, nan) if s.gx is None else s for s in samples], dtype=float
    ).reshape(len(samples), 7)
