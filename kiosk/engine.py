"""The routine engine: where the person is in the routine, what comes next, and what to say.

A state machine driven by three inputs only: the person's commands, the motion detectors'
events and a clock it is given (so tests run a whole session in no wall time). Its phases
(`Phase`): idle -> intro -> calibrate -> [countdown ->] active -> [switch | rest ->] ... ->
summary -> idle. Each phase may have an enter step, a step for when its time is up, and a
leave step (`_PHASE_STEPS`); what a rest or a side switch leads to is a named `Step`. Pause,
a lost sensor, "still there?" and "it hurts" are reasons the routine is frozen (`Freeze`):
while any is set the clock of the interrupted phase stands still, and it is given back when
the last one clears. Each finished exercise is handed to the history at once. The words come
from the phrase catalogue (`phrases`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from backstretch.errors import CommandError

from . import phrases as say
from .commands import ENGINE, Command
from .cues import Cue, Kind
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
from .results import ExerciseResult, HoldRecord
from .routine import Exercise, Routine

_log = logging.getLogger(__name__)


class Phase(StrEnum):
    IDLE = "idle"
    INTRO = "intro"
    CALIBRATE = "calibrate"
    COUNTDOWN = "countdown"
    ACTIVE = "active"
    DONE = "done"  # the exercise's success moment: its count in full, a chime, "well done"
    SWITCH = "switch"
    REST = "rest"
    SUMMARY = "summary"


class Freeze(StrEnum):
    """Why the routine's clock is stopped; it runs again when none is left."""

    PAUSED = "paused"
    SENSOR_LOST = "sensor_lost"
    STILL_THERE = "still_there"
    PAIN_PROMPT = "pain_prompt"  # "it hurts" was tapped: waiting for a score
    SKIP_ASK = "skip_ask"  # Skip during a hold: asking before the whole exercise goes


class Step(StrEnum):
    """What a rest or a side switch leads to."""

    NEXT_EXERCISE = "next_exercise"
    NEXT_SET = "next_set"
    NEXT_HOLD = "next_hold"  # the side with the fewest holds
    RETRY_HOLD = "retry_hold"  # the same side again


IDLE, INTRO, CALIBRATE, COUNTDOWN, ACTIVE, DONE, SWITCH, REST, SUMMARY = Phase
SESSION_PHASES = (INTRO, CALIBRATE, COUNTDOWN, ACTIVE, DONE, SWITCH, REST)
HOLD_PHASES = (COUNTDOWN, ACTIVE)
SWITCH_S = 4.0
SENSOR_BACK_AFTER_S = 1.0  # a lost sensor must stay connected this long before the routine carries on
SENSOR_LOST_REPEAT_S = 60.0  # "Sensor lost" is said at most this often; in between the screen shows it
DONE_S = 3.0
COME_BACK_S = 12.0  # after a completed hold, this long for the person to relax before a clear prompt
RETRY_PAUSE_S = 2.0  # after a broken hold, this long before the countdown for the next try
SUMMARY_S = 90.0
CONFIRM_S = 1.5  # a rep's count waits this long at most for the second counter to agree before it is said
# Phases whose clock starts only once the voice has said what came before: an intro lasts at least as
# long as its words, the countdown's "3" follows "Lower your knees to the left", the done screen stays
# while "Well done." is heard. A stuck voice holds a phase no longer than VOICE_WAIT_MAX_S.
WAIT_FOR_VOICE = (INTRO, CALIBRATE, COUNTDOWN, DONE, SWITCH)
VOICE_WAIT_MAX_S = 30.0
COMMANDS = tuple(ENGINE)


class Motion(Protocol):
    """What the engine needs of the motion pipeline (a fake in tests)."""

    state: MotionState

    def switch(self, params: MotionParams) -> None: ...

    def calibrate(self, force: bool = False) -> None: ...


class History(Protocol):
    def begin_session(self, started_at: str, routine: str) -> int: ...

    def add_result(self, session_id: int, result: ExerciseResult) -> None: ...

    def end_session(self, session_id: int, ended_at: str, status: str) -> None: ...

    def set_pain(self, session_id: int, pain: int, during: bool = False) -> None: ...


