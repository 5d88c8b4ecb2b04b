"""Hold timer: runs only while the body is in the target zone and still enough.

A hold begins after MIN_HOLD_S in the zone (a pause on the way through is not a hold). "Still
enough" inside a hold is relative to the wobble measured in that hold (a ball that never stops
moving keeps its timer running), with `still_dps` as a floor; a brief wobble beyond it keeps the
timer running (grace period); leaving the zone pauses it; staying out longer than `break_s`, or
turning to the other side, ends the hold, completed if it reached its target and broken if not.
Its start and end are where the angle, averaged over HOLD_EDGE_MEAN_S, first reaches and last leaves its
plateau: within HOLD_EDGE_WOBBLES times the wobble measured on the plateau (at least `edge_deg`).
The count runs from where the body reached the level it kept while settling, until the plateau can be
measured whole (HOLD_PLATEAU_S after both HOLD_ARRIVE_S in the zone and the hold's beginning), then from
where the body arrived on it; a count moved back waits rather than announcing a second twice. A hold
records the timer's run between its edges, so a slow move out that kept the timer running is not counted.
A move quicker than HOLD_EDGE_MEAN_S is found up to half of it inside the hold at each end, so its count
starts up to that much late and its record is up to HOLD_EDGE_MEAN_S short: the error is on the side of
not claiming too much. Completion is what the kiosk said when the count reached the target; a slow move
out may still be counted then, so a hold let go within a second or two of its target can be recorded as
completed with a little less than the target.
"""

from __future__ import annotations

import bisect
import math
from collections import deque
from dataclasses import dataclass

import numpy as np

from . import tuning as k
from .events import HoldBroken, HoldCompleted, HoldEnded, HoldProgress, HoldStarted, MotionEvent
from .orientation import FRAME_HZ


@dataclass(frozen=True)
class HoldParams:
    target_s: float = 30.0
    zone_min_deg: float = 15.0
    zone_max_deg: float = 80.0
    still_dps: float = 6.0  # still enough to begin, and the least a hold's own wobble may raise it from
    settle_s: float = k.MIN_HOLD_S  # in the zone and still this long: the hold has begun (dated from zone entry)
    grace_s: float = 1.5
    break_s: float = 3.0
    edge_deg: float = 1.5  # the plateau's edge is never closer than this to its level


RECENT_S = 16.0  # s of frames kept: from a hold's end (break_s and more after the body left) back to its plateau


