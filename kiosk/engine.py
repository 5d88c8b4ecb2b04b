"""The routine engine: where the person is in the routine, what comes next, and what to say.

A state machine driven by three inputs only: the person's commands, the motion detectors'
events and a clock it is given (so tests run a whole session in no wall time). Its phases:
idle -> intro -> calibrate -> [countdown ->] active -> [switch | rest ->] ... -> summary -> idle.
Pause, a lost sensor and "still there?" freeze the clock of the phase they interrupt and give
it back on resume. Each finished exercise is handed to the history at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from . import cues
from .cues import Cue
from .motion.events import (
    Calibrated,
    HoldBroken,
    HoldCompleted,
    HoldEnded,
    HoldProgress,
    HoldStarted,
    MotionEvent,
    RepCounted,
    StillChanged,
)
from .motion.pipeline import MotionParams, MotionState
from .records import ExerciseResult, HoldRecord
from .routine import Exercise, Routine

_log = logging.getLogger(__name__)

IDLE, INTRO, CALIBRATE, COUNTDOWN, ACTIVE, SWITCH, REST, SUMMARY = (
    "idle",
    "intro",
    "calibrate",
    "countdown",
    "active",
    "switch",
    "rest",
    "summary",
)
SESSION_PHASES = (INTRO, CALIBRATE, COUNTDOWN, ACTIVE, SWITCH, REST)
SWITCH_S = 4.0
COME_BACK_S = 12.0
RETRY_PAUSE_S = 2.0  # after a completed hold, wait this long for the person to come back
SUMMARY_S = 90.0
COMMANDS = ("start", "next", "pause", "resume", "skip", "repeat", "stop", "touch", "pain")


class Motion(Protocol):
    """What the engine needs of the motion pipeline (a fake in tests)."""

    state: MotionState

    def switch(self, params: MotionParams) -> None: ...

    def calibrate(self, force: bool = False) -> None: ...


class History(Protocol):
    def begin_session(self, started_at: str, routine: str) -> int: ...

    def add_result(self, session_id: int, result: ExerciseResult) -> None: ...

    def end_session(self, session_id: int, ended_at: str, status: str) -> None: ...

    def set_pain(self, session_id: int, pain: int) -> None: ...


@dataclass
class View:
    """Everything a screen needs to draw the engine's state."""

    phase: str = IDLE
    exercise: Exercise | None = None
    exercise_index: int = 0
    exercise_count: int = 0
    set_index: int = 0
    reps: int = 0
    reps_target: int = 0
    rep_sizes: list[float] = field(default_factory=list)  # the last reps' range of motion
    holds_done: int = 0
    holds_wanted: int = 0
    hold_seconds: float = 0.0
    hold_target: float = 0.0
    holding: bool = False
    side: str | None = None  # the side asked for
    countdown: int = 0
    remaining_s: float = 0.0  # rest, intro or calibration time left
    next_name: str = ""  # what a rest leads to
    paused: bool = False
    sensor_lost: bool = False
    still_there: bool = False
    pain_prompt: bool = False  # "it hurts" was tapped: waiting for a score
    message: str = ""  # the last words said
    calibration: str = ""
    results: list[ExerciseResult] = field(default_factory=list)
    session_status: str = ""
    pain: int | None = None
    motion: MotionState = field(default_factory=MotionState)


