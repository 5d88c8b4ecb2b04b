"""Virtual people for the simulator: a scripted walk through the seed routine, and one who follows the kiosk.

The auto performer is an observer of the session: after each frame it sees what the kiosk shows
(its View) and moves the mock sensor's body as a person would: lies down for the mat exercises,
does the reps, drops the knees to the side it is asked for and holds, sits on the ball and leans
back. A sloppy one sometimes lets a hold go early, starts on the wrong side, or fidgets, so the
simulator also plays what goes wrong.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..engine import ACTIVE, CALIBRATE, COUNTDOWN, IDLE, INTRO, REST, SUMMARY, SWITCH, View
from .body import OVER_BALL, SITTING, STANDING, SUPINE, Timeline
from .script import Script

TWIST_DEG = 40.0
TILT_DEG = 9.0
REP_S = 4.5


def seed_routine_script(seed: int = 1) -> Script:
    """Walk up, lie down, pelvic tilts, a spinal twist each side, then the Swiss-ball stretch."""
    rng = np.random.default_rng(seed)
    s = Script(start=STANDING, rng=rng)
    s.walk(4.0).still(2.0)
    s.move(4.0, pitch=SUPINE[0]).fidget(3.0).still(3.0)
    s.tilt_reps(8, amplitude_deg=TILT_DEG, period_s=4.0, pause_s=1.5, jitter=0.2)
    s.still(10.0)
    for side in ("left", "right"):
        s.twist_hold(side, angle_deg=TWIST_DEG, seconds=30.0)
        s.still(5.0)
    s.move(4.0, pitch=STANDING[0]).still(2.0).move(2.0, pitch=SITTING[0]).still(3.0)
    s.lean_hold(OVER_BALL[0], seconds=40.0)
    s.still(5.0)
    return s


class AutoPerformer:
    """Follows the kiosk's View by moving `timeline`, the body the mock sensor measures.

    `body_time` is the body's own clock (the simulated source's), so moves land where the sensor looks.
    """

    def __init__(self, timeline: Timeline, body_time: Callable[[], float], seed: int = 1, sloppy: bool = False):
        self.rng = np.random.default_rng(seed)
        self.sloppy = sloppy
        self.timeline = timeline
        self.body_time = body_time
        self.doing = ""
        self._held_for: float | None = None  # a sloppy person lets go of this hold early
        self._wrong_side_done = False
        self._back = False  # on the way back to the middle after a hold

    def watch(self, view: View) -> None:
        """The session's observer: called with the kiosk's View after every frame."""
        t = self.body_time()
        key = self._situation(view)
        if key == self.doing:
            self._keep_going(view, t)
            return
        self.doing = key
        self._start(view, t)

    def _situation(self, view: View) -> str:
        ex = view.exercise.id if view.exercise else ""
        if view.phase in (COUNTDOWN, ACTIVE) and view.exercise and view.exercise.detect == "hold":
            return f"hold:{ex}:{view.side}:{view.holds_done}"
        if view.phase == ACTIVE:
            return f"reps:{ex}:{view.set_index}"
        if view.phase in (INTRO, CALIBRATE):
            return f"position:{ex}"
        return view.phase

    def _start(self, view: View, t: float) -> None:
        self._back = False
        tl = self.timeline
        now = tl.replan(t)
        if self.doing in (IDLE, SUMMARY):
            self._go(t, [(3.0, STANDING[0], 0.0)])
        elif self.doing.startswith("position:"):
            self._get_into_position(view, t, now)
        elif self.doing.startswith("reps:"):
            self._plan_reps(view, t)
        elif self.doing.startswith("hold:"):
            self._plan_hold(view, t)
        elif self.doing in (REST, SWITCH):
            self._go(t, [(2.5, self._neutral(view)[0], 0.0)])

    def _keep_going(self, view: View, t: float) -> None:
        if self.doing.startswith("reps:") and self.timeline.end <= t:
            self._plan_reps(view, t)
        if not self.doing.startswith("hold:") or self._back:
            return
        let_go = self._held_for if self._held_for is not None else view.hold_target + 0.5
        if view.hold_complete or view.hold_seconds >= let_go:  # done (or, sloppy, too early): back to the middle
            self._back = True
            self._held_for = None
            self.timeline.replan(t)
            self._go(t, [(2.5, self._neutral(view)[0], 0.0)])

    def _neutral(self, view: View) -> tuple[float, float]:
        return SITTING if view.exercise and view.exercise.motion == "swiss_ball" else SUPINE

    def _get_into_position(self, view: View, t: float, now: tuple) -> None:
        target = self._neutral(view)
        moves = []
        if target == SITTING and now[0] > 45:  # from the mat: stand up first
            moves.append((3.0, STANDING[0], 0.0))
        moves.append((3.0, target[0], 0.0))
        self._go(t, moves)
        if self.sloppy and self.rng.random() < 0.5:
            _Extending(self.timeline, self.rng).fidget(2.0, size_deg=3.0)

    def _plan_reps(self, view: View, t: float) -> None:
        base = self._neutral(view)[0]
        moves = []
        for _ in range(3):
            amp = TILT_DEG * self.rng.uniform(0.8, 1.2)
            half = REP_S / 2 * self.rng.uniform(0.85, 1.15)
            moves += [(half, base - amp, 0.0), (half, base, 0.0), (self.rng.uniform(0.5, 1.5), base, 0.0)]
        self._go(t, moves)

    def _plan_hold(self, view: View, t: float) -> None:
        base = self._neutral(view)
        side = view.side
        if self.sloppy and side and not self._wrong_side_done and self.rng.random() < 0.5:
            side = "right" if side == "left" else "left"  # did not listen: the other side first
            self._wrong_side_done = True
        if view.exercise and view.exercise.motion == "swiss_ball":
            pose = (OVER_BALL[0] + self.rng.uniform(-6, 6), 0.0)
        else:
            roll = TWIST_DEG * self.rng.uniform(0.8, 1.2) * (-1 if side == "left" else 1)
            pose = (base[0], roll)
        self._held_for = self.rng.uniform(6, 12) if self.sloppy and self.rng.random() < 0.25 else None
        self._go(t, [(self.rng.uniform(2.0, 3.5), pose[0], pose[1])])

    def _go(self, t: float, moves: list[tuple[float, float, float]]) -> None:
        at = t
        for seconds, pitch, roll in moves:
            at += seconds
            self.timeline.add(at, (pitch, roll, 0.0))


class _Extending(Script):
    """A Script view onto a live timeline, so the scripted fidget can be reused from 'now'."""

    def __init__(self, timeline: Timeline, rng: np.random.Generator):
        self.timeline = timeline
        self.rng = rng
