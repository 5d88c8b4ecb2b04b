"""Whole sessions driven by scripted motion events and a fake clock: no sensor, no waiting."""

from pathlib import Path

import pytest

from backstretch.kiosk import phrases
from backstretch.kiosk.engine import (
    ACTIVE,
    CALIBRATE,
    COUNTDOWN,
    DONE,
    IDLE,
    INTRO,
    REST,
    SUMMARY,
    SWITCH,
    RoutineEngine,
)
from backstretch.kiosk.history import History
from backstretch.kiosk.motion.events import (
    Calibrated,
    HoldBroken,
    HoldCompleted,
    HoldEnded,
    HoldProgress,
    HoldStarted,
    RepCounted,
)
from backstretch.kiosk.motion.pipeline import MotionState
from backstretch.kiosk.routine import load_routine

ROUTINE = Path(__file__).parents[1] / "data" / "routines" / "quick.toml"


class FakeMotion:
    def __init__(self):
        self.state = MotionState()
        self.switched = []
        self.calibrations = []

    def switch(self, params):
        self.switched.append(params)

    def calibrate(self, force=False):
        self.calibrations.append(force)


class Kiosk:
    """An engine with a fake clock, a fake motion pipeline and a real history database."""

    def __init__(self, tmp_path, clock):
        self.clock = clock
        self.motion = FakeMotion()
        self.history = History(tmp_path / "h.sqlite3")
        self.engine = RoutineEngine(load_routine(ROUTINE), clock, self.motion, self.history)
        self.said = []

    @property
    def phase(self):
        return self.engine.view.phase

    def wait(self, seconds, step=0.25):
        for _ in range(int(seconds / step)):
            self.clock.advance(step)
            self.engine.tick()
            self.said += [c.words for c in self.engine.take_cues()]

    def events(self, *events):
        self.engine.handle(list(events))
        self.said += [c.words for c in self.engine.take_cues()]

    def command(self, name, value=None):
        self.engine.command(name, value)
        self.said += [c.words for c in self.engine.take_cues()]

    def calibrate(self):
        self.wait(5.25)  # the intro
        assert self.phase == CALIBRATE
        self.events(Calibrated(self.clock.t, "good", 0.4))

    def reps(self, n):
        for _ in range(n):
            self.wait(3)
            self.events(RepCounted(self.clock.t, 1, self.clock.t - 2, 9.0, self.clock.t - 1))

    def hold_to_target(self, side):
        """A hold that reaches its 10 s target and is not let go yet."""
        self.events(HoldStarted(self.clock.t, side))
        for s in range(1, 11):
            self.wait(1)
            self.events(HoldProgress(self.clock.t, side, float(s)))
        self.events(HoldCompleted(self.clock.t, side, 10.0))

    def hold(self, side, seconds=11, completed=True):
        t0 = self.clock.t
        self.events(HoldStarted(t0, side))
        for s in range(1, int(seconds) + 1):
            self.wait(1)
            self.events(HoldProgress(self.clock.t, side, float(s)))
            if s == 10 and completed:
                self.events(HoldCompleted(self.clock.t, side, 10.0))
        if not completed:
            self.events(HoldBroken(self.clock.t, side, float(seconds)))
        self.wait(2)
        self.events(HoldEnded(self.clock.t, side, t0, self.clock.t - 2, float(seconds), completed, 40.0))

    def done(self):
        """The exercise's success moment, then on."""
        assert self.phase == DONE
        self.wait(3.25)

    def countdown_then_hold(self, side, **kw):
        assert self.phase == COUNTDOWN
        self.wait(3.25)
        self.wait(1.0)
        assert self.phase == ACTIVE
        self.hold(side, **kw)


@pytest.fixture
def kiosk(tmp_path, clock):
    k = Kiosk(tmp_path, clock)
    yield k
    k.history.close()


