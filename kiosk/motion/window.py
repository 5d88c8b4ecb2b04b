"""The last WINDOW_S of frames (time and gravity direction) that the rep counters look back over, and what they
measure over it: the quiet spread, the local period, the direction of swing.

Both counters of the generic exercise look at the same frames; sharing one window, each frame is stored once and
each measurement is taken once per frame, whichever counter asks first (the counters still decide alone: only
measurements are shared). A counter given no window keeps its own. Memory is bounded by WINDOW_S.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import tuning as k
from .orientation import FRAME_HZ, Frame
from .vector import Vec

DEGREES = 180.0 / math.pi
REFRESH_FRAMES = max(1, round(k.REFRESH_S * FRAME_HZ))  # the counters measure again every this many frames
QUIET_FRAMES = int(k.QUIET_WINDOW_S * FRAME_HZ)


class FrameWindow:
    def __init__(self) -> None:
        self.size = int(k.WINDOW_S * FRAME_HZ)
        self._buf = np.zeros((self.size, 4))  # t, up; frame number j in slot j % size
        self.frames = 0  # frames stored since the start: the number of the next one
        self._pending: list[float] = []  # the last frames added (t, up, ...), written to the buffer together when
        # looked at
        self._last: Frame | None = None
        self._memo: dict[tuple[str, int], object] = {}  # measurements of the frames as they are now
        self._memo_at = 0

    def add(self, f: Frame) -> None:
        """Store a frame; counters sharing the window each add the frame they are given, and it is stored once."""
        if f is self._last:
            return
        self._last = f
        self._pending += (f.t, *f.up)
        self.frames += 1
        if len(self._pending) >= 4 * self.size:
            self._write()

    @property
    def n(self) -> int:
        """Frames held."""
        return min(self.frames, self.size)

    def since(self, start: int) -> np.ndarray:
        """The frames from number `start` on, as far as the window holds them, oldest first."""
        whole = self._memoised("whole", 0, self._whole)
        return whole[max(0, start - (self.frames - self.n)) :]

    def rows(self, start: int, end: int) -> np.ndarray:
        """Frames number `start` to `end` (exclusive), as far as the window still holds them."""
        self._write()
        start = max(start, self.frames - self.n, end - self.n)
        return self._buf[np.arange(start, max(start, end)) % self.size]

    def quiet_spread(self) -> float:
        """How far the body moved in any direction over the last QUIET_WINDOW_S (ask only once it holds that)."""
        return self._memoised("quiet", 0, lambda: spread_deg(self.since(self.frames - QUIET_FRAMES)[:, 1:]))

    def period(self, start: int) -> float | None:
        """The local period of the frames since number `start` (rule 2 of each counter), or None when they show
        none: the first autocorrelation peak between MIN_PERIOD_S and MAX_PERIOD_S of the gravity direction along
        its own main direction of change, so it needs no axis learnt before."""
        start = max(start, self.frames - self.n)
        return self._memoised("period", start, lambda: _period(self.since(start)[:, 1:]))

    def swing_axis(self, start: int, previous: Vec | None, keep_below_deg: float) -> Vec | None:
        """The direction the body swings in over the frames since number `start`: the main axis of the spread of
        their gravity directions, facing the previous axis. The previous axis is kept while the body moves less
        than keep_below_deg along the new one (sway or breathing in a pause never takes it over)."""
        start = max(start, self.frames - self.n)
        found = self._memoised("axis", start, lambda: _main_axis(self.since(start)[:, 1:]))
        if found is None:
            return previous
        axis, moved_deg = found
        if previous is not None:
            if moved_deg < keep_below_deg:
                return previous
            if float(axis @ np.asarray(previous)) < 0:
                axis = -axis
        x, y, z = axis.tolist()
        return (x, y, z)

    def _write(self) -> None:
        """The frames added since the buffer was last looked at, written to it in one go (cheaper than one by one:
        the counters look back once a second)."""
        if not self._pending:
            return
        rows = np.array(self._pending[-4 * self.size :]).reshape(-1, 4)
        first = (self.frames - len(rows)) % self.size
        fits = min(len(rows), self.size - first)
        self._buf[first : first + fits] = rows[:fits]
        self._buf[: len(rows) - fits] = rows[fits:]
        self._pending = []

    def _whole(self) -> np.ndarray:
        self._write()
        if self.frames < self.size:
            return self._buf[: self.frames]
        i = self.frames % self.size
        return np.concatenate((self._buf[i:], self._buf[:i]))

    def _memoised(self, name: str, start: int, measure: Callable[[], Any]) -> Any:
        if self._memo_at != self.frames:
            self._memo.clear()
            self._memo_at = self.frames
        key = (name, start)
        if key not in self._memo:
            self._memo[key] = measure()
        return self._memo[key]


def kept_period(measured: float | None, period: float, seen: float, t: float) -> tuple[float, float]:
    """Rule 2 of each counter over time: (the period, when the window last showed one) at time t. A period the
    window has not shown for SET_GAP_PERIODS of itself is forgotten for START_PERIOD_S: the set it belonged to is
    over, and a stale one (walking's, before lying down) would misjudge the gaps of the next."""
    if measured is not None:
        return measured, t
    if t - seen > k.SET_GAP_PERIODS * period:
        return k.START_PERIOD_S, seen
    return period, seen


def spread_deg(ups: np.ndarray) -> float:
    """How far the body moves in any direction over a window: twice the largest angle from its mean direction."""
    mean = mean_row(ups)
    mean /= max(length(mean), 1e-9)
    return 2.0 * DEGREES * math.acos(max(-1.0, min(1.0, float((ups @ mean).min()))))


def angles(w: np.ndarray, axis: Vec) -> np.ndarray:
    """The angle (deg) of each frame's gravity direction along an axis (w: rows of t, up)."""
    return DEGREES * np.arcsin((w[:, 1:] @ np.asarray(axis)).clip(-1.0, 1.0))


# The refresh runs numpy on short arrays, where the Python around a call costs more than the sums: these are
# ndarray.mean(axis=0) and np.linalg.norm as numpy computes them (the same reduction, then the same division or
# square root), without that Python. Over rows of a window (C order), both add.reduce and einsum add the rows in
# turn, column by column; einsum's loop costs a third as much.
def mean_row(x: np.ndarray) -> np.ndarray:
    return np.einsum("ij->j", x) / len(x)


def length(v: np.ndarray) -> float:
    return math.sqrt(float(v.dot(v)))


def angle_on(u: Vec, axis: Vec) -> float:
    """The angle (deg) of a gravity direction along an axis: what each counter judges, frame by frame."""
    d = u[0] * axis[0] + u[1] * axis[1] + u[2] * axis[2]
    return DEGREES * math.asin(d if -1.0 <= d <= 1.0 else max(-1.0, min(1.0, d)))  # clamped only when it must be


def median(values: Sequence[float]) -> float:
    """np.median of a few floats (a set's last excursions, a window's ranges) without numpy's overhead: the middle
    value, or the mean of the middle two, as numpy computes it."""
    if not values:
        return math.nan
    ordered = sorted(values)
    half = len(ordered) // 2
    return ordered[half] if len(ordered) % 2 else (ordered[half - 1] + ordered[half]) / 2


def _main_axis(ups: np.ndarray) -> tuple[np.ndarray, float] | None:
    """The principal axis of a stretch of gravity directions, and how far (deg) they range along it."""
    if len(ups) < 3:
        return None
    x = np.array(ups.T)  # np.cov(ups.T), as numpy computes it
    x -= (np.add.reduce(x, axis=1) / len(ups))[:, None]  # x.mean(axis=1)
    cov = np.dot(x, x.T.conj())
    cov *= 1.0 / (len(ups) - 1)
    axis = np.linalg.eigh(cov)[1][:, -1]
    along = ups @ axis
    return axis, DEGREES * float(along.max() - along.min())


def _period(ups: np.ndarray) -> float | None:
    hz = FRAME_HZ
    lo, hi = int(k.MIN_PERIOD_S * hz), min(int(k.MAX_PERIOD_S * hz), len(ups) // 2)
    if hi <= lo + 2:
        return None
    centred = ups - mean_row(ups)
    x = centred @ np.linalg.eigh(centred.T @ centred)[1][:, -1]
    n = 1 << (2 * len(x) - 1).bit_length()
    spectrum = np.fft.rfft(x, n)
    acf = np.fft.irfft(spectrum * spectrum.conj(), n)[: hi + 2]
    if acf[0] <= 0:
        return None
    acf = acf / acf[0] * len(x) / (len(x) - np.arange(len(acf)))  # unbiased: every lag weighs alike
    seg = acf[lo : hi + 1]
    peaks = ((seg[1:-1] > seg[:-2]) & (seg[1:-1] >= seg[2:]) & (seg[1:-1] >= k.PERIOD_MIN_CORRELATION)).nonzero()[0]
    if not len(peaks):
        return None
    return (lo + 1 + int(peaks[0])) / hz