@dataclass
class View:
    """Everything a screen needs to draw the engine's state."""

    phase: Phase = IDLE
    exercise: Exercise | None = None
    exercise_index: int = 0
    exercise_count: int = 0
    set_index: int = 0
    reps: int = 0
    reps_sure: bool = True  # the motion pipeline's two counters agree on the count
    reps_target: int = 0
    rep_sizes: list[float] = field(default_factory=list)  # the last reps' range of motion
    holds_done: int = 0
    holds_wanted: int = 0
    hold_seconds: float = 0.0
    hold_target: float = 0.0
    holding: bool = False
    hold_complete: bool = False  # this hold reached its target: shown done while the person relaxes
    side: str | None = None  # the side asked for
    countdown: int = 0  # the number of the countdown said last (0 before the first)
    remaining_s: float = 0.0  # rest, intro or calibration time left
    next_name: str = ""  # what a rest leads to
    frozen: set[Freeze] = field(default_factory=set)
    message: str = ""  # the last words said
    calibration: str = ""
    results: list[ExerciseResult] = field(default_factory=list)
    just_done: ExerciseResult | None = None  # the exercise a rest between exercises follows
    session_status: str = ""
    pain: int | None = None  # the end-of-session check-in
    pain_during: int | None = None  # the worst score given through "it hurts" during the session
    motion: MotionState = field(default_factory=MotionState)

    @property
    def paused(self) -> bool:
        return Freeze.PAUSED in self.frozen

    @property
    def sensor_lost(self) -> bool:
        return Freeze.SENSOR_LOST in self.frozen

    @property
    def still_there(self) -> bool:
        return Freeze.STILL_THERE in self.frozen

    @property
    def pain_prompt(self) -> bool:
        return Freeze.PAIN_PROMPT in self.frozen

    @property
    def skip_ask(self) -> bool:
        return Freeze.SKIP_ASK in self.frozen


@dataclass(frozen=True)
class PhaseSteps:
    """What a phase does on the way in, when its time is up, and on the way out (method names)."""

    enter: str = ""
    timeout: str = ""
    leave: str = ""