def test_a_perfect_session(kiosk):
    kiosk.command("start")
    assert kiosk.phase == INTRO and kiosk.said[-1] == "Pelvic tilt. Lie on your back, knees bent."
    kiosk.calibrate()
    assert kiosk.phase == ACTIVE
    kiosk.reps(3)
    assert kiosk.said[-4:] == ["1", "2", "3", "Well done."]
    kiosk.done()
    assert kiosk.said[-1] == "Rest. Next: Spinal twist."
    assert kiosk.phase == REST
    kiosk.wait(10.25)
    kiosk.calibrate()
    assert kiosk.said[-1] == "Lower your knees to the left."
    kiosk.countdown_then_hold("left")
    assert [w for w in kiosk.said if w in ("3", "2", "1", "Hold.")][-4:] == ["3", "2", "1", "Hold."]
    assert "10 seconds" not in kiosk.said  # a 10 s hold is announced at 5 to go, not at its end
    assert "5 more seconds" in kiosk.said
    assert kiosk.phase == SWITCH and kiosk.said[-1] == "Switch to the right side."
    kiosk.wait(4.25)
    kiosk.countdown_then_hold("right")
    kiosk.done()
    assert kiosk.phase == REST
    kiosk.wait(10.25)
    kiosk.calibrate()
    assert kiosk.said[-1] == "Lean back over the ball."
    kiosk.countdown_then_hold(None)
    kiosk.done()
    assert kiosk.phase == SUMMARY
    assert "That's the routine. Well done!" in kiosk.said
    kiosk.command("pain", 2)
    [session] = kiosk.history.sessions()
    assert session.status == "completed" and session.pain == 2
    assert [(r.exercise_id, r.status) for r in session.results] == [
        ("pelvic_tilt", "completed"),
        ("spinal_twist", "completed"),
        ("swiss_ball", "completed"),
    ]
    assert session.results[0].reps_done == 3 and session.results[0].range_deg == 9.0
    assert session.results[1].seconds_on("left") == 11 and session.results[1].seconds_on("right") == 11
    assert [p.exercise for p in kiosk.motion.switched] == ["pelvic_tilt", "spinal_twist", "swiss_ball"]
    kiosk.wait(91)
    assert kiosk.phase == IDLE


def test_a_count_the_two_counters_disagree_on_is_said_as_about(kiosk):
    kiosk.command("start")
    kiosk.calibrate()
    kiosk.reps(1)
    kiosk.motion.state.confidence = "low"
    kiosk.reps(2)
    assert kiosk.said[-1] == "about 2" and kiosk.phase == ACTIVE  # 3 is shown, its verdict not in yet
    kiosk.wait(1.5)
    assert kiosk.said[-3:] == ["about 2", "about 3", "Well done."]
    assert not kiosk.engine.view.reps_sure
    kiosk.done()
    result = kiosk.engine.view.results[-1]
    assert result.confidence == "low" and phrases.result_line(result).startswith("about 3 of 3 reps")


def test_a_count_is_said_plainly_once_the_second_counter_catches_up(kiosk):
    """The second counter finishes a rep when the body is back at rest, a moment after the first."""
    kiosk.command("start")
    kiosk.calibrate()
    kiosk.motion.state.confidence = "low"
    kiosk.reps(1)
    assert kiosk.engine.view.reps == 1 and not {"1", "about 1"} & set(kiosk.said)  # shown, not said yet
    kiosk.wait(0.5)
    kiosk.motion.state.confidence = "high"
    kiosk.events()
    assert kiosk.said[-1] == "1" and kiosk.engine.view.reps_sure


def test_a_rep_straight_after_the_last_one_while_its_count_waits_is_not_added_to_the_finished_set(kiosk):
    """The last rep's count waits for the second counter; a rep that comes first says it and ends the set."""
    kiosk.command("start")
    kiosk.calibrate()
    kiosk.motion.state.confidence = "low"
    kiosk.reps(3)
    kiosk.events(RepCounted(kiosk.clock.t, 4, kiosk.clock.t - 0.5, 9.0, kiosk.clock.t - 0.3))
    assert kiosk.phase == DONE and kiosk.engine.view.reps == 3 and kiosk.said[-2:] == ["about 3", "Well done."]
    kiosk.done()
    assert kiosk.engine.view.results[-1].reps_done == 3


def to_twist(kiosk):
    kiosk.command("start")
    kiosk.calibrate()
    kiosk.reps(3)
    kiosk.done()
    kiosk.wait(10.25)
    kiosk.calibrate()


def test_a_broken_hold_is_tried_again(kiosk):
    to_twist(kiosk)
    kiosk.countdown_then_hold("left", seconds=4, completed=False)
    assert "Hold broken. Back into the stretch." in kiosk.said
    kiosk.wait(2.25)
    assert kiosk.phase == COUNTDOWN and kiosk.engine.view.side == "left"
    kiosk.countdown_then_hold("left")
    assert kiosk.phase == SWITCH and kiosk.engine.view.side == "right"


