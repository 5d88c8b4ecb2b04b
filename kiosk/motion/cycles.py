"""A second rep counter, built to generalize rather than to fit: its count against the first gives the confidence.

After RecoFit (Morris et al., CHI 2014) and Zelman et al. (2020): every decision is relative to the
signal itself, so it carries over to people and sensors it was never tuned on.

1. The gravity direction is projected onto the set's principal axis (the direction the body swings in,
   from the spread of the last few periods), giving one angle in degrees whatever the mounting.
2. The local period comes from the autocorrelation of that angle (MIN_PERIOD_S to MAX_PERIOD_S).
3. The local envelope is the median of the ranges of the last ENVELOPE_PERIODS period-long windows (one
   stray is outvoted), floored at QUIET_FACTOR times the recording's quiet level (the smallest range the
   angle keeps over a second) and at MIN_ENVELOPE_DEG; the midline is the middle of the last period.
4. Hysteresis: the angle switches side when it passes the midline by HYSTERESIS_FRAC of the envelope.
5. A rep is a full cycle, two switches, counted from the first switch of a set, so it does not matter
   which end of the movement is rest; it is counted at its second switch, on the way back.
6. A cycle whose turning points are more than DIRECTION_MAX_DEG off the set's axis is another movement.
7. A set ends after SET_GAP_PERIODS periods with no switch; a set of fewer than `min_set_reps` cycles is
   strays and counts nothing (its cycles wait, uncounted, until the set proves itself).
8. Inside it, a third view (peaks at least PEAK_SPACING_FRAC of a period apart, rising
   PEAK_PROMINENCE_FRAC of the envelope above the valleys on both sides) counts each set again; the
   count is "high" confidence only when both agree on every set and no cycle was refused for its direction.

Everything runs on a bounded window (WINDOW_S) frame by frame, re-measuring the axis, period, envelope
and quiet level every REFRESH_S, so the kiosk and `analyze` run the very same code and memory does not
grow with the session.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np

from . import tuning as k
from .events import RepCounted
from .orientation import FRAME_HZ, Frame
from .vector import Vec, angle_deg, cross, dot, norm, unit

DEGREES = 180.0 / math.pi


@dataclass(frozen=True)
class CycleParams:
    min_set_reps: int = k.MIN_SET_REPS  # the routine, which knows a set is under way, may ask for 1
    learn_axis_reps: int = 0  # > 0: the axis is learnt from this many first reps, then fixed (pelvic tilt)


@dataclass
class _Extreme:
    s: float
    up: Vec
    t: float


class CycleCounter:
    def __init__(
        self,
        params: CycleParams = CycleParams(),
        anchor: Vec | None = None,
        t: float = 0.0,
        expected_axis: Vec | None = None,
    ):
        """anchor: the start pose, when there is one; expected_axis: the axis the body turns about, when the
        body has told us (the person's right for a pelvic tilt): the swing direction then is fixed from it."""
        self.p = params
        self.count = 0
        self.sets_agreed = True  # the second counter agreed on every set so far
        self.refused = 0  # cycles refused for their direction
        self._last_t = t
        self._size = int(k.WINDOW_S * FRAME_HZ)
        self._buf = np.zeros((self._size, 4))  # t, up: a ring of the last WINDOW_S of frames
        self._fixed_axis = anchor is not None and expected_axis is not None
        self._axis: Vec | None = unit(cross(expected_axis, anchor)) if anchor and expected_axis else None
        self.reset(anchor, t)

    # -- public -------------------------------------------------------------------------------------
    @property
    def confidence(self) -> str:
        """'high' when the independent counter agrees on every set so far (the one in progress too) and no
        cycle was refused for its direction; else 'low'."""
        open_set_ok = self._set_cycles < self.p.min_set_reps or self._set_agrees(self._last_t)
        return "high" if self.sets_agreed and open_set_ok and not self.refused else "low"

    def reset(self, anchor: Vec | None, t: float) -> None:
        """Start afresh from a pose (the calibrated start pose, or the next frame's): history forgotten."""
        self._n = 0  # frames in the ring
        self._i = 0  # next slot
        self._frames = 0
        self._home = anchor
        self._period = k.START_PERIOD_S
        self._mid = 0.0
        self._env = k.MIN_ENVELOPE_DEG
        self._quiet: deque[float] = deque(maxlen=int(k.QUIET_MEMORY_S / k.REFRESH_S))
        self._recent_rep = (0.0, t)  # range (deg) and time of the last counted rep
        self._close_set(t)

    def angle_from_start(self, u: Vec) -> float:
        """How far the body is from where the set started (for a gauge or a plot)."""
        return angle_deg(self._home, u) if self._home else 0.0

    def finish(self, t: float) -> None:
        """End of the stream: the set in progress is judged as it stands."""
        self._close_set(t)

    def update(self, f: Frame) -> list[RepCounted]:
        u, t = f.up, f.t
        self._last_t = t
        if self._home is None:
            self._home = u
        self._store(t, u)
        if self._frames % int(k.REFRESH_S * FRAME_HZ) == 0:
            self._refresh()
        if self._axis is None:
            return []
        if self._state is not None and t - self._last_switch > k.SET_GAP_PERIODS * self._period:
            self._close_set(t)
            self._home = u
        s = DEGREES * math.asin(max(-1.0, min(1.0, dot(u, self._axis))))
        self._second(s, t)
        return self._hysteresis(s, u, t)

    # -- the window ----------------------------------------------------------------------------------
    def _store(self, t: float, u: Vec) -> None:
        self._buf[self._i] = (t, u[0], u[1], u[2])
        self._i = (self._i + 1) % self._size
        self._n = min(self._n + 1, self._size)
        self._frames += 1

    def _window(self) -> np.ndarray:
        """The frames in the ring, oldest first."""
        if self._n < self._size:
            return self._buf[: self._n]
        return np.concatenate([self._buf[self._i :], self._buf[: self._i]])

    def _refresh(self) -> None:
        """Measure the axis, period, quiet level, envelope and midline again on the window."""
        w = self._window()
        hz = FRAME_HZ
        recent = w[-max(int(k.ENVELOPE_PERIODS * self._period * hz), int(k.REFRESH_S * hz)) :, 1:]
        if not self._fixed_axis:
            self._principal_axis(recent)
        if self._axis is None:
            return
        a = np.asarray(self._axis)
        s = DEGREES * np.arcsin(np.clip(w[:, 1:] @ a, -1.0, 1.0))
        block = s[-int(k.REFRESH_S * hz) :]
        self._quiet.append(float(block.max() - block.min()))
        self._period = _period(s, self._period)
        span = max(1, int(self._period * hz))
        windows = [s[max(0, len(s) - (j + 1) * span) : len(s) - j * span] for j in range(k.ENVELOPE_PERIODS)]
        ranges = [float(x.max() - x.min()) for x in windows if len(x)]
        fade = 0.5 ** ((self._last_t - self._recent_rep[1]) / k.RECENT_REP_HALF_LIFE_S)
        recent = k.RECENT_REP_FRAC * self._recent_rep[0] * fade
        floor = max(k.MIN_ENVELOPE_DEG, k.QUIET_FACTOR * min(self._quiet), recent)
        self._env = max(float(np.median(ranges)), floor)
        last = windows[0]
        self._mid = float(last.max() + last.min()) / 2.0

    def _principal_axis(self, ups: np.ndarray) -> None:
        """The direction the body swings in: the main axis of the spread of recent gravity directions."""
        if len(ups) < 3:
            return
        values, vectors = np.linalg.eigh(np.cov(ups.T))
        spread = DEGREES * math.sqrt(max(values[-1], 0.0))
        if self._axis is not None and spread < k.MIN_ENVELOPE_DEG / 4:
            return  # nothing moves: keep the axis the last movement had
        axis = vectors[:, -1]
        if self._axis is not None and float(axis @ np.asarray(self._axis)) < 0:
            axis = -axis
        self._axis = (float(axis[0]), float(axis[1]), float(axis[2]))

    # -- the first counter: hysteresis, full cycles -------------------------------------------------
    def _set_agrees(self, t: float) -> bool:
        """The second counter found as many peaks over the set as the first found cycles."""
        peaks = sum(self._set_start - self._period <= pt <= t for pt in self._peaks)
        return peaks == self._set_cycles

    def _close_set(self, t: float) -> None:
        """A set ends: its cycles count only if there were enough of them (already counted if so)."""
        if getattr(self, "_set_cycles", 0) >= self.p.min_set_reps:
            self.sets_agreed = self.sets_agreed and self._set_agrees(t)
        self._state: int | None = None
        self._set_switches = 0
        self._set_cycles = 0
        self._set_start = t
        self._pending: list[RepCounted] = []
        self._last_switch = t
        self._low: _Extreme | None = None
        self._high: _Extreme | None = None
        self._ends: list[_Extreme] = []
        self._peaks: deque[float] = deque(maxlen=4 * int(k.WINDOW_S / k.MIN_PERIOD_S))
        self._zig = 0  # second counter: 0 at a set's start, 1 looking for a peak, -1 for a valley
        self._zig_ext: tuple[float, float] | None = None
        self._last_peak = -math.inf

    def _hysteresis(self, s: float, u: Vec, t: float) -> list[RepCounted]:
        here = _Extreme(s, u, t)
        if self._low is None or s < self._low.s:
            self._low = here
        if self._high is None or s > self._high.s:
            self._high = here
        h = k.HYSTERESIS_FRAC * self._env
        if self._state != 1 and s > self._mid + h:
            return self._switch(1, self._low, here)
        if self._state != -1 and s < self._mid - h:
            return self._switch(-1, self._high, here)
        return []

    def _switch(self, state: int, turning: _Extreme, here: _Extreme) -> list[RepCounted]:
        """The angle passed to the other side: the half-cycle that ended turned at `turning`."""
        if self._set_switches == 0:
            self._set_start = turning.t
        self._state = state
        self._set_switches += 1
        self._last_switch = here.t
        self._ends = [*self._ends[-1:], turning]
        self._low = self._high = here  # the next turning point is looked for from here on
        if self._set_switches % 2 or len(self._ends) < 2:
            return []
        start, far = self._ends
        return self._cycle(start, far, here.t)

    def _cycle(self, start: _Extreme, far: _Extreme, t: float) -> list[RepCounted]:
        if not self._on_axis(start.up, far.up):
            self.refused += 1
            return []
        self._set_cycles += 1
        if self.p.learn_axis_reps and self._set_cycles >= self.p.learn_axis_reps and not self._fixed_axis:
            self._fixed_axis = True  # the exercise's axis is learnt: later movements are judged against it
        rep = RepCounted(t, 0, start.t, round(abs(far.s - start.s), 1))
        self._pending.append(rep)
        if self._set_cycles < self.p.min_set_reps:
            return []
        counted = []
        self._recent_rep = (rep.amplitude_deg, t)
        for r in self._pending:
            self.count += 1
            counted.append(RepCounted(r.t, self.count, r.start, r.amplitude_deg))
        self._pending = []
        return counted

    def _on_axis(self, a: Vec, b: Vec) -> bool:
        d = (b[0] - a[0], b[1] - a[1], b[2] - a[2])
        size = norm(d)
        if size == 0.0 or self._axis is None:
            return False
        return abs(dot(d, self._axis)) / size >= math.cos(math.radians(k.DIRECTION_MAX_DEG))

    # -- the second counter: prominent peaks, spaced by the period -----------------------------------
    def _second(self, s: float, t: float) -> None:
        """Zig-zag turning points with a reversal of PEAK_PROMINENCE_FRAC of the envelope; a peak counts
        when it is at least PEAK_SPACING_FRAC of a period after the last one."""
        ext = self._zig_ext
        rise = k.PEAK_PROMINENCE_FRAC * self._env
        if ext is None:
            self._zig_ext = (s, t)
            return
        if self._zig >= 0:  # looking for a peak
            if s > ext[0]:
                self._zig_ext = (s, t)
            elif ext[0] - s >= rise:
                if ext[1] - self._last_peak >= k.PEAK_SPACING_FRAC * self._period:
                    self._peaks.append(ext[1])
                    self._last_peak = ext[1]
                self._zig, self._zig_ext = -1, (s, t)
        if self._zig < 0:  # looking for a valley
            if s < self._zig_ext[0]:
                self._zig_ext = (s, t)
            elif s - self._zig_ext[0] >= rise:
                self._zig, self._zig_ext = 1, (s, t)


def _period(s: np.ndarray, previous: float) -> float:
    """The local period: the first autocorrelation peak between MIN_PERIOD_S and MAX_PERIOD_S."""
    hz = FRAME_HZ
    lo, hi = int(k.MIN_PERIOD_S * hz), min(int(k.MAX_PERIOD_S * hz), len(s) // 2)
    if hi <= lo + 2:
        return previous
    x = s - s.mean()
    n = 1 << (2 * len(x) - 1).bit_length()
    spectrum = np.fft.rfft(x, n)
    acf = np.fft.irfft(spectrum * np.conj(spectrum), n)[: hi + 2]
    if acf[0] <= 0:
        return previous
    acf = acf / acf[0] * len(x) / (len(x) - np.arange(len(acf)))  # unbiased: every lag weighs alike
    seg = acf[lo : hi + 1]
    peaks = np.flatnonzero((seg[1:-1] > seg[:-2]) & (seg[1:-1] >= seg[2:]) & (seg[1:-1] >= k.PERIOD_MIN_CORRELATION))
    if not len(peaks):
        return previous
    return (lo + 1 + int(peaks[0])) / hz
