"""The rep counter built to generalize rather than to fit: the generic exercise counts with it, and for the
pelvic tilt it checks RepCounter; where the two independent counters agree the count is "high" confidence.

After RecoFit (Morris et al., CHI 2014) and Zelman et al. (2020): every decision is relative to the signal
itself, so it carries over to people and sensors it was never tuned on. The numbered rules (constants in
tuning.py):

1. The gravity direction is projected onto the set's principal axis (the direction the body swings in,
   from the spread of the last few periods): one angle in degrees whatever the mounting. The axis is learnt
   again only from movement big enough to count (sway or breathing in a pause never takes it over).
2. The local period is the first autocorrelation peak of the gravity direction along the window's own main
   direction of change (so it needs no axis learnt before, and a wrong axis cannot hide it) between
   MIN_PERIOD_S and MAX_PERIOD_S. Where the window shows none the last one is kept, for PERIOD_MEMORY_PERIODS
   of itself, then START_PERIOD_S is assumed again (walking's quick period, kept while lying down filled the
   window, cut the slow reps that followed into sets of one).
3. The local envelope is the median of the ranges of the last ENVELOPE_PERIODS period-long windows (one
   stray is outvoted), floored at QUIET_FACTOR times the quiet level (how far the body moves in any direction
   over QUIET_WINDOW_S, the smallest seen in the last QUIET_MEMORY_S, trusted once that memory is half full,
   and never above the median excursion of the set under way once it has proven itself, or else of the last
   proven set: a memory with no pause in it holds only sets), at MIN_ENVELOPE_DEG, and at LAST_SET_FRAC of
   the last counted set's median excursion, fading with LAST_SET_HALF_LIFE_S; the midline is the middle of the
   last period.
4. Hysteresis: the angle switches side when it passes the midline by HYSTERESIS_FRAC of the envelope; leaving
   rest is judged from where rest is now (twice that from the lowest or highest point since the return), as
   the midline lags a new, smaller set by a few periods.
5. Full cycles, whichever end is rest: rest is the side the set started from (the level before its first
   switch, against the middle of the set's typical far ends either way once it has shown them: the last
   period's middle drifts with a rest that drifts); each switch back to the rest side ends one
   excursion, counted there, on the way home. A set already under way when the stream began (no quiet before
   it) that comes to rest on the other side began out at its far end: its first return is counted as it ends,
   if it began within 2 x HYSTERESIS_FRAC of its typical excursion of where its reps turn on that side (else
   it began elsewhere: standing, before lying down).
6. An excursion must cover at least 2 x HYSTERESIS_FRAC of the set's typical (median) excursion (rule 4 again,
   with the set's own size known: a fidget is smaller), at most 1 / HYSTERESIS_FRAC times it (a move into
   position is far bigger, a set that grows is not), and run within DIRECTION_MAX_DEG of the set's axis: else
   it is another movement. Excursions waiting for their set to prove itself are judged by size against the set's
   typical one as it is then, not only as each came (a rep mismeasured big from a fidget's turn made the first
   small reps after it look like fidgets, and they were lost for good).
7. A set ends after SET_GAP_PERIODS periods with no switch and no movement as far as a switch must go (2 x
   HYSTERESIS_FRAC of the envelope) from where the body was at the last refresh (REFRESH_S): a rep that leaves
   rest on the side a wobble already switched to is a movement, not idleness; a slow drift is idleness. Or it
   ends when the body leaves rest more than REST_GAP_PERIODS after its last return. Until it has `min_set_reps`
   excursions its excursions wait, uncounted, and a set that never gets there was strays: what the body did
   after them (from where it stopped moving away from their last turn) was judged against an envelope they
   inflated, so it is judged again with the envelope as it is by then (small reps straight after a fidget).
8. A move into a new place (lying down, sitting on the ball) ends the set: once the last PLACE_PERIODS periods
   stay near a place the body was entirely away from for as long before, the set is dropped unproven and the
   stretch since the move ended is judged again with the new place's own axis, period and envelope (a rep
   already counted is never counted twice, nor taken back).

It runs frame by frame on a bounded window (WINDOW_S), measuring the axis, period, envelope and quiet level
again every REFRESH_S, so the kiosk and `analyze` run the same code and memory does not grow.
"""

from __future__ import annotations

import itertools
import math
from collections import deque
from dataclasses import dataclass, field, replace

import numpy as np

from . import tuning as k
from .events import RepCounted
from .orientation import FRAME_HZ, Frame
from .vector import Vec, angle_deg, cross, dot, norm, sub, unit
from .window import (
    DEGREES,
    REFRESH_FRAMES,
    FrameWindow,
    angle_on,
    angles,
    kept_period,
    length,
    mean_row,
    median,
    stretch_extremes,
)