def test_a_hold_broken_after_its_retries_leaves_the_exercise_partial(kiosk):
    to_twist(kiosk)
    for _ in range(2):  # max_hold_retries = 1: the first try and one retry
        kiosk.countdown_then_hold("left", seconds=4, completed=False)
        kiosk.wait(2.25)
    assert kiosk.phase == SWITCH and kiosk.engine.view.side == "right"
    kiosk.wait(4.25)
    kiosk.countdown_then_hold("right")
    kiosk.done()
    result = kiosk.engine.view.results[-1]
    assert result.status == "partial" and result.holds_completed == 1 and len(result.holds) == 3


def test_a_person_who_stays_in_a_completed_hold_is_told_to_relax_and_the_next_hold_starts_at_zero(kiosk):
    to_twist(kiosk)
    kiosk.wait(4.25)
    kiosk.hold_to_target("left")
    kiosk.wait(12.5)
    assert kiosk.phase == SWITCH and phrases.RELAX_NOW in kiosk.said
    kiosk.wait(4.25)
    assert kiosk.phase == COUNTDOWN
    kiosk.events(HoldProgress(kiosk.clock.t, "left", 27.0))  # the old hold, still going: not this one
    view = kiosk.engine.view
    assert view.hold_seconds == 0 and not view.holding and not view.hold_complete
    kiosk.events(HoldEnded(kiosk.clock.t, "left", 0, kiosk.clock.t, 27.0, True, 40.0))  # late: not twice
    assert len(kiosk.engine._result.holds) == 1
    kiosk.events(HoldStarted(kiosk.clock.t, "right"), HoldProgress(kiosk.clock.t + 1, "right", 1.0))
    assert view.holding and view.hold_seconds == 1


def test_a_count_moved_on_past_a_spoken_second_still_says_it(kiosk):
    """The timer moves its count to where the body arrived, which may pass a second with words of its own."""
    to_twist(kiosk)
    kiosk.wait(4.25)
    kiosk.events(HoldStarted(kiosk.clock.t, "left"))
    for s in (1.0, 2.0, 3.0, 4.0, 6.0):  # 5 passed over: five seconds left of the 10
        kiosk.wait(1)
        kiosk.events(HoldProgress(kiosk.clock.t, "left", s))
    assert kiosk.said.count(phrases.FIVE_MORE) == 1 and kiosk.engine.view.hold_seconds == 6


def test_a_completed_hold_is_shown_done_until_the_person_relaxes(kiosk):
    to_twist(kiosk)
    kiosk.wait(4.25)
    kiosk.hold_to_target("left")
    view = kiosk.engine.view
    assert view.hold_complete and kiosk.said[-1] == phrases.RELAX
    kiosk.events(HoldProgress(kiosk.clock.t + 1, "left", 11.0))
    assert view.hold_complete and view.hold_seconds == 11  # shown done; the seconds held are the true ones
    kiosk.wait(2)
    kiosk.events(HoldEnded(kiosk.clock.t, "left", 0, kiosk.clock.t, 11.0, True, 40.0))
    assert kiosk.phase == SWITCH and view.holds_done == 1


def test_a_countdown_is_never_cut_short(kiosk):
    to_twist(kiosk)
    kiosk.said.clear()
    kiosk.wait(1.25)  # "3"
    kiosk.events(HoldStarted(kiosk.clock.t, "left"))  # in position early
    assert kiosk.phase == COUNTDOWN and kiosk.engine.view.holding
    kiosk.wait(3.25)
    assert [w for w in kiosk.said if w in ("3", "2", "1", "Hold.")] == ["3", "2", "1", "Hold."]
    assert kiosk.phase == ACTIVE and kiosk.engine._deadline is None  # the hold is running: no retry timer


def test_a_hold_counting_when_the_countdown_ends_is_told_to_keep_going_not_to_begin(kiosk):
    to_twist(kiosk)
    kiosk.said.clear()
    kiosk.events(HoldStarted(kiosk.clock.t, "left"))  # in position as soon as asked
    kiosk.wait(2.25)
    kiosk.events(HoldProgress(kiosk.clock.t, "left", 1.0), HoldProgress(kiosk.clock.t, "left", 2.0))
    kiosk.wait(2.25)
    assert kiosk.phase == ACTIVE
    assert phrases.HOLDING in kiosk.said and phrases.HOLD not in kiosk.said


class Voice:
    """The window's voice as the engine sees it: busy until told it has finished."""

    def __init__(self):
        self.busy = False

    def __call__(self):
        return self.busy