class HoldTimer:
    def __init__(self, params: HoldParams = HoldParams()):
        self.p = params
        self.holding = False
        self.side: str | None = None
        self.completed = False
        self._settle_since: float | None = None
        self._start = 0.0
        self._first_still = 0.0  # when the hold began: the body was first still in the zone
        self._ticks = 0.0  # s the timer has run since the hold began
        self._origin = 0.0  # the timer's run where the count starts: where the body arrived, as far as known
        self._shown = 0  # the last whole second announced: a count moved back is not announced twice
        self._last_t = 0.0
        self._last_still = 0.0
        self._last_in = 0.0
        self._wobble_since: float | None = None
        self._peak = 0.0
        self._recent: deque[tuple[float, float, float]] = deque(maxlen=int(RECENT_S * FRAME_HZ))  # t, angle, ticks
        self._refined_start: float | None = None
        self._wobble_dps = params.still_dps / k.HOLD_STILL_WOBBLES  # the wobble's speed in the zone, a running mean
        self._wobble_t: float | None = None

    def in_zone(self, angle: float) -> bool:
        return self.p.zone_min_deg <= angle <= self.p.zone_max_deg

    def update(self, t: float, angle: float, rate_dps: float, side: str | None) -> list[MotionEvent]:
        p = self.p
        zone = self.in_zone(angle)
        # Still enough: relative to the wobble measured since the body came into the zone (this hold's own)
        if (zone or self.holding) and math.isfinite(rate_dps):  # one absurd gyro reading says nothing of the wobble
            step = min(1.0, (t - self._wobble_t) / k.HOLD_WOBBLE_S) if self._wobble_t is not None else 1.0
            self._wobble_dps += (rate_dps - self._wobble_dps) * step
            self._wobble_t = t
        else:
            self._wobble_dps, self._wobble_t = p.still_dps / k.HOLD_STILL_WOBBLES, None
        still = rate_dps < (max(p.still_dps, k.HOLD_STILL_WOBBLES * self._wobble_dps) if self.holding else p.still_dps)
        if math.isfinite(angle) and (not self._recent or t > self._recent[-1][0]):
            self._recent.append((t, angle, self._ticks))  # the edges are found on finite angles in time order
        # the plateau is measured whole once the body has surely been on it (HOLD_ARRIVE_S in, and the hold begun)
        if (
            self.holding
            and self._refined_start is None
            and t - k.HOLD_PLATEAU_S >= max(self._start + k.HOLD_ARRIVE_S, self._first_still)
        ):
            self._refined_start = self._edge((t - k.HOLD_PLATEAU_S, t), outer_t=self._start)
            self._origin = self._ran_at(self._refined_start)
        if not self.holding:
            if not zone:
                self._settle_since = None
                return []
            if self._settle_since is None:
                self._settle_since = t
            if t - self._settle_since >= p.settle_s and (still or self._turned_back(t)):
                return self._begin(t, side, self._settle_since)
            return []
        dt = max(0.0, t - self._last_t)  # a clock stepping back runs no time off the hold
        self._last_t = t
        if zone and side == self.side:
            self._last_in = t
            self._peak = max(self._peak, angle)
            if still:
                self._wobble_since = None
                events = self._tick(t, dt)
                self._last_still = t
                return events
            if self._wobble_since is None:
                self._wobble_since = t
            return self._tick(t, dt) if t - self._wobble_since <= p.grace_s else []
        if (side != self.side and zone) or t - self._last_in > p.break_s:
            return self._end()
        return []

    def _turned_back(self, t: float) -> bool:
        """Over the last settle_s the angle wobbled rather than went somewhere: its net change is under half its
        range (a body passing through the zone moves one way; one wobbling on a ball comes back)."""
        window = [a for u, a, _ in self._recent if u >= t - self.p.settle_s]
        span = max(window) - min(window)
        return span > 0 and abs(window[-1] - window[0]) < 0.5 * span

    def _begin(self, t: float, side: str | None, settled_at: float) -> list[MotionEvent]:
        self.holding, self.side, self.completed = True, side, False
        self._ticks, self._shown = 0.0, 0
        self._start = settled_at
        self._last_t = self._last_still = self._last_in = self._first_still = t
        self._wobble_since = None
        self._peak = 0.0
        self._settle_since = None
        self._refined_start = None
        # Until the plateau can be measured whole, the count runs from where the body reached the level it has kept
        # over the last half of settle_s (a body still easing in has not reached it: its count starts late, not early).
        self._origin = self._ran_at(self._edge((t - self.p.settle_s / 2, t), outer_t=settled_at))
        return [HoldStarted(self._start, side)]

    @property
    def seconds(self) -> float:
        """The hold's count: the timer's run since where the count starts."""
        return self._ticks - self._origin

    def _ran_at(self, u: float) -> float:
        """How long the timer had run at time u: before the hold began, the body was settling still in the zone,
        held as far as the count is concerned (negative: that long before the hold began)."""
        if u <= self._first_still:
            return u - self._first_still
        after = bisect.bisect_right(self._recent, u, key=lambda row: row[0])  # the frame after u: u's tick is in
        return self._recent[after][2] if after < len(self._recent) else self._ticks

    def _tick(self, t: float, dt: float) -> list[MotionEvent]:
        self._ticks += dt
        events: list[MotionEvent] = []
        if int(self.seconds) > self._shown:
            self._shown = int(self.seconds)
            events.append(HoldProgress(t, self.side, float(self._shown)))
        if not self.completed and self.seconds >= self.p.target_s:
            self.completed = True
            events.append(HoldCompleted(t, self.side, round(self.seconds, 2)))
        return events

    def _end(self) -> list[MotionEvent]:
        """The hold ended when the body was last still in the zone; a wobble after that does not count. Its edges
        are judged against its plateau measured where the body surely was on it (HOLD_ARRIVE_S in from either
        end) or, in a hold too short for that, over the middle half of the time it was still."""
        self.holding = False
        start, last = self._refined_start, self._last_still
        if start is not None and last - self._start >= 2 * k.HOLD_ARRIVE_S + k.HOLD_PLATEAU_S:
            plateau = (last - k.HOLD_ARRIVE_S - k.HOLD_PLATEAU_S, last - k.HOLD_ARRIVE_S)
            origin = self._origin
        else:
            middle, half = (self._first_still + last) / 2, min(k.HOLD_PLATEAU_S, last - self._first_still) / 4
            plateau = (middle - half, middle + half)
            start = self._edge(plateau, outer_t=self._start)
            origin = self._ran_at(start)  # a short hold: its frames are all still kept
        end_t = max(start, min(last, self._edge(plateau, outer_t=self._last_in)))
        # the timer's run from where the body arrived to where it left (it may have run on while the body left)
        seconds = round(self._ran_at(end_t) - origin, 2)
        end = HoldEnded(end_t, self.side, start, end_t, seconds, self.completed, round(self._peak, 1))
        if self.completed:
            return [end]
        return [HoldBroken(end_t, self.side, seconds), end]

    def _edge(self, plateau: tuple[float, float], outer_t: float) -> float:
        """Where the body reaches (outer_t before the plateau) or leaves (outer_t after it) its plateau: the moment
        nearest outer_t at which the averaged angle is within the band around the level measured over `plateau`
        (from, to). With nothing to judge by, outer_t."""
        if not self._recent:
            return outer_t
        t, angle, _ = np.array(self._recent).T
        sums = np.concatenate(([0.0], np.cumsum(angle)))
        lo = np.searchsorted(t, t - k.HOLD_EDGE_MEAN_S / 2)
        hi = np.searchsorted(t, t + k.HOLD_EDGE_MEAN_S / 2, side="right")
        mean = (sums[hi] - sums[lo]) / (hi - lo)
        on_plateau = mean[(t >= plateau[0]) & (t <= plateau[1])]
        if not len(on_plateau):
            return outer_t
        level = float(np.median(on_plateau))
        wobble = float(np.quantile(np.abs(on_plateau - level), 0.9))
        near = np.abs(mean - level) <= max(self.p.edge_deg, k.HOLD_EDGE_WOBBLES * wobble)
        between = (t >= min(outer_t, plateau[0])) & (t <= max(outer_t, plateau[1]))
        found = np.flatnonzero(between & near)
        if not len(found):
            return outer_t
        return float(t[found[0] if outer_t < plateau[0] else found[-1]])

    def finish(self) -> list[MotionEvent]:
        """End of the stream: a hold in progress ends where it is."""
        return self._end() if self.holding else []