EXCURSIONS_KEPT = 8  # a set's last few excursions: its typical size, and those waiting for it to prove itself


@dataclass(frozen=True)
class CycleParams:
    min_set_reps: int = k.MIN_SET_REPS  # the routine, which knows a set is under way, may ask for 1
    learn_axis_reps: int = 0  # > 0: the axis is learnt from this many first reps, then fixed (pelvic tilt)


@dataclass
class _Turn:
    """A turning point: where a half-cycle reached its extreme."""

    up: Vec
    t: float
    frame: int = -1  # its number in the window (-1: not a frame seen)


@dataclass
class _Set:
    start: float
    first: _Turn | None = None  # where the body was before the set's first switch (its rest, as a rule)
    switches: list[tuple[int, _Turn]] = field(default_factory=list)  # (side switched to, turn before it)
    rest: int | None = None  # the side rest is on, once known
    amplitudes: list[float] = field(default_factory=list)  # the last few excursions' sizes (deg)
    pending: list[RepCounted] = field(default_factory=list)  # excursions
    # waiting for the set to prove itself
    counted: int = 0
    opening: tuple[_Turn, _Turn] | None = None  # its first rep, were it cut by the stream's start: (home, far)
    settled: bool = False  # it started from rest: the body was quiet before its first switch, or had just arrived