_PHASE_STEPS = {
    IDLE: PhaseSteps(enter="_enter_idle"),
    INTRO: PhaseSteps(timeout="_enter_calibrate"),
    CALIBRATE: PhaseSteps(timeout="_calibration_timed_out"),
    COUNTDOWN: PhaseSteps(timeout="_count_down"),
    ACTIVE: PhaseSteps(timeout="_hold_wait_over"),
    DONE: PhaseSteps(timeout="_after_done"),
    SWITCH: PhaseSteps(timeout="_take_step"),
    REST: PhaseSteps(timeout="_take_step"),
    SUMMARY: PhaseSteps(timeout="_go_idle"),
}


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
        self._connected_since: float | None = None  # the sensor is back since then (debounce)
        self._lost_said_at: float | None = None
        self._session: int | None = None
        self._last_activity = clock()
        self._result: ExerciseResult | None = None
        self._started = 0.0
        self._calibrate_tries = 0
        self._retries = 0
        self._step: Step | None = None  # what the current rest or switch leads to
        self._stale_hold = False  # a hold already recorded that the detector has not ended yet
        self._countdown_left = 0
        self._count_until: float | None = None  # a rep counted, waiting for the second counter's verdict
        self.speaking: Callable[[], bool] = lambda: False  # the window's voice: still saying something
        self._voice_wait: tuple[float, float] | None = None  # (since, seconds) of a phase waiting for the voice

    # -- inputs --------------------------------------------------------------------------
    def command(self, name: str, value: int | None = None) -> None:
        """A touch, key or GPIO button, already mapped to a command name."""
        if name not in ENGINE:
            raise CommandError(f"unknown command {name!r}")
        name = Command(name)
        self._last_activity = self.clock()
        v = self.view
        if v.still_there:
            self._thaw(Freeze.STILL_THERE, say.WELCOME_BACK)
            if name == Command.TOUCH:
                return
        if v.pain_prompt and name not in (Command.PAIN, Command.STOP, Command.CANCEL):
            return  # waiting for the pain score
        if v.skip_ask and name not in (Command.SKIP, Command.STOP, Command.CANCEL):
            return  # waiting for "skip the whole exercise?"
        handler = getattr(self, f"_on_{name}", None)
        if handler is not None:
            handler(value)

    def handle(self, events: list[MotionEvent]) -> None:
        for event in events:
            if not isinstance(event, StillChanged) or not event.still:
                self._last_activity = self.clock()
            if self.view.frozen - {Freeze.STILL_THERE, Freeze.SKIP_ASK}:
                continue
            if self.view.still_there:
                self._thaw(Freeze.STILL_THERE, say.WELCOME_BACK)
            self._on_motion(event)
        self.view.motion = self.motion.state
        if not self.view.frozen:
            self._settle_count()

    def sensor(self, connected: bool, lost_words: str = say.SENSOR_LOST) -> None:
        """The source's health each frame; `lost_words` is what to say when it goes (a clip's cable or a phone).
        Debounced for the person's ears: the routine carries on only after SENSOR_BACK_AFTER_S of steady
        connection (a flapping cable stays one outage), and "Sensor lost" is said at most once per
        SENSOR_LOST_REPEAT_S; after that the screen and the LED say it."""
        v = self.view
        now = self.clock()
        if not connected:
            self._connected_since = None
            if v.sensor_lost:
                return
            if v.phase not in SESSION_PHASES:
                v.frozen.add(Freeze.SENSOR_LOST)  # nothing to stop: the idle screen says so in a line
            elif self._lost_said_at is not None and now - self._lost_said_at < SENSOR_LOST_REPEAT_S:
                self._freeze(Freeze.SENSOR_LOST, None)
            else:
                self._lost_said_at = now
                self._freeze(Freeze.SENSOR_LOST, Cue(Kind.SENSOR, lost_words))
        elif v.sensor_lost:
            if self._connected_since is None:
                self._connected_since = now
            if now - self._connected_since >= SENSOR_BACK_AFTER_S or v.phase not in SESSION_PHASES:
                self._connected_since = None
                self._thaw(Freeze.SENSOR_LOST, say.SENSOR_BACK)

    def tick(self) -> None:
        """Move on when a phase's time is up; ask whether anyone is there after a long quiet."""
        now = self.clock()
        v = self.view
        if v.still_there:
            if now - self._frozen_at >= self.s.end_after_prompt_s:
                v.frozen.discard(Freeze.STILL_THERE)
                self._frozen_at = None
                self._finish_exercise(self._cut_short(), end_session="partial", to_idle=True)
            return
        if self._frozen_at is not None:
            return
        self._settle_count()
        if self.speaking():
            self._last_activity = now  # while the kiosk talks, the person listening is not gone
        if v.phase in SESSION_PHASES and now - self._last_activity >= self.s.still_there_after_s:
            self._freeze(Freeze.STILL_THERE, Cue(Kind.STILL_THERE, say.STILL_THERE))
            return
        if self._voice_wait is not None:
            since, seconds = self._voice_wait
            # words not yet taken by the window count as being said: they have not even started
            if (self._cues or self.speaking()) and now - since < VOICE_WAIT_MAX_S:
                self._deadline = max(self._deadline or now, now + seconds)  # its clock has not started yet
                v.remaining_s = self._deadline - now
                return
            self._voice_wait = None
        v.remaining_s = max(0.0, self._deadline - now) if self._deadline is not None else 0.0
        if self._deadline is None or now < self._deadline:
            return
        timeout = _PHASE_STEPS[v.phase].timeout
        if timeout:
            getattr(self, timeout)()

    def interrupt(self) -> None:
        """The kiosk failed around the routine: keep what was done, mark the session interrupted, go home."""
        if self.view.phase in SESSION_PHASES:
            self._finish_exercise(self._cut_short(), end_session="interrupted", to_idle=True)
        elif self.view.phase == SUMMARY:
            self._go_idle()

    def take_cues(self) -> list[Cue]:
        cues_, self._cues = self._cues, []
        return cues_

    # -- commands ----------------------------------------------------------------------------
    def _on_start(self, value: int | None) -> None:
        v = self.view
        if v.phase in (IDLE, SUMMARY):
            self._start_session()
        elif v.paused:
            self._on_resume(value)

    def _on_next(self, value: int | None) -> None:
        """The 'next' button: start, or cut a wait short."""
        v = self.view
        if v.paused:
            return
        if v.phase in (IDLE, SUMMARY):
            self._start_session()
        elif v.phase == INTRO:
            self._enter_calibrate()
        elif v.phase in (SWITCH, REST):
            self._take_step()
        elif v.phase == DONE:
            self._after_done()

    def _on_pause(self, value: int | None) -> None:
        if self.view.paused:
            self._on_resume(value)  # every one of start, pause and resume ends a pause
        elif self.view.phase in SESSION_PHASES:
            self._freeze(Freeze.PAUSED, Cue(Kind.PAUSE, say.PAUSED))

    def _on_resume(self, value: int | None) -> None:
        if self.view.paused:
            self._thaw(Freeze.PAUSED, say.CARRY_ON)

    def _on_skip(self, value: int | None) -> None:
        v = self.view
        if v.paused or v.phase not in SESSION_PHASES:
            return
        if (v.phase == REST and self._result is None) or v.phase == DONE:
            self._take_step() if v.phase == REST else self._after_done()  # nothing left to skip but the wait
            return
        if v.phase in HOLD_PHASES and v.exercise.detect == "hold" and not v.skip_ask:
            self._freeze(Freeze.SKIP_ASK, Cue(Kind.INFO, say.skip_ask(v.exercise.name)))
            return
        self._unfreeze_all()
        self._say(Cue(Kind.INFO, say.skipping(v.exercise.name)))
        self._finish_exercise("skipped")

    def _on_repeat(self, value: int | None) -> None:
        v = self.view
        if v.paused or v.phase not in SESSION_PHASES:
            return
        self._say(Cue(Kind.INFO, say.again(v.exercise.name)))
        self._enter_intro()

    def _on_stop(self, value: int | None) -> None:
        if self.view.phase in SESSION_PHASES:
            self._finish_exercise(self._cut_short(), end_session="partial")

    def _on_cancel(self, value: int | None) -> None:
        """Close a question without an answer: the routine carries on where it stood."""
        if self.view.pain_prompt:
            self._thaw(Freeze.PAIN_PROMPT, say.CARRY_ON)
        elif self.view.skip_ask:
            self._thaw(Freeze.SKIP_ASK, say.CARRY_ON)

    def _on_home(self, value: int | None) -> None:
        """Done on the summary: back to the start screen (the end check-in stays unanswered)."""
        if self.view.phase == SUMMARY:
            self._go_idle()

    def _on_pain(self, value: int | None) -> None:
        """Pain mid-routine ("it hurts": the routine waits for a score) or at the end, 0 to 10."""
        v = self.view
        if value is None:
            if v.phase in SESSION_PHASES and not v.pain_prompt:
                self._freeze(Freeze.PAIN_PROMPT, Cue(Kind.PAIN, say.PAIN_ASK))
            return
        if not 0 <= value <= 10:
            raise CommandError("pain must be a whole number from 0 to 10")
        if v.phase in SESSION_PHASES:  # "it hurts": kept apart from the end check-in
            v.pain_during = value if v.pain_during is None else max(v.pain_during, value)
            self._save_pain(v.pain_during, during=True)
            if value >= self.s.pain_stop_at:
                self._finish_exercise(self._cut_short(), end_session="stopped_pain")
            elif v.pain_prompt:
                self._thaw(Freeze.PAIN_PROMPT, say.PAIN_GENTLY)
        elif v.phase == SUMMARY and v.pain is None and v.session_status != "stopped_pain":
            v.pain = value
            self._save_pain(value, during=False)
            self._say(Cue(Kind.INFO, say.THANK_YOU))

    def _save_pain(self, value: int, during: bool) -> None:
        if self.history and self._session is not None:
            self.history.set_pain(self._session, value, during=during)

    # -- sessions and exercises ------------------------------------------------------------
    def _start_session(self) -> None:
        v = self.view
        v.results, v.pain, v.pain_during, v.session_status, v.just_done = [], None, None, "in_progress", None
        v.exercise_index = 0
        if self.history:
            self._session = self.history.begin_session(self._now_text(), self.routine.settings.name)
        _log.info("session started")
        self._enter_intro()

    def _enter_intro(self) -> None:
        v = self.view
        ex = self.routine.exercises[v.exercise_index]
        v.exercise, v.set_index, v.reps, v.rep_sizes, v.holds_done, v.just_done = ex, 0, 0, [], 0, None
        v.reps_sure = True
        v.reps_target = ex.reps if ex.detect == "reps" else 0
        v.holds_wanted = ex.holds_wanted if ex.detect == "hold" else 0
        v.hold_target = ex.hold_s if ex.detect == "hold" else 0.0
        v.hold_seconds, v.holding, v.hold_complete, v.side, v.calibration = 0.0, False, False, None, ""
        self._stale_hold = False  # a new exercise: new detectors
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
        self._say(Cue(Kind.INTRO, say.intro(ex.name, ex.instructions)))

    def _enter_calibrate(self) -> None:
        self._calibrate_tries += 1
        self.motion.calibrate()
        self._enter(CALIBRATE, self.s.calibrate_timeout_s)
        self._say(Cue(Kind.POSITION, say.GET_INTO_POSITION if self._calibrate_tries == 1 else say.KEEP_STILL_LONGER))

    def _calibration_timed_out(self) -> None:
        if self._calibrate_tries < 2:
            self._enter_calibrate()
            return
        self.motion.calibrate(force=True)  # carry on from where the body is now
        self._calibrated("forced")

    def _calibrated(self, quality: str) -> None:
        v = self.view
        v.calibration = self._result.calibration = quality
        self._say(Cue(Kind.READY, say.READY))
        if v.exercise.detect == "reps":
            self._enter(ACTIVE)
            self._say(Cue(Kind.INFO, say.reps_begin(v.reps_target)))
        else:
            self._enter_countdown()

    def _enter_countdown(self, side: str | None = None) -> None:
        v = self.view
        v.side = side or self._next_side()
        v.hold_seconds, v.holding, v.hold_complete = 0.0, False, False
        v.countdown, self._countdown_left = 0, self.s.countdown_s
        self._say(Cue(Kind.POSITION, say.hold_move(v.exercise.motion, v.side)))
        self._enter(COUNTDOWN, 1.0 if self._countdown_left else 0.0)

    def _count_down(self) -> None:
        v = self.view
        if self._countdown_left > 0:
            v.countdown = self._countdown_left
            self._say(Cue(Kind.COUNTDOWN, say.count(v.countdown)))
            self._countdown_left -= 1
            self._deadline = self.clock() + 1.0
            self._voice_wait = (self.clock(), 0.0)  # a second apart, and never before the last number is heard
            return
        # A hold whose count is already running is not told to begin (its "10 seconds" would come too soon after)
        self._say(Cue(Kind.HOLD, say.HOLDING if v.holding and v.hold_seconds >= 1 else say.HOLD))
        # already in position: the hold runs on; otherwise one that never starts times out into a retry
        self._enter(ACTIVE, None if v.holding else COME_BACK_S * 3)

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
        elif v.exercise is not None and v.exercise.detect == "hold" and v.phase in HOLD_PHASES:
            self._hold_event(e)
        elif isinstance(e, HoldEnded) and self._stale_hold:
            self._stale_hold = False  # the recorded hold's end, after the routine moved on

    def _rep(self, e: RepCounted) -> None:
        """A rep is shown at once; it is said (and the set may end) once the second counter has had its say."""
        v = self.view
        self._settle_count(force=True)  # one still waiting is said as it stands
        if v.phase != ACTIVE:
            return  # that count was the set's last: this rep came after the set was done
        v.reps += 1
        v.rep_sizes = ([*v.rep_sizes, e.amplitude_deg])[-8:]
        self._result.reps_done += 1
        self._result.range_deg = max(self._result.range_deg, e.amplitude_deg)
        self._count_until = self.clock() + CONFIRM_S
        self._settle_count()

    def _settle_count(self, force: bool = False) -> None:
        """Say the count waiting for its verdict: sure as soon as both counters agree, "about" if they
        still do not after CONFIRM_S (a second counter may complete a rep a moment later: the tilt's at rest)."""
        v = self.view
        if self._count_until is None or v.phase != ACTIVE or v.exercise is None or v.exercise.detect != "reps":
            self._count_until = None
            return
        sure = self.motion.state.confidence == "high"
        if not (sure or force or self.clock() >= self._count_until):
            return
        self._count_until = None
        self._result.confidence = self.motion.state.confidence
        v.reps_sure = sure
        self._say(Cue(Kind.COUNT, say.count(v.reps, v.reps_sure)))
        if v.reps < v.reps_target:
            return
        v.set_index += 1
        if v.set_index < v.exercise.sets:
            self._say(Cue(Kind.DONE, say.set_done(v.set_index)))
            self._rest(v.exercise.rest_between_sets_s, Step.NEXT_SET)
        else:
            self._enter_done()

    def _next_set(self) -> None:
        self.view.reps = 0
        self._enter(ACTIVE)
        self._say(Cue(Kind.INFO, say.reps_begin(self.view.reps_target)))

    def _hold_event(self, e: MotionEvent) -> None:
        """One hold's events. The countdown is never cut short: a hold that begins during it runs on."""
        v = self.view
        if self._stale_hold:
            self._stale_hold = not isinstance(e, HoldEnded)  # the recorded hold, still going: not this one
            return
        if isinstance(e, HoldStarted):
            v.holding, v.hold_complete, v.hold_seconds = True, False, 0.0
            if v.side and e.side and e.side != v.side:
                self._say(Cue(Kind.INFO, say.wrong_side(e.side)))
                v.side = e.side
            if v.phase == ACTIVE:
                self._deadline = None
        elif isinstance(e, HoldProgress):
            # The count may move on by more than a second (to where the body arrived): what any second passed says
            crossed = range(int(v.hold_seconds) + 1, int(e.seconds) + 1)
            v.hold_seconds = e.seconds
            words = [w for second in crossed if (w := say.progress(second, v.hold_target))]
            if words and not v.hold_complete:
                self._say(Cue(Kind.PROGRESS, words[-1]))
        elif isinstance(e, HoldCompleted):
            v.hold_seconds, v.hold_complete = e.seconds, True
            self._say(Cue(Kind.DONE, say.RELAX))
            if v.phase == ACTIVE:
                self._deadline = self.clock() + COME_BACK_S
        elif isinstance(e, HoldBroken):
            self._say(Cue(Kind.BROKEN, say.HOLD_BROKEN))
        elif isinstance(e, HoldEnded):
            self._hold_ended(e)

    def _hold_ended(self, e: HoldEnded) -> None:
        v = self.view
        v.holding = v.hold_complete = False
        self._result.holds.append(HoldRecord(e.side, round(e.seconds, 1), e.completed))
        self._result.range_deg = max(self._result.range_deg, e.peak_deg)
        if e.completed:
            v.holds_done += 1
            self._retries = 0
        else:
            self._retries += 1
            if self._retries <= self.s.max_hold_retries:
                self._rest(RETRY_PAUSE_S, Step.RETRY_HOLD, words="")
                return
            self._retries = 0
            v.holds_done += 1  # tried enough: move on, the record says it was broken
        self._after_hold()

    def _hold_wait_over(self) -> None:
        """A hold that never started, or a person who has not relaxed after a completed one."""
        v = self.view
        if v.exercise.detect != "hold":
            return
        if v.hold_complete:  # still in the stretch: a clear prompt, then the hold is recorded and we move on
            self._say(Cue(Kind.DONE, say.RELAX_NOW))
            self._result.holds.append(HoldRecord(v.side, round(v.hold_seconds, 1), True))
            v.holds_done += 1
            v.holding = v.hold_complete = False
            self._stale_hold = True  # its events are ignored until the detector ends it
            self._retries = 0
            self._after_hold()
        else:
            self._say(Cue(Kind.BROKEN, say.TRY_AGAIN))
            self._enter_countdown()

    def _after_hold(self) -> None:
        v = self.view
        if v.holds_done >= v.holds_wanted:
            self._enter_done()
            return
        next_side = self._next_side()
        if next_side and next_side != v.side:
            self._enter(SWITCH, SWITCH_S)
            self._step = Step.NEXT_HOLD
            v.side = next_side
            self._say(Cue(Kind.SWITCH, say.switch_to(next_side)))
        else:
            self._rest(v.exercise.rest_between_sets_s, Step.NEXT_HOLD)

    # -- rests, steps and endings --------------------------------------------------------------
    def _rest(self, seconds: float, step: Step, words: str = say.REST) -> None:
        """A rest within the exercise (between sets or holds): what comes next is more of it."""
        self.view.next_name = self.view.exercise.name
        self._enter(REST, seconds)
        self._step = step
        if words:
            self._say(Cue(Kind.REST, words))

    def _take_step(self) -> None:
        """The end of a rest or a side switch: on to what it was leading to."""
        step, self._step = self._step, None
        if step == Step.NEXT_EXERCISE:
            self._enter_intro()
        elif step == Step.NEXT_SET:
            self._next_set()
        elif step == Step.NEXT_HOLD:
            self._enter_countdown()
        elif step == Step.RETRY_HOLD:
            self._enter_countdown(self.view.side)

    def _enter_done(self) -> None:
        """Every rep or hold is in: the count stays up in full for a moment, with a chime and praise."""
        self._enter(DONE, DONE_S)
        self._say(Cue(Kind.WELL_DONE, say.WELL_DONE))

    def _after_done(self) -> None:
        self._finish_exercise("completed")

    def _cut_short(self) -> str:
        """The status of an exercise the session ends in: all done if its success moment was showing."""
        return "completed" if self.view.phase == DONE else "partial"

    def _finish_exercise(self, status: str, end_session: str = "", to_idle: bool = False) -> None:
        """Record the exercise in progress; then on to the next one, or end the session with end_session.

        An exercise stopped before anything was done (no rep, no hold) leaves no result: a 0-rep
        "partial" would say the person tried it.
        """
        v = self.view
        r = self._result
        if r is not None and (status != "partial" or r.reps_done or r.holds):
            if status == "completed" and r.detect == "hold" and r.holds_completed < r.holds_wanted:
                status = "partial"  # every hold was tried, but one gave way after its retries
            r.status = status
            r.duration_s = round(self.clock() - self._started, 1)
            v.results.append(r)
            v.just_done = r
            if self.history and self._session is not None:
                self.history.add_result(self._session, r)
        self._result = None
        self._unfreeze_all()
        if end_session:
            self._end_session(end_session, to_idle)
            return
        if v.exercise_index + 1 < len(self.routine.exercises):
            v.exercise_index += 1
            nxt = self.routine.exercises[v.exercise_index]
            v.next_name = nxt.name
            self._enter(REST, self.s.rest_between_exercises_s)
            self._step = Step.NEXT_EXERCISE
            self._say(Cue(Kind.REST, say.rest_next(nxt.name)))
        else:
            self._end_session("completed")

    def _end_session(self, status: str, to_idle: bool = False) -> None:
        v = self.view
        v.session_status = status
        self._frozen_at = None  # nothing of the session is left to freeze; a lost sensor stays shown
        if self.history and self._session is not None:
            self.history.end_session(self._session, self._now_text(), status)
        _log.info("session ended: %s, %d exercise(s)", status, len(v.results))
        if status == "completed":
            self._say(Cue(Kind.WELL_DONE, say.ROUTINE_DONE))
        elif status == "stopped_pain":
            self._say(Cue(Kind.STOP, say.PAIN_STOP))
        else:
            self._say(Cue(Kind.STOP, say.SESSION_SAVED))
        if to_idle:
            self._go_idle()
            return
        self._enter(SUMMARY, SUMMARY_S)
        if status != "stopped_pain":  # the score was just given; the advice is the last word
            self._say(Cue(Kind.PAIN, say.END_ASK))

    def _go_idle(self) -> None:
        self._session = None
        self._enter(IDLE)

    # -- plumbing ----------------------------------------------------------------------------
    def _enter(self, phase: Phase, seconds: float | None = None) -> None:
        leave = _PHASE_STEPS[self.view.phase].leave
        if leave:
            getattr(self, leave)()
        self.view.phase = phase
        self._deadline = self.clock() + seconds if seconds is not None else None
        self._voice_wait = (self.clock(), seconds) if phase in WAIT_FOR_VOICE and seconds is not None else None
        self.view.remaining_s = seconds or 0.0
        enter = _PHASE_STEPS[phase].enter
        if enter:
            getattr(self, enter)()

    def _enter_idle(self) -> None:
        self.view.exercise = None
        self._step = None

    def _freeze(self, reason: Freeze, cue: Cue | None) -> None:
        self.view.frozen.add(reason)
        if self._frozen_at is None:
            self._frozen_at = self.clock()
        if cue is not None:
            self._say(cue)

    def _thaw(self, reason: Freeze, words: str) -> None:
        """One reason is gone; when it was the last, the phase's clock runs again from where it stood."""
        v = self.view
        v.frozen.discard(reason)
        if v.frozen or self._frozen_at is None:
            return
        now = self.clock()
        if self._deadline is not None:
            self._deadline += now - self._frozen_at
        self._frozen_at = None
        self._last_activity = now
        self._say(Cue(Kind.RESUME, words))

    def _unfreeze_all(self) -> None:
        """The interrupted step is over (the exercise ended): whatever held it goes, but a lost sensor stays."""
        self.view.frozen &= {Freeze.SENSOR_LOST}
        if not self.view.frozen:
            self._frozen_at = None

    def _say(self, cue: Cue) -> None:
        self.view.message = cue.words
        self._cues.append(cue)

    def _now_text(self) -> str:
        return self.wall_clock().isoformat(timespec="seconds")
