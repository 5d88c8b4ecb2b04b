"""Counting repetitions of any movement that changes orientation, with no per-person tuning.

The gravity direction traces a path; turning points are found with hysteresis relative to the
swing in progress (a reversal must undo a quarter of the swing), so 5-degree and 60-degree reps
are both found and a wobble on a plateau is not. A rep is a swing out and a swing back to where
it started; it is counted the moment the return gets halfway home. Wobbles at the far end are
merged into the swing, a long pause confirms a turning point, and the rest pose may drift
between reps because every rep is measured from its own start. Accepted reps must be a fair
fraction of the person's recent ones, turn about a similar axis, not happen while walking about,
and (in the generic mode) have a neighbour: a single movement between sets is not a rep. Where
reps count at once (the routine), one after a pause that is much smaller than the set's, or that
turns the other way about the exercise's axis, waits for a neighbour turning its way: a fidget on
the mat between two sets is as likely as a rep, and the set that follows it turns the other way.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

from . import tuning as k
from .events import RepCounted
from .orientation import Frame
from .vector import Vec, angle_deg, cross, dot, sub, unit

ALONG_SWING = math.cos(math.radians(k.DIRECTION_MAX_DEG)) ** 2  # cos^2: a step further off the swing is a corner
DEPART_FRAC = 0.2  # a rep begins when the body leaves this fraction of its swing from the start
AXIS_MEMORY_S = 20.0  # after a longer pause a new set may move about another axis


@dataclass(frozen=True)
class RepParams:
    min_swing_deg: float = 1.5  # smallest swing that can turn
    turn_frac: float = 0.25  # a turn must undo this fraction of the swing
    merge_frac: float = 0.35  # a turning point this close to the far end is a wobble there
    return_frac: float = 0.55  # counted when back within this fraction of the amplitude
    settle_s: float = 2.0  # still this long at the far end: that was the turning point
    settle_frac: float = 0.15
    rest_s: float = 20.0  # resting this long at the far end of a swing makes it the rest pose
    min_amplitude_deg: float = 3.0
    min_duration_s: float = 0.8
    recent_frac: float = 0.25  # at least this fraction of the recent reps' amplitude...
    recent_half_life_s: float = 15.0  # ...which fades while no reps come
    max_axis_change_deg: float = 50.0
    expected_axis_deg: float = 25.0  # when the exercise's axis is known, how far a rep may stray from it
    neighbour_s: float = 12.0  # 0: count every rep at once (the routine knows the person is exercising)
    doubt_frac: float | None = None  # with neighbour_s = 0: a rep this much smaller than the set's...
    doubt_after_s: float = 6.0  # ...coming this long after the last one...
    doubt_wait_s: float = 12.0  # ...counts only if another rep follows within this long
    max_turn_ratio: float = 4.0  # an out-and-back turns about twice its amplitude; walking far more
    max_moving_g: float | None = None  # reject reps with more bouncing than this (walking)


@dataclass
class _Rep:
    start: float
    end: float
    amplitude: float
    axis: Vec
    far: float  # when it turned at its far end
    turned: float = 0.0


def _axis_off(a: Vec, b: Vec) -> float:
    """Angle between two axes, either way round."""
    return math.degrees(math.acos(min(1.0, abs(dot(a, b)))))


class RepCounter:
    def __init__(
        self,
        params: RepParams = RepParams(),
        anchor: Vec | None = None,
        t: float = 0.0,
        expected_axis: Vec | None = None,
    ):
        """expected_axis: the axis the exercise turns about, when the body has told us (pelvic tilt)."""
        self.p = params
        self.expected_axis = expected_axis
        self.count = 0
        self.reset(anchor, t)
        self._history: list[_Rep] = []  # accepted reps, most recent last (kept short)
        self._pending: _Rep | None = None  # accepted, waiting for a neighbour to be counted
        self._last_counted: float | None = None
        self._returns: list[_Rep] = []  # the last few out-and-back movements big enough to be reps

    def reset(self, anchor: Vec | None, t: float) -> None:
        """Start afresh from a pose (the calibrated start pose, or the next frame's)."""
        self._pivot = anchor
        self._far = anchor
        self._far_angle = 0.0
        self._far_t = t
        self._start: tuple[Vec, float] | None = (anchor, t) if anchor else None
        self._out: tuple[Vec, float] | None = None
        self._amp = 0.0
        self._counted = False
        self._departed = t
        self._at_out_since: float | None = None
        self._turned = 0.0  # degrees of rotation the gyro saw since the rep began
        self._last_t: float | None = None
        self._moving = 0.0

    # -- turning points -------------------------------------------------------------------
    def _turning_point(self, u: Vec, t: float) -> tuple[Vec, float] | None:
        p = self.p
        assert self._pivot is not None and self._far is not None, "update() sets the pivot first"
        if self._further(u):
            self._far, self._far_angle, self._far_t = u, angle_deg(self._pivot, u), t
            return None
        if self._far_angle < p.min_swing_deg:
            return None
        back = angle_deg(self._far, u)
        turned = back >= max(p.min_swing_deg, p.turn_frac * self._far_angle)
        settled = t - self._far_t >= p.settle_s and back <= max(1.0, p.settle_frac * self._far_angle)
        if not (turned or settled):
            return None
        point = (self._far, self._far_t)
        self._pivot = self._far
        self._far, self._far_angle, self._far_t = u, angle_deg(self._pivot, u), t
        return point

    def _further(self, u: Vec) -> bool:
        """u is further along the swing than its far end so far: it moved on from there within DIRECTION_MAX_DEG of
        the swing's direction (a corner in the path, as from rolling the hips back to tilting out, is a turn though
        it may lead further from the pivot). A swing no bigger than noise has no direction yet: then further from
        the pivot."""
        assert self._pivot is not None and self._far is not None
        pivot, far = self._pivot, self._far
        if self._far_angle < self.p.min_swing_deg:
            return angle_deg(pivot, u) > self._far_angle
        d, step = sub(far, pivot), sub(u, far)
        along = dot(step, d) / math.sqrt(dot(d, d))
        return along > 0 and along * along > ALONG_SWING * dot(step, step)

    def _on_turn(self, q: tuple[Vec, float]) -> None:
        assert self._start is not None, "update() sets the start with the pivot"
        if self._out is None:
            self._out, self._amp, self._counted = q, angle_deg(self._start[0], q[0]), False
        elif self._counted:
            self._start, self._out, self._moving, self._departed, self._turned = q, None, 0.0, q[1], 0.0
        elif angle_deg(q[0], self._out[0]) < self.p.merge_frac * self._amp:
            if angle_deg(q[0], self._start[0]) > self._amp:  # a wobble that went further out
                self._out, self._amp = q, angle_deg(self._start[0], q[0])
        else:  # no return: the swing out was a shift, measure from where it ended
            self._departed, self._turned = self._out[1], 0.0
            self._start, self._out = self._out, q
            self._amp = angle_deg(self._start[0], q[0])
            self._moving = 0.0

    # -- reps ----------------------------------------------------------------------------
    def update(self, f: Frame) -> list[RepCounted]:
        u, t = f.up, f.t
        if self._pivot is None:
            self.reset(u, t)
            return []
        self._moving = max(self._moving, f.dyn_g)
        if self._last_t is not None:
            self._turned += f.rate_dps * (t - self._last_t)
        self._last_t = t
        if (
            self._out is None
            and self._start is not None
            and angle_deg(self._start[0], u) <= max(self.p.min_swing_deg, DEPART_FRAC * self._far_angle)
        ):
            self._departed, self._turned = t, 0.0  # still near the start: the rep has not begun
        q = self._turning_point(u, t)
        if q is not None:
            self._on_turn(q)
        self._drop_lone_pending(t)
        if self._out is None or self._counted:
            return []
        if angle_deg(u, self._out[0]) > max(self.p.min_swing_deg, self.p.settle_frac * self._amp):
            self._at_out_since = None
        elif self._at_out_since is None:
            self._at_out_since = t
        elif t - self._at_out_since >= self.p.rest_s:
            # Resting this long where the swing ended: that is the rest pose, not the far end of a rep.
            self._start, self._out, self._departed, self._turned = self._out, None, t, 0.0
            return []
        assert self._start is not None, "update() sets the start with the pivot"
        start_u, start_t = self._start[0], self._departed
        if angle_deg(u, start_u) > self.p.return_frac * self._amp:
            return []
        if t - start_t < self.p.min_duration_s or self._amp < self._smallest_rep(t):
            return []  # too small or too quick to be a rep: the state goes on as for a wobble
        self._counted = True
        rep = _Rep(start_t, t, self._amp, unit(cross(start_u, self._out[0])), self._out[1], self._turned)
        self._returns = [*self._returns[-4:], rep]
        return self._accept(rep) if self._acceptable(rep) else []

    def _smallest_rep(self, t: float) -> float:
        """A fair fraction of the recent reps' amplitude, fading while none come."""
        p = self.p
        if not self._returns:
            return p.min_amplitude_deg
        typical = statistics.median(r.amplitude * 0.5 ** ((t - r.end) / p.recent_half_life_s) for r in self._returns)
        return max(p.min_amplitude_deg, p.recent_frac * typical)

    def _acceptable(self, rep: _Rep) -> bool:
        p = self.p
        if p.max_moving_g is not None and self._moving > p.max_moving_g:
            return False
        if rep.turned > p.max_turn_ratio * rep.amplitude:
            return False  # much more turning than tilting: walking about or turning round
        if self.expected_axis is not None and _axis_off(rep.axis, self.expected_axis) > p.expected_axis_deg:
            return False
        recent = self._history[-4:]
        if len(recent) >= 3 and rep.end - recent[-1].end < AXIS_MEMORY_S:
            ref = recent[-1].axis
            summed = [0.0, 0.0, 0.0]
            for r in recent:
                sign = 1.0 if dot(r.axis, ref) >= 0 else -1.0
                for k in range(3):
                    summed[k] += sign * r.axis[k]
            if _axis_off(rep.axis, unit((summed[0], summed[1], summed[2]))) > p.max_axis_change_deg:
                return False
        return True

    def _accept(self, rep: _Rep) -> list[RepCounted]:
        doubtful = self._doubtful(rep)
        self._history = [*self._history[-7:], rep]
        gap = self.p.neighbour_s
        events = []
        if self._pending is not None and rep.end - self._pending.end <= (gap or self.p.doubt_wait_s):
            if self._same_way(rep, self._pending):
                events.append(self._counted_event(self._pending))  # the rep it was waiting for has come
            self._pending = None  # else it went the other way about the exercise's axis: another movement
        if not gap:  # counting at once, unless the rep is doubtful: then it waits for the next one
            if doubtful:
                self._pending = rep
                return events
            return [*events, self._counted_event(rep)]
        if events or (self._last_counted is not None and rep.end - self._last_counted <= gap):
            events.append(self._counted_event(rep))
        else:
            self._pending = rep
        return events

    def _same_way(self, a: _Rep, b: _Rep) -> bool:
        """Two reps turned the same way about the exercise's axis (when it is known), as reps of one set do: a fidget
        after a pause that turns the other way is not confirmed by the set that follows it."""
        if self.expected_axis is None:
            return True
        return (dot(a.axis, self.expected_axis) > 0) == (dot(b.axis, self.expected_axis) > 0)

    def _doubtful(self, rep: _Rep) -> bool:
        """Much smaller than the set's reps, or turning the other way about the exercise's axis, after a pause: a
        fidget as likely as a rep, so it waits for a neighbour that turns its way before it counts (only where
        reps otherwise count at once)."""
        p = self.p
        if p.doubt_frac is None or not self._history or rep.end - self._history[-1].end < p.doubt_after_s:
            return False
        smaller = rep.amplitude < p.doubt_frac * statistics.median(r.amplitude for r in self._history[-5:])
        return smaller or not self._same_way(rep, self._history[-1])

    def _drop_lone_pending(self, t: float) -> None:
        """A movement with no rep near it in time was not a rep: forget it."""
        if self._pending is not None and t - self._pending.end > (self.p.neighbour_s or self.p.doubt_wait_s):
            self._pending = None

    def _counted_event(self, rep: _Rep) -> RepCounted:
        self.count += 1
        self._last_counted = rep.end
        return RepCounted(rep.end, self.count, rep.start, round(rep.amplitude, 1), rep.far)

    def angle_from_start(self, u: Vec) -> float:
        """How far the body is from where the rep in progress started (for a gauge or a plot)."""
        return angle_deg(self._start[0], u) if self._start else 0.0