class CycleCounter:
    _last_switch: float
    _moved: float
    _moved_from: float

    def __init__(
        self,
        params: CycleParams = CycleParams(),
        anchor: Vec | None = None,
        t: float = 0.0,
        expected_axis: Vec | None = None,
        window: FrameWindow | None = None,
    ):
        """anchor: the start pose, when there is one; expected_axis: the axis the body turns about, when the
        body has told us (the person's right for a pelvic tilt): the swing direction is then fixed from it;
        window: the frames, shared with another counter fed the same frames (else its own)."""
        self.p = params
        self.count = 0
        self._counted_far = -math.inf  # when the last counted rep turned at its far end
        self._recounted = -math.inf  # after a move (rule 8), reps starting before this were counted the first time
        self._replaying = False  # judging frames again (rule 8, or after strays)
        self._window = FrameWindow() if window is None else window
        self._anchor = anchor
        self._fixed_axis = anchor is not None and expected_axis is not None
        self._axis: Vec | None = unit(cross(expected_axis, anchor)) if anchor and expected_axis else None
        self.reset(anchor, t)

    # -- public -------------------------------------------------------------------------------------
    def reset(self, anchor: Vec | None, t: float) -> None:
        """Start afresh from a pose (the calibrated start pose, or the next frame's): the window, quiet memory, sets
        and period are forgotten; the count, the axis learnt (until the window shows another) and what rule 8 must
        not count twice are kept."""
        self._origin = self._window.frames  # the first frame it looks at
        self._home = anchor
        self._began = t  # when the stream began (its first frame, when there is no start pose)
        self._period, self._period_seen = k.START_PERIOD_S, t
        self._mid = 0.0
        self._env = self._floor = k.MIN_ENVELOPE_DEG
        self._quiet: deque[float] = deque(maxlen=int(k.QUIET_MEMORY_S / k.REFRESH_S))
        self._last_t = t
        self._last_set = (0.0, t)  # the last counted set's median excursion (deg) and when it was measured
        self._lo: float = math.inf  # the lowest and highest angle since the last switch
        self._hi: float = -math.inf
        self._place = self._origin - self._window.size  # the frame the body arrived in its current place at (before
        # the stream began)
        self._new_set(t, self._origin)

    def angle_from_start(self, u: Vec) -> float:
        """How far the body is from where the set started (for a gauge or a plot)."""
        return angle_deg(self._home, u) if self._home else 0.0

    def finish(self, t: float) -> list[RepCounted]:
        """End of the stream: a set in progress that has not proven itself counts nothing."""
        events = self._close_set(t)
        self._new_set(t, self._window.frames)
        return events

    def update(self, f: Frame) -> list[RepCounted]:
        u, t = f.up, f.t
        self._last_t = t
        if self._home is None:
            self._home, self._began = u, t
        window = self._window
        window.add(f)
        at = window.frames
        if (at - self._origin) % REFRESH_FRAMES:
            return [] if self._axis is None else self._decide(t, u, at)
        events = self._refresh()
        return events if self._axis is None else events + self._decide(t, u, at)

    def _decide(self, t: float, u: Vec, at: int) -> list[RepCounted]:
        """Rules 4 and 7 for one frame; `at` is how many frames had been stored with it (a replay passes older ones)."""
        events: list[RepCounted] = []
        axis = self._axis
        assert axis is not None  # update() decides only once there is one
        s = angle_on(u, axis)
        h = k.HYSTERESIS_FRAC * self._env
        if abs(s - self._moved_from) > 2 * h:  # as far as a switch must go, within a refresh: moving (rule 7)
            self._moved_from, self._moved = s, t
        state = self._state
        if state is not None and t - max(self._last_switch, self._moved) > self._gap():
            events = self._close_set(t)
            st = self._set
            if not st.counted and st.switches and not self._replaying:
                # Strays: what followed them was judged against an envelope they made; judge it again.
                events += self._replay(self._settled_after(*st.switches[-1], at), at - 1)
            else:
                self._new_set(t, at, settled=True)
            self._home = u
            state = self._state
        if s < self._lo:
            self._lo = s
        if s > self._hi:
            self._hi = s
        up, down = self._mid + h, self._mid - h
        if state is not None and state == self._set.rest:
            # Leaving rest is judged from where rest is now (the lowest or highest point since the return), not
            # from the midline, which lags behind a new, smaller set by a few periods.
            up, down = (min(up, self._lo + 2 * h), down) if state == -1 else (up, max(down, self._hi - 2 * h))
        if state != 1 and s > up:
            return events + self._switch(1, t, at)
        if state != -1 and s < down:
            return events + self._switch(-1, t, at)
        return events

    # -- the window: axis, period, envelope, quiet level ------------------------------------------------
    def _angle(self, u: Vec) -> float:
        assert self._axis is not None
        return angle_on(u, self._axis)

    def _refresh(self) -> list[RepCounted]:
        """Rules 1 to 3 (and 8): measure the axis, period, quiet level, envelope and midline again, over the
        frames since the body arrived where it is now."""
        hz = FRAME_HZ
        window, frames = self._window, self._window.frames
        whole = window.since(self._origin)
        if len(whole) >= k.QUIET_WINDOW_S * hz:  # a shorter window would make anything look quiet
            self._quiet.append(window.quiet_spread())
        arrived = self._arrival(whole)
        if arrived is not None:
            # Rule 8: what came before the move belongs to another place: its unproven excursions were the move.
            self._place, self._period = arrived, k.START_PERIOD_S
            self._new_set(float(window.rows(arrived, arrived + 1)[0, 0]), arrived, settled=True)  # from the new place
        w = whole[max(0, self._place - (frames - len(whole))) :]
        start = frames - len(w)  # the frame w begins at
        if not self._fixed_axis:
            # Rule 1: the axis is learnt again only from movement big enough to count.
            recent = max(int(k.ENVELOPE_PERIODS * self._period * hz), REFRESH_FRAMES)
            self._axis = window.swing_axis(max(start, frames - recent), self._axis, self._floor)
        if self._axis is None:
            return []
        s = angles(w, self._axis)
        period = window.period(start)
        self._period, self._period_seen = kept_period(period, self._period, self._period_seen, self._last_t)
        highs, lows = stretch_extremes(s, max(1, int(self._period * hz)), k.ENVELOPE_PERIODS)
        ranges = [high - low for high, low in zip(highs, lows, strict=True)]
        size, when = self._last_set
        last_set = k.LAST_SET_FRAC * size * 0.5 ** ((self._last_t - when) / k.LAST_SET_HALF_LIFE_S)
        # The quiet level means something only once the memory is long enough to have held a pause.
        quiet = min(self._quiet) if len(self._quiet) * 2 >= (self._quiet.maxlen or 1) else 0.0
        # Nor can it unmake a set that has proven itself, or the next one: a memory with no pause holds only sets.
        proven = median(self._set.amplitudes) if self._set.counted else self._last_set[0] or math.inf
        self._floor = max(k.MIN_ENVELOPE_DEG, min(k.QUIET_FACTOR * quiet, proven), last_set)
        self._env = max(median(ranges), self._floor)
        self._mid = (highs[-1] + lows[-1]) / 2.0
        since = s[-max(1, min(frames - self._switch_frame, len(s))) :]
        self._lo, self._hi = float(since.min()), float(since.max())  # on the axis as it is now
        self._moved_from = float(s[-1])  # judged again from here each refresh, on the axis as it is now
        if arrived is None:
            return []
        # The stretch since the arrival is judged again, with what the new place has shown of itself.
        return self._replay(arrived, frames - 1)  # update() decides the last

    def _replay(self, start: int, end: int) -> list[RepCounted]:
        """Judge frames number `start` to `end` (exclusive) again, as a new set, with the envelope as now known."""
        self._new_set(float(self._window.rows(start, start + 1)[0, 0]), start, settled=True)
        self._lo, self._hi, self._moved_from = math.inf, -math.inf, math.inf
        self._recounted = self._counted_far
        self._replaying = True
        events: list[RepCounted] = []
        for at, row in enumerate(self._window.rows(start, end), start=start + 1):
            events += self._decide(float(row[0]), (float(row[1]), float(row[2]), float(row[3])), at)
        self._replaying = False
        return events

    def _arrival(self, w: np.ndarray) -> int | None:
        """Rule 8: the frame the body arrived in a new place at, when it has just been found to have: the last
        PLACE_PERIODS periods stay within PLACE_FACTOR times their own spread of their mean direction, and for as
        long before the arrival (at least half as long, at the start of the window) the body was entirely outside
        that band: elsewhere, not in a bigger set here. Both stretches must fit in WINDOW_S, so a move is found only
        while the period is under WINDOW_S / (2 x PLACE_PERIODS), 7.5 s."""
        recent = int(k.PLACE_PERIODS * max(self._period, k.START_PERIOD_S) * FRAME_HZ)
        if len(w) < 2 * recent:
            return None
        ups = w[:, 1:]
        mean = mean_row(ups[-recent:])
        mean /= max(length(mean), 1e-9)
        d = DEGREES * np.arccos((ups @ mean).clip(-1.0, 1.0))
        band = max(k.PLACE_FACTOR * float(d[-recent:].max()), k.MIN_ENVELOPE_DEG)
        away = (d[:-recent] > band).nonzero()[0]
        if not len(away):
            return None
        here = int(away[-1]) + 1  # the body is in the band from here on...
        first = self._window.frames - len(w)
        before = d[max(0, here - recent) : here]
        if 2 * here < recent or float(before.min()) <= band or first + here < self._place + recent:
            return None  # ...but was not elsewhere for long enough before it, or this is the place already known
        # The move ends, and the new place begins, where the body stops approaching it from where it was.
        return first + here + self._stopped(ups[here:] @ (mean - mean_row(ups[max(0, here - recent) : here])))

    def _settled_after(self, state: int, turn: _Turn, at: int) -> int:
        """The frame the body stopped moving away from a turning point at (rule 7: strays ended there)."""
        assert self._axis is not None  # a set has switched only once there is one
        start = max(turn.frame, at - self._window.n)
        return start + self._stopped(state * (self._window.rows(start, at) @ np.asarray((0.0, *self._axis))))

    def _stopped(self, x: np.ndarray) -> int:
        """Where x stops growing over MOVE_END_PERIODS of a period: where a movement ends."""
        lag = max(1, int(k.MOVE_END_PERIODS * self._period * FRAME_HZ))
        stopped = (x[lag:] <= x[:-lag]).nonzero()[0]
        return int(stopped[0]) if len(stopped) else 0

    # -- rules 4 to 7: switches, excursions, sets --------------------------------------------------------
    def _gap(self) -> float:
        """Rule 7: this long without a switch or a movement as big as one ends a set (and before a set, without a
        switch, says the body was at rest)."""
        return k.SET_GAP_PERIODS * max(self._period, k.START_PERIOD_S)

    def _close_set(self, t: float) -> list[RepCounted]:
        """Rule 5's other half: a set that was already under way when the stream began (no quiet before it), and
        comes to rest on the other side from where it began, began mid-excursion (out at its far end): its first
        switch was its first rep's return. That far end is where the set's reps turn on that side: a set that began
        standing and lay down to do sit-ups began elsewhere, and its first excursion (the move) was counted already.
        A set that began from rest and stops out at its far end (a recording cut short) has not finished that rep."""
        st = self._set
        if self._anchor or st.settled or st.rest is None or self._state == st.rest:
            return []
        if st.opening is None or st.first is None:
            return []
        rest_turns = [self._angle(turn.up) for side, turn in st.switches if side == -st.rest]
        if abs(self._angle(st.first.up) - median(rest_turns)) > 2 * k.HYSTERESIS_FRAC * median(st.amplitudes):
            return []  # it began further from them than a movement must go (rule 6): elsewhere, not out at a far end
        return self._excursion(*st.opening, t)

    def _new_set(self, t: float, at: int, settled: bool = False) -> None:
        self._set = _Set(start=t, settled=settled)
        self._state: int | None = None
        self._last_switch = t
        self._moved = t  # the last movement as big as a switch (rule 7)...
        self._moved_from = math.inf  # ...and the angle movement is judged from (none yet)
        self._switch_frame = at
        self._lo, self._hi = math.inf, -math.inf

    def _turn(self, state: int, at: int) -> _Turn:
        """Where the half-cycle that just ended turned: the lowest (or highest) angle since the last switch,
        on the axis as it is now (it may have been refined since)."""
        first = min(self._switch_frame, at - 1)
        w = self._window.rows(first, at)
        s = w[:, 1:] @ np.asarray(self._axis)
        i = int(np.argmin(s) if state == 1 else np.argmax(s))
        return _Turn((float(w[i, 1]), float(w[i, 2]), float(w[i, 3])), float(w[i, 0]), first + i)

    def _switch(self, state: int, t: float, at: int) -> list[RepCounted]:
        idle = t - self._last_switch
        events: list[RepCounted] = []
        if self._state is not None and self._state == self._set.rest and idle > k.REST_GAP_PERIODS * self._period:
            # Rule 7: leaving rest long after the last return begins a new set, which must prove itself (a lone
            # stray in a pause is not the set's next rep).
            events = self._close_set(t)
            self._set = _Set(start=t, settled=True, rest=self._set.rest)
        st = self._set
        turn = self._turn(state, at)
        self._state, self._last_switch, self._switch_frame = state, t, at
        self._lo, self._hi = math.inf, -math.inf
        if st.first is None:
            st.first = turn
            st.settled = st.settled or idle > self._gap()
            st.start = turn.t
        st.switches = [*st.switches[-2 * (self.p.min_set_reps + 2) :], (state, turn)]
        if st.opening is None and len(st.switches) == 3:
            # A rep cut by the stream's start is measured by its first whole half-cycle: from the far end the cut one
            # reached to where the next one ended (the way out may be a sliver), dated from when the stream began
            # (its far end too: it was not seen whole).
            far = st.switches[1][1]
            st.opening = (_Turn(turn.up, self._began), _Turn(far.up, self._began))
        if st.rest is None:
            if len(st.switches) < (2 if self._anchor else 2 * self.p.min_set_reps + 1):
                return events
            # Rule 5: rest is where the set started from (the calibrated pose, when there is one), against the
            # set's midline once the set has shown its range: halfway between its typical far ends either way (the
            # last period's middle drifts with a rest that drifts).
            ends = {side: [self._angle(turn.up) for s_, turn in st.switches[1:] if s_ == side] for side in (1, -1)}
            mid = (median(ends[1]) + median(ends[-1])) / 2.0 if ends[1] and ends[-1] else self._mid
            st.rest = 1 if self._angle(self._anchor or st.first.up) > mid else -1
            for (_, a), (side, b) in itertools.pairwise(st.switches):
                if side == st.rest:
                    events += self._excursion(a, b, t)
            return events
        if state != st.rest or len(st.switches) < 2:
            return events
        return events + self._excursion(st.switches[-2][1], turn, t)

    def _excursion(self, home: _Turn, far: _Turn, t: float) -> list[RepCounted]:
        """Rules 6 and 7 for one excursion from `home` out to `far` and back (the return passing now)."""
        st = self._set
        if not self._on_axis(home.up, far.up):
            return []  # another movement (rule 6)
        rep = RepCounted(t, 0, home.t, round(angle_deg(home.up, far.up), 1), far.t)
        st.amplitudes = [*st.amplitudes[1 - EXCURSIONS_KEPT :], rep.amplitude_deg]
        typical = median(st.amplitudes)
        smallest, largest = 2 * k.HYSTERESIS_FRAC * typical, typical / k.HYSTERESIS_FRAC
        st.pending = [*st.pending[1 - EXCURSIONS_KEPT :], rep]
        fit = [r for r in st.pending if smallest <= r.amplitude_deg <= largest]  # judged by the set's size as now known
        if st.counted + len(fit) < self.p.min_set_reps:
            return []
        st.pending = fit
        if self.p.learn_axis_reps and st.counted + len(st.pending) >= self.p.learn_axis_reps:
            self._fixed_axis = True  # the exercise's axis is learnt: later movements are judged against it
        self._last_set = (median(st.amplitudes), t)
        counted = []
        for r in st.pending:
            st.counted += 1
            if r.start < self._recounted:
                continue  # judged again after a move (rule 8): it overlaps a rep already counted
            self._counted_far = max(self._counted_far, r.far)
            self.count += 1
            counted.append(replace(r, count=self.count))
        st.pending = []
        return counted

    def _on_axis(self, a: Vec, b: Vec) -> bool:
        d = sub(b, a)
        size = norm(d)
        if size == 0.0 or self._axis is None:
            return False
        return abs(dot(d, self._axis)) / size >= math.cos(math.radians(k.DIRECTION_MAX_DEG))