def test_an_intro_lasts_until_its_words_are_said_then_its_own_time(kiosk):
    voice = kiosk.engine.speaking = Voice()
    kiosk.command("start")
    voice.busy = True  # a long intro, still being said
    kiosk.wait(20)
    assert kiosk.phase == INTRO and kiosk.engine.view.remaining_s == 5
    voice.busy = False
    kiosk.wait(4.5)
    assert kiosk.phase == INTRO  # its 5 s start only now
    kiosk.wait(1)
    assert kiosk.phase == CALIBRATE


def test_an_intro_waits_for_words_the_window_has_not_taken_yet(kiosk):
    voice = kiosk.engine.speaking = Voice()
    kiosk.engine.command("start")
    kiosk.clock.advance(0.25)
    kiosk.engine.tick()  # in the same frame, before the window hands the intro to the voice
    kiosk.said += [c.words for c in kiosk.engine.take_cues()]
    voice.busy = True
    kiosk.wait(20)
    assert kiosk.phase == INTRO


def test_the_countdown_starts_after_the_words_that_say_where_to_go(kiosk):
    voice = kiosk.engine.speaking = Voice()
    to_twist(kiosk)
    assert kiosk.phase == COUNTDOWN and kiosk.said[-1] == "Lower your knees to the left."
    kiosk.said.clear()
    voice.busy = True  # "Ready." and "Lower your knees to the left." are still being said
    kiosk.wait(5)
    assert kiosk.said == [] and kiosk.engine.view.countdown == 0
    voice.busy = False
    kiosk.wait(4.25)
    assert kiosk.said == ["3", "2", "1", "Hold."]


def test_each_countdown_number_waits_for_words_that_came_between(kiosk):
    voice = kiosk.engine.speaking = Voice()
    to_twist(kiosk)
    kiosk.wait(1.0)
    assert kiosk.said[-1] == "3"
    voice.busy = True  # the 3, then "That's your right side. It counts." are being said
    kiosk.said.clear()
    kiosk.wait(3)
    assert kiosk.said == [] and kiosk.engine.view.countdown == 3
    voice.busy = False
    kiosk.wait(0.25)
    assert kiosk.said == ["2"]
    kiosk.wait(2.25)
    assert kiosk.said == ["2", "1", "Hold."]  # a second apart again


def test_a_stuck_voice_holds_a_phase_only_so_long(kiosk):
    kiosk.engine.speaking = lambda: True
    kiosk.command("start")
    kiosk.wait(40)
    assert kiosk.phase == CALIBRATE


def test_every_exercise_ends_with_its_full_count_shown(kiosk):
    kiosk.command("start")
    kiosk.calibrate()
    kiosk.reps(3)
    view = kiosk.engine.view
    assert kiosk.phase == DONE and view.reps == 3 and kiosk.said[-1] == "Well done."
    kiosk.done()
    assert kiosk.phase == REST and view.just_done.name == "Pelvic tilt" and view.just_done.reps_done == 3


def test_the_wrong_side_first_counts_and_the_other_side_is_asked_next(kiosk):
    to_twist(kiosk)
    kiosk.countdown_then_hold("right")
    assert "That's your right side. It counts." in kiosk.said
    assert kiosk.said[-1] == "Switch to the left side."
    kiosk.wait(4.25)
    kiosk.countdown_then_hold("left")
    kiosk.done()
    result = kiosk.engine.view.results[-1]
    assert [h.side for h in result.holds] == ["right", "left"] and result.status == "completed"


def test_pause_freezes_the_rest_and_resume_gives_it_back(kiosk):
    kiosk.command("start")
    kiosk.calibrate()
    kiosk.reps(3)
    kiosk.done()
    kiosk.wait(4)
    kiosk.command("pause")
    assert kiosk.engine.view.paused and kiosk.said[-1] == "Paused. Tap to carry on."
    kiosk.wait(300)
    assert kiosk.phase == REST and not kiosk.engine.view.still_there
    kiosk.command("resume")
    kiosk.wait(5.5)
    assert kiosk.phase == REST
    kiosk.wait(1)
    assert kiosk.phase == INTRO and kiosk.engine.view.exercise.id == "spinal_twist"


