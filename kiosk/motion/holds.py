"""Hold timer: runs only while the body is in the target zone and still enough.

A brief wobble inside the zone keeps the timer running (grace period); leaving the zone pauses
it; staying out longer than `break_s`, or turning to the other side, ends the hold, completed
if it reached its target and broken if not.
"""

from __future__ import annotations

import statistics
from collections import deque
from dataclasses import dataclass

from .events import HoldBroken, HoldCompleted, HoldEnded, HoldProgress, HoldStarted, MotionEvent


@dataclass(frozen=True)
class HoldParams:
    target_s: float = 30.0
    zone_min_deg: float = 15.0
    zone_max_deg: float = 80.0
    still_dps: float = 6.0
    settle_s: float = 0.5  # in the zone and still this long: the hold has begun
    grace_s: float = 1.5
    break_s: float = 3.0
    edge_deg: float = 3.0  # a hold begins and ends where the angle is this close to its plateau


RECENT_FRAMES = 200  # about 8 s of frames: enough to look back to where a hold began
PLATEAU_AFTER_S = 4.0  # this long into a hold, the body is surely on its plateau
PLATEAU_S = 1.5  # the plateau's level is the median angle over this long


class HoldTimer:
    def __init__(self, params: HoldParams = HoldParams()):
        self.p = params
        self.holding = False
        self.seconds = 0.0
        self.side: str | None = None
        self.completed = False
        self._settle_since: float | None = None
        self._start = 0.0
        self._last_t = 0.0
        self._last_still = 0.0
        self._seconds_at_still = 0.0
        self._last_in = 0.0
        self._wobble_since: float | None = None
        self._peak = 0.0
        self._recent: deque[tuple[float, float]] = deque(maxlen=RECENT_FRAMES)
        self._refined_start: float | None = None

    def in_zone(self, angle: float) -> bool:
        return self.p.zone_min_deg <= angle <= self.p.zone_max_deg

    def update(self, t: float, angle: float, rate_dps: float, side: str | None) -> list[MotionEvent]:
        p = self.p
        zone = self.in_zone(angle)
        still = rate_dps < p.still_dps
        self._recent.append((t, angle))
        if self.holding and self._refined_start is None and t - self._start >= PLATEAU_AFTER_S:
            self._refined_start = max(self._start, self._edge(t, backwards=True))
        if not self.holding:
            if zone and still:
                if self._settle_since is None:
                    self._settle_since = t
                if t - self._settle_since >= p.settle_s:
                    return self._begin(t, side, self._settle_since)
            else:
                self._settle_since = None
            return []
        dt = t - self._last_t
        self._last_t = t
        if zone and side == self.side:
            self._last_in = t
            self._peak = max(self._peak, angle)
            if still:
                self._wobble_since = None
                events = self._tick(t, dt)
                self._last_still, self._seconds_at_still = t, self.seconds
                return events
            if self._wobble_since is None:
                self._wobble_since = t
            return self._tick(t, dt) if t - self._wobble_since <= p.grace_s else []
        if (side != self.side and zone) or t - self._last_in > p.break_s:
            return self._end()
        return []

    def _begin(self, t: float, side: str | None, settled_at: float) -> list[MotionEvent]:
        self.holding, self.side, self.completed = True, side, False
        self.seconds = t - settled_at
        self._start = settled_at
        self._last_t = self._last_still = self._last_in = t
        self._seconds_at_still = self.seconds
        self._wobble_since = None
        self._peak = 0.0
        self._settle_since = None
        self._refined_start = None
        return [HoldStarted(self._start, side)]

    def _tick(self, t: float, dt: float) -> list[MotionEvent]:
        before = self.seconds
        self.seconds += dt
        events: list[MotionEvent] = []
        if int(self.seconds) > int(before):
            events.append(HoldProgress(t, self.side, float(int(self.seconds))))
        if not self.completed and self.seconds >= self.p.target_s:
            self.completed = True
            events.append(HoldCompleted(t, self.side, round(self.seconds, 2)))
        return events

    def _end(self) -> list[MotionEvent]:
        """The hold ended when the body was last still in the zone; a wobble after that does not count."""
        self.holding = False
        seconds = round(self._seconds_at_still, 2)
        start = self._refined_start if self._refined_start is not None else self._start
        inside = max(start, self._last_still - PLATEAU_AFTER_S)
        end_t = min(self._last_still, self._edge(inside, backwards=False)) if inside > start else self._last_still
        end = HoldEnded(end_t, self.side, start, end_t, seconds, self.completed, round(self._peak, 1))
        if self.completed:
            return [end]
        return [HoldBroken(end_t, self.side, seconds), end]

    def _edge(self, inside_t: float, backwards: bool) -> float:
        """From a moment well inside the hold, walk to where the angle leaves its plateau."""
        level_frames = [
            a
            for t, a in self._recent
            if inside_t - PLATEAU_S <= t <= inside_t + PLATEAU_S and (t <= inside_t if backwards else t >= inside_t)
        ]
        if not level_frames:
            return inside_t
        level = statistics.median(level_frames)
        edge = inside_t
        for t, a in reversed(self._recent) if backwards else iter(self._recent):
            if (t > inside_t) if backwards else (t < inside_t):
                continue
            if abs(a - level) > self.p.edge_deg:
                break
            edge = t
        return edge

    def finish(self) -> list[MotionEvent]:
        """End of the stream: a hold in progress ends where it is."""
        return self._end() if self.holding else []
