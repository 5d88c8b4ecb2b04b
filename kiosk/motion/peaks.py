"""The generic exercise's second, independent rep counter: peaks spaced by the local period, with
prominence relative to the local range. The pipeline calls the count "high" confidence where it and
CycleCounter count the same; they share no decision rule (only a bound: how long a rest inside a set lasts),
so one's mistake is seldom the other's.

CycleCounter switches side when the angle crosses thresholds about a midline and counts returns to the
side it decided is rest. This counter has no midline and counts without deciding which side is rest: it finds the
turning points that stand out from the signal on both sides and counts full cycles from them. The rules
(constants in tuning.py, under "the second counter: peaks"):

1. The gravity direction is projected onto the principal axis of its last PEAK_PERIODS periods (its own
   axis, learnt again only from movement bigger than a turning point must be); the local period is the
   first autocorrelation peak of the gravity direction (window.py, measured once for both counters; one it
   has not shown for PERIOD_MEMORY_PERIODS of itself is forgotten); both are measured again every REFRESH_S.
2. A turning point (a peak or a trough) is confirmed once the angle has come back from it by the
   prominence and by PEAK_PROMINENCE_FRAC of the way there (so a wobble on a big swing is none). The
   prominence is PEAK_PROMINENCE_FRAC of the local range: the range of the angle over the last period, at
   least MIN_ENVELOPE_DEG, and after a set at least LAST_SET_FRAC of its median swing, a floor halving every
   LAST_SET_HALF_LIFE_S. Between sets it is also at least PEAK_QUIET_FACTOR times the quiet level (the
   smallest spread of the gravity direction over QUIET_WINDOW_S in the last QUIET_MEMORY_S, known once that
   memory is half full, or at once from a start pose, taken keeping still), and the first turning point
   must be reached from that far away too (the flat rest before a set is none).
3. Turning points on one side closer than PEAK_SPACING_PERIODS periods are one movement turning again (a
   rep that doubles back partway is one rep); one smaller than PEAK_PROMINENCE_FRAC of the set's median
   swing is not part of the set (sway, a fidget). When a turning point happened is the middle of the
   stretch the angle stayed within that fraction of its size from it (a held pose is one time). Until the
   set has proven itself, its turning points are judged again with each new one, with the period as now
   known and against the median of them all and PEAK_QUIET_FACTOR times the quiet level (a fidget or sway
   before the set is outvoted); without a start pose a set proves itself only once the quiet level is known.
4. Counting needs no side decided: a set of n reps from rest has n turning points on the far side and
   n - 1 on the rest side, so its reps are the larger of the two counts, a rep counted when its side takes
   the lead (at the far end of each rep, halfway home). A set ends PEAK_GAP_PERIODS periods (of at least
   START_PERIOD_S) after the middle of its last turning point (a pose held there is no idleness); until it
   has `min_set_reps` reps they wait, uncounted: a set that never gets there was strays. Only to end a set
   is a side called rest, once the set has counted: the other side from its first turning point. A return
   there that the body stays at longer than REST_GAP_PERIODS (as long as a cycle lasts) ends the set, and
   what leaves it is judged afresh (a stray in the pause is not the set's next rep).
5. A stream's first set that began within that gap of the stream's start, and has as many turning points
   on each side, the first and the last on different sides, began with a rep cut by the stream's start: it
   counts too, when the set ends, if the set has proven itself without it.

It runs frame by frame on a bounded window (WINDOW_S); per frame it only compares one angle with the
candidate turning points, so it costs the live kiosk and `analyze` next to nothing.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field, replace

import numpy as np

from . import tuning as k
from .events import RepCounted
from .orientation import FRAME_HZ, Frame
from .vector import Vec
from .window import REFRESH_FRAMES, FrameWindow, angle_on, angles, kept_period, median

TURNS_KEPT = int(k.QUIET_MEMORY_S / k.MIN_PERIOD_S)  # a set's turning points until it proves itself (bounded)


@dataclass(slots=True)
class _Point:
    """A candidate or confirmed turning point: its angle on the current axis, time and gravity direction."""

    s: float
    t: float
    up: Vec


@dataclass
class _Turn:
    """A confirmed turning point of the set: its side (+1 peak, -1 trough), size (deg), when it was reached and
    when it was confirmed."""

    side: int
    size: float
    t: float
    confirmed: float


@dataclass
class _Set:
    cut: bool  # the first set of a stream that may have begun mid-rep (rule 5)
    last_t: float = 0.0  # the middle of its latest turning point (a pose held there is part of it)
    side_t: dict[int, float] = field(default_factory=dict)  # per side, the middle of its latest turning point
    turns: list[_Turn] = field(default_factory=list)  # its turning points until it has proven itself
    sizes: list[float] = field(default_factory=list)  # the last few turning points' sizes (deg)
    count: dict[int, int] = field(default_factory=lambda: {1: 0, -1: 0})  # per side, counted turning points
    first: int = 0  # the side of its first and latest counted turning points
    last: int = 0
    last_turn_t: float = 0.0  # the middle of its latest counted turning point
    counted: int = 0


class PeakCounter:
    def __init__(
        self,
        min_set_reps: int = k.MIN_SET_REPS,
        anchor: Vec | None = None,
        t: float = 0.0,
        window: FrameWindow | None = None,
    ):
        """anchor: the start pose, when there is one (the stream then begins at rest); window: the frames, shared
        with another counter fed the same frames (else its own)."""
        self.min_set_reps = min_set_reps
        self.count = 0
        self._window = FrameWindow() if window is None else window
        self._origin = self._window.frames  # the first frame it looks at
        self._axis: Vec | None = None
        self._period, self._period_seen = k.START_PERIOD_S, t
        self._prominence = math.inf
        self._quiet_floor = 0.0
        self._quiet_level: float | None = None  # known once the memory is half full (or the stream began at rest)
        self._anchored = anchor is not None
        self._quiet: deque[float] = deque(maxlen=int(k.QUIET_MEMORY_S / k.REFRESH_S))
        if anchor is not None:
            self._quiet.append(0.0)  # the start pose was taken keeping still
        self._last_set = (0.0, t)  # the last counted set's median turning point size (deg), and when it ended
        self._cut = anchor is None  # the stream may have begun mid-rep (rule 5), until its first set is over
        self._start = t
        self._set: _Set | None = None
        self._side = 0  # the side of the last confirmed turning point; 0: none since the last set ended
        self._since = t  # the candidates below are the extremes since this time
        self._hi = self._lo = _Point(0.0, t, (0.0, 0.0, 1.0))
        self._hi_base = self._lo_base = 0.0  # with no side yet: the lowest point before _hi, highest before _lo

    # -- public -------------------------------------------------------------------------------------
    def update(self, f: Frame) -> list[RepCounted]:
        t, u = f.t, f.up
        self._window.add(f)
        seen = self._window.frames - self._origin
        if seen == 1:
            self._since = self._start = t
        events: list[RepCounted] = []
        if seen % REFRESH_FRAMES == 0:
            known = self._quiet_level is not None
            self._refresh(t)
            if not known and self._set is not None and not self._set.counted:
                events = self._prove(self._set)
        if self._axis is None:
            return events
        s = angle_on(u, self._axis)
        st = self._set
        if st is not None and t - st.last_t > self._gap():
            # Rule 4: no turning point for PEAK_GAP_PERIODS periods; search again from one period back (a movement
            # already under way is not cut in two).
            events += self._close_afresh(t, t - max(self._period, k.START_PERIOD_S))
        hi, lo, prominence = self._hi, self._lo, self._prominence
        if self._set is None:  # between sets, nothing that moves no more than the body at rest is a turning point
            prominence = max(prominence, self._quiet_floor)
        p = None  # this frame as a point, made only when it is one: most frames are not
        if s > hi.s:
            p = self._hi = _Point(s, t, u)
            self._hi_base = lo.s
        if s < lo.s:
            p = self._lo = _Point(s, t, u)
            self._lo_base = hi.s
        fresh = self._side == 0
        # The way back must be at least the prominence (_stands_out): most frames fail that first, cheapest test.
        back = self._hi.s - s
        if self._side <= 0 and back >= prominence and _stands_out(self._hi.s - self._hi_base, back, prominence, fresh):
            return events + self._turning_point(1, p or _Point(s, t, u))
        back = s - self._lo.s
        if self._side >= 0 and back >= prominence and _stands_out(self._lo_base - self._lo.s, back, prominence, fresh):
            return events + self._turning_point(-1, p or _Point(s, t, u))
        return events

    def finish(self, t: float) -> list[RepCounted]:
        """End of the stream: a set in progress counts if it has proven itself."""
        return self._close_set(t)

    # -- rule 1 and 2: the window, axis, period, range and quiet level --------------------------------
    def _refresh(self, t: float) -> None:
        window = self._window
        # Its own axis, learnt again only from movement bigger than a turning point must be.
        recent = window.frames - int(k.PEAK_PERIODS * self._period * FRAME_HZ)
        self._axis = window.swing_axis(max(self._origin, recent), self._axis, self._prominence)
        if self._axis is None:
            return
        w, s = self._projected()
        period = window.period(self._origin)
        self._period, self._period_seen = kept_period(period, self._period, self._period_seen, t)
        last = s[-max(2, int(self._period * FRAME_HZ)) :]
        local_range = float(last.max() - last.min())
        if len(w) >= k.QUIET_WINDOW_S * FRAME_HZ:  # a shorter window would make anything look quiet
            self._quiet.append(window.quiet_spread())
        trusted = len(self._quiet) * 2 >= (self._quiet.maxlen or 1)
        if trusted or self._anchored:  # from the start pose on, the body was at rest: what it does is known
            self._quiet_level = min(self._quiet, default=0.0)
        quiet = self._quiet_level or 0.0
        local_range = max(local_range, k.MIN_ENVELOPE_DEG)
        size, when = self._last_set
        after_set = k.LAST_SET_FRAC * size * 0.5 ** ((w[-1, 0] - when) / k.LAST_SET_HALF_LIFE_S)
        self._prominence = k.PEAK_PROMINENCE_FRAC * max(local_range, after_set)
        self._quiet_floor = k.PEAK_QUIET_FACTOR * quiet
        self._candidates(w, s)

    def _projected(self) -> tuple[np.ndarray, np.ndarray]:
        """The window and its angle on the axis as it is now."""
        assert self._axis is not None
        w = self._window.since(self._origin)
        return w, angles(w, self._axis)

    def _candidates(self, w: np.ndarray, s: np.ndarray) -> None:
        """The candidate turning points since the last one, on the axis as it is now."""
        seg = (w[:, 0] >= self._since).nonzero()[0]
        if not len(seg):
            return
        x = s[seg[0] :]
        i, j = int(x.argmax()), int(x.argmin())
        self._hi, self._lo = self._point(w, seg[0] + i, s), self._point(w, seg[0] + j, s)
        self._hi_base = float(x[: i + 1].min())
        self._lo_base = float(x[: j + 1].max())

    @staticmethod
    def _point(w: np.ndarray, i: int, s: np.ndarray) -> _Point:
        t, x, y, z = w[i].tolist()
        return _Point(float(s[i]), t, (x, y, z))

    # -- rules 3 to 5: turning points, sets, reps -----------------------------------------------------
    def _turning_point(self, side: int, now: _Point) -> list[RepCounted]:
        """A turning point on `side` is confirmed (the angle is back by the prominence): from here, look for
        one on the other side, which now is the lowest (highest) point since."""
        point, size = (self._hi, self._hi.s - self._hi_base) if side == 1 else (self._lo, self._lo_base - self._lo.s)
        middle = self._middle(side, point, size)
        self._side, self._since = side, point.t
        if side == 1:
            self._lo, self._lo_base = now, point.s
        else:
            self._hi, self._hi_base = now, point.s
        st = self._set
        if st is None:
            st = self._set = _Set(cut=self._cut and point.t - self._start < self._gap())
        turn = _Turn(side, size, middle, now.t)
        if st.counted and side == -st.first and 2 * (now.t - middle) > k.REST_GAP_PERIODS * self._period:
            # Rule 4: the body stayed at the set's rest side (from the middle of the stay to leaving it is half of
            # it) longer than REST_GAP_PERIODS: the set ended with that return, and what leaves it is judged afresh.
            return self._close_afresh(now.t, middle)
        st.last_t = middle
        if not st.counted:
            st.turns = [*st.turns[-TURNS_KEPT:], turn]
            return self._prove(st)
        typical = median(st.sizes)
        if size < k.PEAK_PROMINENCE_FRAC * typical:
            return []  # much smaller than the set's swings (sway, a fidget): not part of it
        previous, st.side_t[side] = st.side_t.get(side), middle
        if previous is not None and middle - previous < k.PEAK_SPACING_PERIODS * self._period:
            if st.last == -side and st.last_turn_t > previous:  # the turn between was part of it too
                st.count[-side] -= 1
                st.last = side
            return []  # rule 3: the same movement turning again
        st.sizes = [*st.sizes[-7:], size]
        return self._commit(st, self._count(st, turn, typical))

    def _prove(self, st: _Set) -> list[RepCounted]:
        """A set proves itself with `min_set_reps` reps, judged against the quiet level once it is known."""
        reps = self._recount(st)
        return self._commit(st, reps) if len(reps) >= self.min_set_reps and self._quiet_level is not None else []

    def _recount(self, st: _Set) -> list[RepCounted]:
        """Until a set has proven itself its turning points are judged again with each new one, with the period
        as now known (rule 3) and against the median size of them all (a fidget before the set, much smaller
        than its swings, is not one of them)."""
        kept: list[_Turn] = []
        for x in st.turns:
            same = next((y for y in reversed(kept) if y.side == x.side), None)
            if same is not None and x.t - same.t < k.PEAK_SPACING_PERIODS * self._period:
                if kept[-1].side != x.side:
                    kept.pop()  # the turn between was part of the same movement
                continue
            kept.append(x)
        if not kept:
            return []
        typical = median([x.size for x in kept])
        quiet = self._quiet_level or 0.0
        if quiet <= k.PEAK_PROMINENCE_FRAC * typical:  # a level the set stands out from: the body at rest
            typical = max(typical, k.PEAK_QUIET_FACTOR * quiet / k.PEAK_PROMINENCE_FRAC)
        st.count, st.first, st.last = {1: 0, -1: 0}, 0, 0
        reps = [r for x in kept for r in self._count(st, x, typical)]
        st.sizes = [x.size for x in kept][-8:]
        st.side_t = {x.side: x.t for x in kept}
        return reps

    def _middle(self, side: int, point: _Point, size: float) -> float:
        """When a turning point happened, for rule 3: the middle of the stretch the angle stayed within
        PEAK_PROMINENCE_FRAC of its size from it (the middle of a held pose, the tip of a sharp turn)."""
        w, s = self._projected()
        seg = (w[:, 0] >= self._since).nonzero()[0]
        if not len(seg):
            return point.t
        near = (side * (s[seg[0] :] - point.s) >= -k.PEAK_PROMINENCE_FRAC * size).nonzero()[0]
        return float(w[seg[0] + near[0], 0] + w[seg[0] + near[-1], 0]) / 2.0

    def _count(self, st: _Set, turn: _Turn, typical: float) -> list[RepCounted]:
        """Rule 4: a turning point big enough for the set counts on its side; a rep when its side leads."""
        if turn.size < k.PEAK_PROMINENCE_FRAC * typical:
            return []
        st.first, st.last, st.last_turn_t = st.first or turn.side, turn.side, turn.t
        st.count[turn.side] += 1
        if st.count[turn.side] <= st.count[-turn.side]:
            return []  # the rest side's turning points are one fewer than the far side's
        return [RepCounted(turn.confirmed, 0, turn.t, round(turn.size, 1), turn.t)]

    def _commit(self, st: _Set, reps: list[RepCounted]) -> list[RepCounted]:
        st.turns = []
        counted = []
        for r in reps:
            self.count += 1
            st.counted += 1
            counted.append(replace(r, count=self.count))
        return counted

    def _gap(self) -> float:
        return k.PEAK_GAP_PERIODS * max(self._period, k.START_PERIOD_S)

    def _close_afresh(self, t: float, since: float) -> list[RepCounted]:
        """Rule 4: the set ends; the search for turning points starts afresh from `since`, with no side yet."""
        events = self._close_set(t)
        self._side, self._since = 0, since
        self._candidates(*self._projected())
        return events

    def _close_set(self, t: float) -> list[RepCounted]:
        """The end of a set; rule 5 for a set under way when the stream began."""
        st, self._set = self._set, None
        self._cut = False  # only the stream's first set can have been cut
        if st is None:
            return []
        reps = [] if st.counted else self._recount(st)
        proven = st.counted + len(reps) >= self.min_set_reps  # a cut rep makes no set out of strays
        if proven and st.cut and st.first != st.last and st.count[1] == st.count[-1]:
            reps.append(RepCounted(t, 0, self._start, 0.0, self._start))  # its far end: before the stream began
        if st.counted + len(reps) < self.min_set_reps:
            return []
        self._last_set = (median(st.sizes), t)
        return self._commit(st, reps)


def _stands_out(before: float, after: float, prominence: float, fresh: bool) -> bool:
    """Rule 2: a candidate reached from `before` degrees away and left by `after` is a turning point when the
    way back is at least the prominence and PEAK_PROMINENCE_FRAC of the way there (a wobble on a swing bigger
    than the local range is not a turning point). After a turning point on the other side the way there is
    long enough by construction; a fresh search (no turning point yet) asks it of the way there too, so the
    flat rest before a set is no turning point."""
    return (before >= prominence or not fresh) and after >= max(prominence, k.PEAK_PROMINENCE_FRAC * before)