def test_skip_during_a_hold_asks_before_skipping_the_whole_exercise(kiosk):
    to_twist(kiosk)
    kiosk.command("skip")
    assert kiosk.engine.view.skip_ask and kiosk.said[-1] == "Skip the whole Spinal twist?"
    kiosk.wait(30)
    assert kiosk.phase == COUNTDOWN  # frozen while asking
    kiosk.command("cancel")
    assert not kiosk.engine.view.skip_ask and kiosk.phase == COUNTDOWN
    kiosk.command("skip")
    kiosk.command("skip")
    assert kiosk.phase == REST and kiosk.engine.view.results[-1].status == "skipped"
    assert not kiosk.engine.view.frozen


def test_skip_records_the_exercise_as_skipped(kiosk):
    kiosk.command("start")
    kiosk.command("skip")
    assert kiosk.phase == REST and kiosk.engine.view.results[0].status == "skipped"
    kiosk.command("next")  # cut the rest short
    assert kiosk.phase == INTRO and kiosk.engine.view.exercise.id == "spinal_twist"


def test_skip_during_the_rest_between_exercises_only_ends_the_rest(kiosk):
    kiosk.command("start")
    kiosk.calibrate()
    kiosk.reps(3)
    kiosk.done()
    assert kiosk.phase == REST
    kiosk.command("skip")
    assert kiosk.phase == INTRO and kiosk.engine.view.exercise.id == "spinal_twist"
    assert [r.status for r in kiosk.engine.view.results] == ["completed"]


def test_repeat_starts_the_exercise_again(kiosk):
    kiosk.command("start")
    kiosk.calibrate()
    kiosk.reps(2)
    kiosk.command("repeat")
    assert kiosk.phase == INTRO and kiosk.engine.view.reps == 0 and kiosk.engine.view.results == []


def test_walking_away_asks_then_saves_a_partial_session(kiosk):
    kiosk.command("start")
    kiosk.calibrate()
    kiosk.reps(1)
    kiosk.wait(60.25)
    assert kiosk.engine.view.still_there and kiosk.said[-1] == "Still there? Touch the screen to carry on."
    kiosk.wait(20.25)
    assert kiosk.phase == IDLE
    [session] = kiosk.history.sessions()
    assert session.status == "partial" and session.results[0].reps_done == 1


def test_a_touch_answers_still_there(kiosk):
    kiosk.command("start")
    kiosk.calibrate()
    kiosk.wait(61)
    kiosk.command("touch")
    assert not kiosk.engine.view.still_there and kiosk.phase == ACTIVE
    kiosk.reps(3)
    assert kiosk.phase == DONE


def test_sensor_lost_pauses_and_resumes_where_it_was(kiosk):
    kiosk.command("start")
    kiosk.calibrate()
    kiosk.reps(2)
    kiosk.engine.sensor(False)
    kiosk.said += [c.words for c in kiosk.engine.take_cues()]
    assert kiosk.said[-1] == "Sensor lost. Check the clip's cable."
    kiosk.wait(120)
    assert kiosk.phase == ACTIVE and kiosk.engine.view.sensor_lost and not kiosk.engine.view.still_there
    kiosk.engine.sensor(True)
    assert kiosk.engine.view.sensor_lost  # back only once it stays back
    kiosk.clock.advance(1.0)
    kiosk.engine.sensor(True)
    kiosk.said += [c.words for c in kiosk.engine.take_cues()]
    assert kiosk.said[-1] == "Sensor back. Carry on."
    kiosk.reps(1)
    kiosk.done()
    assert kiosk.engine.view.results[0].reps_done == 3


def test_a_flapping_cable_is_one_outage_said_once(kiosk):
    kiosk.command("start")
    kiosk.calibrate()
    kiosk.engine.take_cues()
    for _ in range(30):  # 30 s of a cable that connects for half a second, then fails again
        kiosk.engine.sensor(False)
        kiosk.clock.advance(0.5)
        kiosk.engine.sensor(True)
        kiosk.clock.advance(0.5)
    words = [c.words for c in kiosk.engine.take_cues()]
    assert words.count("Sensor lost. Check the clip's cable.") == 1 and "Sensor back. Carry on." not in words
    kiosk.clock.advance(1.0)
    kiosk.engine.sensor(True)
    kiosk.engine.sensor(False)  # lost again soon after: shown, not said again
    assert [c.words for c in kiosk.engine.take_cues()] == ["Sensor back. Carry on."]
    assert kiosk.engine.view.sensor_lost