class RoutineEngine:
    def __init__(
        self,
        routine: Routine,
        clock: Callable[[], float],
        motion: Motion,
        history: History | None = None,
        wall_clock: Callable[[], datetime] = datetime.now,
    ):
        self.routine = routine
        self.s = routine.settings
        self.clock = clock
        self.motion = motion
        self.history = history
        self.wall_clock = wall_clock
        self.view = View(exercise_count=len(routine.exercises))
        self._cues: list[Cue] = []
        self._deadline: float | None = None
        self._frozen_at: float | None = None
        self._session: int | None = None
        self._last_activity = clock()
        self._result: ExerciseResult | None = None
        self._started = 0.0
        self._calibrate_tries = 0
        self._retries = 0
        self._after: Callable[[], None] | None = None  # what a rest or switch leads to
        self._ignore_hold_end = False

    # -- inputs --------------------------------------------------------------------------
    def command(self, name: str, value: int | None = None) -> None:
        """A touch, key or GPIO button, already mapped to a command name."""
        if name not in COMMANDS:
            raise ValueError(f"unknown command {name!r}")
        now = self.clock()
        self._last_activity = now
        v = self.view
        if v.still_there:
            self._unfreeze("still_there", Cue("resume", "Welcome back."))
            if name == "touch":
                return
        if v.pain_prompt and name not in ("pain", "stop"):
            return  # waiting for the pain score
        if name == "pain":
            self._pain(value)
        elif name == "start" and v.phase in (IDLE, SUMMARY):
            self._start_session()
        elif name in ("start", "pause", "resume") and v.paused:
            self._unfreeze("paused", Cue("resume", "Carry on."))  # every one of them ends a pause
        elif name == "pause" and v.phase in SESSION_PHASES:
            self._freeze("paused", Cue("pause", "Paused. Tap to carry on."))
        elif name == "next":
            self._next()
        elif name == "skip" and v.phase == REST and self._result is None:
            self._next()  # between exercises there is nothing to skip but the rest
        elif name == "skip" and v.phase in SESSION_PHASES:
            self._say(Cue("info", f"Skipping {v.exercise.name}."))
            self._finish_exercise("skipped")
        elif name == "repeat" and v.phase in SESSION_PHASES:
            self._say(Cue("info", f"Again: {v.exercise.name}."))
            self._enter_intro()
        elif name == "stop" and v.phase in SESSION_PHASES:
            self._finish_exercise("partial", then=lambda: self._end_session("partial"))

    def handle(self, events: list[MotionEvent]) -> None:
        for event in events:
            if not isinstance(event, StillChanged) or not event.still:
                self._last_activity = self.clock()
            if self.view.paused or self.view.sensor_lost or self.view.pain_prompt:
                continue
            if self.view.still_there:
                self._unfreeze("still_there", Cue("resume", "Welcome back."))
            self._on_motion(event)
        self.view.motion = self.motion.state

    def sensor(self, connected: bool) -> None:
        v = self.view
        if not connected and not v.sensor_lost:
            v.sensor_lost = True
            if v.phase in SESSION_PHASES:
                self._freeze("sensor_lost", Cue("sensor", "Sensor lost. Check the clip's cable."))
        elif connected and v.sensor_lost:
            v.sensor_lost = False
            if self._frozen_at is not None and not (v.paused or v.still_there or v.pain_prompt):
                self._unfreeze("sensor_lost", Cue("resume", "Sensor back. Carry on."))

    def tick(self) -> None:
        """Move on when a phase's time is up; ask whether anyone is there after a long quiet."""
        now = self.clock()
        v = self.view
        if v.still_there:
            if now - self._frozen_at >= self.s.end_after_prompt_s:
                v.still_there = False
                self._frozen_at = None
                self._finish_exercise("partial", then=lambda: self._end_session("partial", to_idle=True))
            return
        if self._frozen_at is not None:
            return
        if v.phase == SUMMARY and self._deadline is not None and now >= self._deadline:
            self._enter(IDLE)
            return
        if v.phase in SESSION_PHASES and now - self._last_activity >= self.s.still_there_after_s:
            self._freeze("still_there", Cue("still_there", "Still there? Touch the screen to carry on."))
            return
        v.remaining_s = max(0.0, self._deadline - now) if self._deadline is not None else 0.0
        if self._deadline is None or now < self._deadline:
            return
        if v.phase == INTRO:
            self._enter_calibrate()
        elif v.phase == CALIBRATE:
            self._calibration_timed_out()
        elif v.phase == COUNTDOWN:
            self._count_down()
        elif v.phase == ACTIVE and v.exercise.detect == "hold":
            self._finish_hold_wait()
        elif v.phase in (SWITCH, REST):
            after, self._after = self._after, None
            after()

    def take_cues(self) -> list[Cue]:
        cues_, self._cues = self._cues, []
        return cues_

    # -- sessions and exercises ------------------------------------------------------------
    def _start_session(self) -> None:
        v = self.view
        v.results, v.pain, v.session_status = [], None, "in_progress"
        v.exercise_index = 0
        if self.history:
            self._session = self.history.begin_session(self._now_text(), self.routine.settings.name)
        _log.info("session started")
        self._enter_intro()

    def _enter_intro(self) -> None:
        v = self.view
        ex = self.routine.exercises[v.exercise_index]
        v.exercise, v.set_index, v.reps, v.rep_sizes, v.holds_done = ex, 0, 0, [], 0
        v.reps_target = ex.reps if ex.detect == "reps" else 0
        v.holds_wanted = ex.holds_wanted if ex.detect == "hold" else 0
        v.hold_target = ex.hold_s if ex.detect == "hold" else 0.0
        v.hold_seconds, v.holding, v.side, v.calibration = 0.0, False, None, ""
        self._result = ExerciseResult(
            ex.id,
            ex.name,
            ex.detect,
            v.exercise_index + 1,
            reps_target=v.reps_target,
            hold_target_s=v.hold_target,
            holds_wanted=v.holds_wanted,
        )
        self._started = self.clock()
        self._calibrate_tries = 0
        self._retries = 0
        self.motion.switch(ex.motion_params())
        self._enter(INTRO, self.s.intro_s)
        self._say(cues.intro(ex.name, ex.instructions[0]))

    def _enter_calibrate(self) -> None:
        self._calibrate_tries += 1
        self.motion.calibrate()
        self._enter(CALIBRATE, self.s.calibrate_timeout_s)
        if self._calibrate_tries == 1:
            self._say(Cue("position", "Get into position and keep still."))
        else:
            self._say(Cue("position", "Keep still a moment longer."))

    def _calibration_timed_out(self) -> None:
        if self._calibrate_tries < 2:
            self._enter_calibrate()
            return
        self.motion.calibrate(force=True)  # carry on from where the body is now
        self._calibrated("forced")

    def _calibrated(self, quality: str) -> None:
        v = self.view
        v.calibration = self._result.calibration = quality
        self._say(Cue("ready", "Ready."))
        if v.exercise.detect == "reps":
            self._enter(ACTIVE)
            self._say(Cue("info", f"{v.reps_target} reps. Begin."))
        else:
            self._enter_countdown()

    def _enter_countdown(self, side: str | None = None) -> None:
        v = self.view
        v.side = side or self._next_side()
        v.hold_seconds, v.holding = 0.0, False
        v.countdown = self.s.countdown_s
        self._say(cues.hold_move(v.exercise.motion, v.side))
        self._enter(COUNTDOWN, 1.0 if v.countdown else 0.0)

    def _count_down(self) -> None:
        v = self.view
        if v.countdown > 0:
            self._say(Cue("countdown", str(v.countdown)))
            v.countdown -= 1
            self._deadline = self.clock() + 1.0
            return
        self._say(Cue("hold", "Hold."))
        self._enter(ACTIVE, COME_BACK_S * 3)  # a hold that never starts times out into a retry

    def _next_side(self) -> str | None:
        """The side with the fewest completed holds; on a tie, not the side just held.

        A hold on the wrong side is simply counted for that side, and the other is asked for next.
        """
        ex = self.view.exercise
        if not ex.per_side:
            return None
        holds = self._result.holds
        done = {s: sum(1 for h in holds if h.side == s and h.completed) for s in ex.sides}
        last = holds[-1].side if holds else None
        return min(ex.sides, key=lambda s: (done[s], s == last, ex.sides.index(s)))

    # -- motion ----------------------------------------------------------------------------
    def _on_motion(self, e: MotionEvent) -> None:
        v = self.view
        if isinstance(e, Calibrated) and v.phase == CALIBRATE:
            self._calibrated(e.quality)
        elif isinstance(e, RepCounted) and v.phase == ACTIVE and v.exercise.detect == "reps":
            self._rep(e)
        elif v.exercise is not None and v.exercise.detect == "hold" and v.phase in (COUNTDOWN, ACTIVE):
            self._hold_event(e)

    def _rep(self, e: RepCounted) -> None:
        v = self.view
        v.reps += 1
        v.rep_sizes = ([*v.rep_sizes, e.amplitude_deg])[-8:]
        self._result.reps_done += 1
        self._result.range_deg = max(self._result.range_deg, e.amplitude_deg)
        self._say(Cue("count", str(v.reps)))
        if v.reps < v.reps_target:
            return
        v.set_index += 1
        if v.set_index < v.exercise.sets:
            self._say(Cue("done", f"Set {v.set_index} done."))
            self._rest(v.exercise.rest_between_sets_s, self._next_set)
        else:
            self._finish_exercise("completed")

    def _next_set(self) -> None:
        self.view.reps = 0
        self._enter(ACTIVE)
        self._say(Cue("info", f"{self.view.reps_target} reps. Begin."))

    def _hold_event(self, e: MotionEvent) -> None:
        v = self.view
        if isinstance(e, HoldStarted):
            v.holding = True
            self._ignore_hold_end = False  # a new hold: the old one's end will not come now
            if v.phase == COUNTDOWN:
                self._enter(ACTIVE, None)
            if v.side and e.side and e.side != v.side:
                self._say(Cue("info", f"That's your {e.side} side. It counts."))
                v.side = e.side
            self._deadline = None
        elif isinstance(e, HoldProgress):
            v.hold_seconds = e.seconds
            cue = cues.progress(int(e.seconds), v.hold_target)
            if cue:
                self._say(cue)
        elif isinstance(e, HoldCompleted):
            v.hold_seconds = e.seconds
            self._say(Cue("done", "Well done. Come back to the middle."))
            self._deadline = self.clock() + COME_BACK_S
        elif isinstance(e, HoldBroken):
            self._say(Cue("broken", "Hold broken. Back into the stretch."))
        elif isinstance(e, HoldEnded):
            self._hold_ended(e)

    def _hold_ended(self, e: HoldEnded) -> None:
        v = self.view
        if self._ignore_hold_end:
            self._ignore_hold_end = False
            return
        v.holding = False
        self._result.holds.append(HoldRecord(e.side, round(e.seconds, 1), e.completed))
        self._result.range_deg = max(self._result.range_deg, e.peak_deg)
        if e.completed:
            v.holds_done += 1
            self._retries = 0
        else:
            self._retries += 1
            if self._retries <= self.s.max_hold_retries:
                side = v.side
                self._rest(RETRY_PAUSE_S, lambda: self._enter_countdown(side), say=False)
                return
            self._retries = 0
            v.holds_done += 1  # tried enough: move on, the record says it was broken
        self._after_hold()

    def _finish_hold_wait(self) -> None:
        """A hold that never started, or a person who never came back after a completed one."""
        v = self.view
        if v.hold_seconds >= v.hold_target:  # completed, still holding: record it and move on
            self._result.holds.append(HoldRecord(v.side, round(v.hold_seconds, 1), True))
            v.holds_done += 1
            v.holding = False
            self._ignore_hold_end = True  # the detector will report this hold's end later
            self._after_hold()
        else:
            self._say(Cue("broken", "Let's try that again."))
            self._enter_countdown()

    def _after_hold(self) -> None:
        v = self.view
        if v.holds_done >= v.holds_wanted:
            self._finish_exercise("completed")
            return
        next_side = self._next_side()
        if next_side and next_side != v.side:
            self._enter(SWITCH, SWITCH_S)
            self._after = self._enter_countdown
            v.side = next_side
            self._say(Cue("switch", f"Switch to the {next_side} side."))
        else:
            self._rest(v.exercise.rest_between_sets_s, self._enter_countdown)

    # -- rests and endings -----------------------------------------------------------------
    def _rest(self, seconds: float, after: Callable[[], None], say: bool = True) -> None:
        """A rest within the exercise (between sets or holds): what comes next is more of it."""
        self.view.next_name = self.view.exercise.name
        self._enter(REST, seconds)
        self._after = after
        if say:
            self._say(Cue("rest", "Rest."))

    def _finish_exercise(self, status: str, then: Callable[[], None] | None = None) -> None:
        v = self.view
        r = self._result
        if r is not None:
            if status == "completed" and r.detect == "hold" and r.holds_completed < r.holds_wanted:
                status = "partial"  # every hold was tried, but one gave way after its retries
            r.status = status
            r.duration_s = round(self.clock() - self._started, 1)
            v.results.append(r)
            if self.history and self._session is not None:
                self.history.add_result(self._session, r)
            self._result = None
        if then:
            then()
            return
        if status == "completed":
            self._say(Cue("well_done", "Well done."))
        if v.exercise_index + 1 < len(self.routine.exercises):
            v.exercise_index += 1
            nxt = self.routine.exercises[v.exercise_index]
            v.next_name = nxt.name
            self._enter(REST, self.s.rest_between_exercises_s)
            self._after = self._enter_intro
            self._say(Cue("rest", f"Rest. Next: {nxt.name}."))
        else:
            self._end_session("completed")

    def _end_session(self, status: str, to_idle: bool = False) -> None:
        v = self.view
        v.session_status = status
        v.paused = v.still_there = v.pain_prompt = False  # whatever was holding the routine is over
        self._frozen_at = None
        if self.history and self._session is not None:
            self.history.end_session(self._session, self._now_text(), status)
        _log.info("session ended: %s, %d exercise(s)", status, len(v.results))
        if status == "completed":
            self._say(Cue("well_done", "That's the routine. Well done!"))
        elif status == "stopped_pain":
            self._say(Cue("stop", "Please stop now. If the pain stays, see a doctor or physiotherapist."))
        else:
            self._say(Cue("stop", "Session saved."))
        if to_idle:
            self._session = None
            self._enter(IDLE)
            return
        self._enter(SUMMARY, SUMMARY_S)
        self._say(Cue("pain", "How is your back? Tap a number from 0 to 10."))

    def _pain(self, value: int | None) -> None:
        """Pain mid-routine ("it hurts": the routine waits for a score) or at the end, 0 to 10."""
        v = self.view
        if value is None:
            if v.phase in SESSION_PHASES and not v.pain_prompt:
                self._freeze("pain_prompt", Cue("pain", "How bad is the pain? Tap a number from 0 to 10."))
            return
        if not 0 <= value <= 10:
            raise ValueError("pain must be a whole number from 0 to 10")
        v.pain = value
        if self.history and self._session is not None:
            self.history.set_pain(self._session, value)
        if v.phase in SESSION_PHASES and value >= self.s.pain_stop_at:
            v.pain_prompt, self._frozen_at = False, None
            v.paused = v.still_there = False
            self._finish_exercise("partial", then=lambda: self._end_session("stopped_pain"))
        elif v.pain_prompt:
            self._unfreeze("pain_prompt", Cue("resume", "Take it gently. Stop if it gets worse."))
        elif v.phase == SUMMARY:
            self._say(Cue("info", "Thank you."))

    def _next(self) -> None:
        """The 'next' button: start, or cut a wait short."""
        v = self.view
        if v.phase in (IDLE, SUMMARY):
            self._start_session()
        elif v.phase == INTRO:
            self._enter_calibrate()
        elif v.phase in (SWITCH, REST):
            after, self._after = self._after, None
            after()

    # -- plumbing ----------------------------------------------------------------------------
    def _enter(self, phase: str, seconds: float | None = None) -> None:
        self.view.phase = phase
        self._deadline = self.clock() + seconds if seconds is not None else None
        self.view.remaining_s = seconds or 0.0
        if phase == IDLE:
            self.view.exercise = None

    def _freeze(self, flag: str, cue: Cue) -> None:
        setattr(self.view, flag, True)
        if self._frozen_at is None:
            self._frozen_at = self.clock()
        self._say(cue)

    def _unfreeze(self, flag: str, cue: Cue) -> None:
        setattr(self.view, flag, False)
        v = self.view
        if v.paused or v.sensor_lost or v.still_there or v.pain_prompt or self._frozen_at is None:
            return
        now = self.clock()
        if self._deadline is not None:
            self._deadline += now - self._frozen_at
        self._frozen_at = None
        self._last_activity = now
        self._say(cue)

    def _say(self, cue: Cue) -> None:
        self.view.message = cue.words
        self._cues.append(cue)

    def _now_text(self) -> str:
        return self.wall_clock().isoformat(timespec="seconds")
