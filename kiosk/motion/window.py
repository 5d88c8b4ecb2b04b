"""The last WINDOW_S of frames (time and gravity direction) that the rep counters look back over, and what they
measure over it: the quiet spread, the local period, the direction of swing.

Both counters of the generic exercise look at the same frames; sharing one window, each frame is stored once and
each measurement is taken once per frame, whichever counter asks first (the counters still decide alone: only
measurements are shared). A counter given no window keeps its own. Memory is bounded by WINDOW_S (and, offline,
the batch of frames it is told are coming: it stores them in one go and measures the period at several refreshes
among them together).
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
AHEAD = 32  # periods measured together: a batch of windows costs each half as much as one alone; a whole chunk's
# (190), whose arrays no longer fit the CPU's cache, costs more again


class FrameWindow:
    def __init__(self) -> None:
        self.size = int(k.WINDOW_S * FRAME_HZ)
        self._rows = np.zeros((0, 4))  # t, up of frames number _first on, oldest first; new arrays, never written
        # into, so a view handed out stays as it was
        self._first = 0
        self.frames = 0  # frames stored since the start: the number of the next one
        self._pending: list[float] = []  # the last frames added (t, up, ...), stored together when looked at
        self._expected: Sequence[Frame] = ()  # frames about to be added, in order, whose rows are stored already
        self._next = 0  # the index in _expected of the next one
        self._ahead: dict[int, float | None] = {}  # the period of the whole window when it ends at a frame number
        self._last: Frame | None = None
        self._memo: dict[tuple[str, int], object] = {}  # measurements of the frames as they are now
        self._memo_at = 0

    def expect(self, frames: Sequence[Frame]) -> None:
        """Frames about to be added, in this order (offline, a whole batch): stored in one go, and the period of the
        whole window at each refresh among them measured in one go (once the window is full). Anything else added
        first is stored as usual, and what was measured ahead is dropped."""
        if len(frames) < REFRESH_FRAMES:
            return  # live, a frame or two at a time: nothing to gain
        self._write()
        ups = np.array([f.up for f in frames])
        rows = np.empty((len(frames), 4))
        rows[:, 0] = [f.t for f in frames]
        rows[:, 1:] = ups
        held = self._rows[max(0, self.frames - self.size - self._first) : self.frames - self._first]
        self._rows = np.concatenate((held, rows))
        self._first = self.frames - len(held)
        self._expected, self._next, self._ahead = frames, 0, {}

    def add(self, f: Frame) -> None:
        """Store a frame; counters sharing the window each add the frame they are given, and it is stored once."""
        if f is self._last:
            return
        self._last = f
        self.frames += 1
        if self._expected:
            if self._next < len(self._expected) and self._expected[self._next] is f:
                self._next += 1
                return
            self._rows = self._rows[: self.frames - 1 - self._first]  # not the frames expected: forget them
            self._expected, self._ahead = (), {}
        self._pending += (f.t, *f.up)
        if len(self._pending) >= 4 * self.size:
            self._write()

    @property
    def n(self) -> int:
        """Frames held."""
        return min(self.frames, self.size)

    def since(self, start: int) -> np.ndarray:
        """The frames from number `start` on, as far as the window holds them, oldest first."""
        return self.rows(start, self.frames)

    def rows(self, start: int, end: int) -> np.ndarray:
        """Frames number `start` to `end` (exclusive), as far as the window still holds them."""
        self._write()
        start = max(start, self.frames - self.n, end - self.n)
        return self._rows[start - self._first : max(start, end) - self._first]

    def quiet_spread(self) -> float:
        """How far the body moved in any direction over the last QUIET_WINDOW_S (ask only once it holds that)."""
        return self._memoised("quiet", 0, lambda: spread_deg(self.since(self.frames - QUIET_FRAMES)[:, 1:]))

    def period(self, start: int) -> float | None:
        """The local period of the frames since number `start` (rule 2 of each counter), or None when they show
        none: the first autocorrelation peak between MIN_PERIOD_S and MAX_PERIOD_S of the gravity direction along
        its own main direction of change, so it needs no axis learnt before."""
        start = max(start, self.frames - self.n)
        if start == self.frames - self.size:  # the whole window, as a rule: offline, measured ahead
            if self.frames in self._ahead:
                return self._ahead[self.frames]
            if self._next < len(self._expected):
                self._measure_ahead()
                return self._ahead[self.frames]
        return self._memoised("period", start, lambda: periods(self.since(start)[None, :, 1:])[0])

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

    def _measure_ahead(self) -> None:
        """The period of the whole window now and at the next AHEAD - 1 refreshes, as far as the frames expected go
        (live, with none expected, a window is measured alone: a batch of one costs more)."""
        self._write()
        end = self.frames - self._first
        ups = self._rows[end - self.size :, 1:]
        windows = np.lib.stride_tricks.sliding_window_view(ups, self.size, axis=0)[::REFRESH_FRAMES][:AHEAD]
        found = periods(windows.transpose(0, 2, 1))
        self._ahead = dict(
            zip(range(self.frames, self.frames + len(found) * REFRESH_FRAMES, REFRESH_FRAMES), found, strict=True)
        )

    def _write(self) -> None:
        """The frames added since the window was last looked at, stored in one go (cheaper than one by one: the
        counters look back once a second)."""
        if not self._pending:
            return
        rows = np.array(self._pending[-4 * self.size :]).reshape(-1, 4)
        held = self._rows[max(0, len(self._rows) - self.size + len(rows)) :]
        self._rows = np.concatenate((held, rows))
        self._first = self.frames - len(self._rows)
        self._pending = []

    def _memoised(self, name: str, start: int, measure: Callable[[], Any]) -> Any:
        if self._memo_at != self.frames:
            self._memo.clear()
            self._memo_at = self.frames
        key = (name, start)
        if key not in self._memo:
            self._memo[key] = measure()
        return self._memo[key]


def kept_period(measured: float | None, period: float, seen: float, t: float) -> tuple[float, float]:
    """Rule 2 of each counter over time: (the period, when the window last showed one) at time t; one the window
    has not shown for PERIOD_MEMORY_PERIODS of itself gives way to START_PERIOD_S."""
    if measured is not None:
        return measured, t
    if t - seen > k.PERIOD_MEMORY_PERIODS * period:
        return k.START_PERIOD_S, seen
    return period, seen


def spread_deg(ups: np.ndarray) -> float:
    """How far the body moves in any direction over a window: twice the largest angle from its mean direction."""
    mean = mean_row(ups)
    mean /= max(length(mean), 1e-9)
    return 2.0 * DEGREES * math.acos(max(-1.0, min(1.0, float((ups @ mean).min()))))


def stretch_extremes(s: np.ndarray, span: int, count: int) -> tuple[list[float], list[float]]:
    """The highest and the lowest value of each of the last `count` stretches of `span` values of s (as many as s
    holds; the oldest cut short at its start), oldest first: two numpy calls, not two per stretch."""
    starts = [max(0, end - span) for end in range(len(s), 0, -span)[:count]][::-1]
    return np.maximum.reduceat(s, starts).tolist(), np.minimum.reduceat(s, starts).tolist()


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
    # np.cov(ups.T) as numpy computes it, without its copies: the same means (the rows added in turn), and the same
    # product (numpy hands X @ X.T and X.T @ X of one array to BLAS as the same symmetric rank-k update).
    centred = ups - mean_row(ups)
    cov = centred.T @ centred
    cov *= 1.0 / (len(ups) - 1)
    axis = np.linalg.eigh(cov)[1][:, -1]
    along = ups @ axis
    return axis, DEGREES * float(along.max() - along.min())


def periods(windows: np.ndarray) -> list[float | None]:
    """The local period of each of k windows of gravity directions of one length (k x n x 3), see
    FrameWindow.period: the first autocorrelation peak between MIN_PERIOD_S and MAX_PERIOD_S."""
    hz = FRAME_HZ
    lo, hi = int(k.MIN_PERIOD_S * hz), min(int(k.MAX_PERIOD_S * hz), windows.shape[1] // 2)
    if hi <= lo + 2:
        return [None] * len(windows)
    seg = autocorrelations(windows, hi + 1)[:, lo:]
    peak = (seg[:, 1:-1] > seg[:, :-2]) & (seg[:, 1:-1] >= seg[:, 2:]) & (seg[:, 1:-1] >= k.PERIOD_MIN_CORRELATION)
    first = peak.argmax(axis=1).tolist()
    return [(lo + 1 + i) / hz if found[i] else None for i, found in zip(first, peak, strict=True)]


def autocorrelations(windows: np.ndarray, lags: int) -> np.ndarray:
    """The autocorrelation (unbiased, 1 at lag 0) at lags 0 to lags - 1 of each of k windows of gravity directions
    (k x n x 3) along its own main direction of change; NaN for a window with no change at all. One numpy call per
    step for all of them, yet each row is, bit for bit, what its window gives alone: numpy works each window through
    the same routines (sums in the same order, the same BLAS and LAPACK calls, one FFT per row)."""
    n = windows.shape[1]
    centred = windows - (np.einsum("kij->kj", windows) / n)[:, None, :]
    x = (centred @ np.linalg.eigh(centred.transpose(0, 2, 1) @ centred)[1][:, :, -1:])[:, :, 0]
    size = 1 << (2 * n - 1).bit_length()
    spectrum = np.fft.rfft(x, size)
    # Not `spectrum * spectrum.conj()`: on a large batch numpy would reuse the temporary and multiply the other way
    # round, which for complex numbers is not the same to the last bit.
    acf = np.fft.irfft(np.multiply(spectrum, spectrum.conj()), size)[:, :lags]
    acf[~(acf[:, 0] > 0)] = np.nan
    return acf / acf[:, :1] * n / (n - np.arange(lags))  # unbiased: every lag weighs alike