def test_high_pain_mid_routine_stops_with_advice_and_asks_nothing_more(kiosk):
    kiosk.command("start")
    kiosk.calibrate()
    kiosk.reps(1)
    kiosk.command("pain", 8)
    assert kiosk.phase == SUMMARY
    assert kiosk.said[-1] == phrases.PAIN_STOP  # the advice is the last word, nothing speaks over it
    assert phrases.END_ASK not in kiosk.said
    view = kiosk.engine.view
    assert view.pain_during == 8 and view.pain is None
    [session] = kiosk.history.sessions()
    assert session.status == "stopped_pain" and session.pain_during == 8 and session.pain is None


def test_done_on_the_summary_goes_home(kiosk):
    kiosk.command("start")
    kiosk.calibrate()
    kiosk.reps(1)
    kiosk.command("stop")
    kiosk.command("home")
    assert kiosk.phase == IDLE and len(kiosk.history.sessions()) == 1


def test_cancel_on_it_hurts_carries_on(kiosk):
    kiosk.command("start")
    kiosk.calibrate()
    kiosk.command("pain")
    kiosk.command("cancel")
    view = kiosk.engine.view
    assert not view.pain_prompt and not view.frozen and kiosk.said[-1] == phrases.CARRY_ON
    kiosk.reps(3)
    assert kiosk.phase == DONE and view.pain_during is None


def test_mid_session_and_end_pain_scores_are_kept_apart(kiosk):
    kiosk.command("start")
    kiosk.calibrate()
    kiosk.command("pain")
    kiosk.command("pain", 3)
    kiosk.command("stop")
    view = kiosk.engine.view
    assert view.pain_during == 3 and view.pain is None and kiosk.said[-1] == phrases.END_ASK
    kiosk.command("pain", 1)
    assert view.pain == 1
    [session] = kiosk.history.sessions()
    assert (session.pain_during, session.pain) == (3, 1)


def test_stop_from_an_intro_saves_no_empty_result(kiosk):
    kiosk.command("start")
    kiosk.command("stop")
    assert kiosk.phase == SUMMARY and kiosk.engine.view.results == []
    assert kiosk.history.sessions()[0].results == []


def test_it_hurts_asks_for_a_score_and_a_low_one_carries_on(kiosk):
    kiosk.command("start")
    kiosk.calibrate()
    kiosk.reps(1)
    kiosk.command("pain")
    assert kiosk.engine.view.pain_prompt and kiosk.said[-1] == "How bad is the pain? Tap a number from 0 to 10."
    kiosk.wait(200)
    kiosk.command("next")  # only a score (or stop) answers the question
    assert kiosk.engine.view.pain_prompt and not kiosk.engine.view.still_there
    kiosk.command("pain", 3)
    assert not kiosk.engine.view.pain_prompt and kiosk.phase == ACTIVE
    kiosk.reps(2)
    assert kiosk.phase == DONE and kiosk.history.sessions()[0].pain_during == 3


def test_it_hurts_with_a_high_score_stops_the_routine(kiosk):
    kiosk.command("start")
    kiosk.calibrate()
    kiosk.command("pain")
    kiosk.command("pain", 9)
    assert kiosk.phase == SUMMARY and not kiosk.engine.view.pain_prompt
    assert kiosk.history.sessions()[0].status == "stopped_pain"


def test_calibration_retries_once_then_carries_on(kiosk):
    kiosk.command("start")
    kiosk.wait(5.25)
    kiosk.wait(10)
    assert kiosk.said[-1] == "Keep still a moment longer." and kiosk.phase == CALIBRATE
    kiosk.wait(10)
    assert kiosk.phase == ACTIVE and kiosk.motion.calibrations == [False, False, True]
    assert kiosk.engine.view.calibration == "forced"


def test_stop_from_the_pause_screen_leaves_nothing_frozen(kiosk):
    kiosk.command("start")
    kiosk.calibrate()
    kiosk.command("pause")
    kiosk.command("stop")
    view = kiosk.engine.view
    assert kiosk.phase == SUMMARY and not view.paused and kiosk.engine._frozen_at is None
    kiosk.wait(91)
    assert kiosk.phase == IDLE


def test_stop_ends_the_session_as_partial(kiosk):
    kiosk.command("start")
    kiosk.calibrate()
    kiosk.reps(1)
    kiosk.command("stop")
    assert kiosk.phase == SUMMARY
    assert kiosk.history.sessions()[0].status == "partial"


def test_unknown_command_is_refused(kiosk):
    with pytest.raises(ValueError):
        kiosk.command("dance")
    with pytest.raises(ValueError):
        kiosk.command("pain", 11)
