"""The peak counter's numbered rules, on constructed signals (kiosk/motion/peaks.py)."""

from dataclasses import replace

import numpy as np

from backstretch.kiosk.motion import tuning as k
from backstretch.kiosk.motion.analysis import run_pipeline
from backstretch.kiosk.motion.peaks import PeakCounter
from backstretch.kiosk.motion.stress import stress_copy
from backstretch.kiosk.simulator.body import SUPINE
from backstretch.kiosk.simulator.script import Script

from .helpers import feed, render


def count(samples, min_set_reps: int = k.MIN_SET_REPS) -> PeakCounter:
    c = PeakCounter(min_set_reps)
    feed(c, samples)
    return c


def test_each_far_turning_point_is_one_rep_whichever_way_the_reps_go():
    up = Script(start=SUPINE).still(5).tilt_reps(6, 20.0, period_s=4.0, pause_s=1.0).still(10)
    down = Script(start=SUPINE).still(5).tilt_reps(6, -20.0, period_s=4.0, pause_s=1.0).still(10)
    assert count(render(up, 50, seed=1)).count == 6
    assert count(render(down, 50, seed=1)).count == 6


def test_a_set_of_one_or_two_movements_is_strays():
    s = Script(start=SUPINE).still(5).tilt_reps(2, 25.0, period_s=4.0, pause_s=1.0).still(40)
    assert count(render(s, 50, seed=2)).count == 0
    assert count(render(s, 50, seed=2), min_set_reps=1).count == 2


def test_a_partial_return_smaller_than_the_prominence_fraction_does_not_split_a_rep():
    """Rule 2: out 30 degrees, back a third of the way, out again and home is one rep; back two thirds is two."""

    def reps(back_frac: float) -> int:
        s = Script(start=SUPINE).still(5)
        for _ in range(5):
            s.move(1.0, pitch=SUPINE[0] + 30).move(0.8, pitch=SUPINE[0] + 30 * (1 - back_frac))
            s.move(0.8, pitch=SUPINE[0] + 30).move(1.0, pitch=SUPINE[0]).still(1.0)
        return count(render(s.still(15), 50, seed=3)).count

    assert back_frac_is_below_the_fraction(1 / 3) and reps(1 / 3) == 5
    assert not back_frac_is_below_the_fraction(2 / 3) and reps(2 / 3) == 10


def back_frac_is_below_the_fraction(frac: float) -> bool:
    return frac < k.PEAK_PROMINENCE_FRAC


def test_turning_points_closer_than_the_spacing_are_one_movement():
    """Rule 3: out 30 degrees, a quick two-thirds return and out again well within a quarter of the period,
    then home: one rep, not two."""
    s = Script(start=SUPINE).still(5)
    for _ in range(5):
        s.move(2.5, pitch=SUPINE[0] + 30).move(0.3, pitch=SUPINE[0] + 10).move(0.3, pitch=SUPINE[0] + 30)
        s.move(2.5, pitch=SUPINE[0]).still(1.0)
    assert count(render(s.still(15), 50, seed=6)).count == 5


def test_sway_no_bigger_than_the_quiet_level_allows_is_no_set():
    """Rule 2's floor between sets: a body that never keeps still (sway of 3 degrees throughout) makes no set
    in a long pause, once the recording has shown its quiet level."""
    s = Script(start=SUPINE).still(3).tilt_reps(12, 30.0, period_s=5.0, pause_s=0.5).still(90)
    data = np.array(render(s, 50, seed=4), dtype=float)
    swaying, _ = stress_copy(data, {}, "sway3", seed=4)
    assert count(swaying).count == 12


def test_the_generic_exercise_is_sure_of_its_count_only_when_the_peak_counter_agrees():
    s = Script(start=SUPINE).still(5).tilt_reps(6, 20.0, period_s=4.0, pause_s=1.0).still(10)
    _, pipeline = run_pipeline(render(s, 50, seed=5), "reps")
    assert pipeline.cycles.count == pipeline.peaks.count == 6 and pipeline.confidence == "high"
    pipeline.agreement.add([], [replace(pipeline.agreement.checks[-1], far=s.t)])  # a rep only peaks counted
    assert pipeline.confidence == "low"


def test_a_rep_held_at_its_far_end_keeps_its_set_open(data_dir):
    """Rule 4: a set's idle time runs from the middle of its last turning point, not from when it was reached: the
    first curl of uci-s1-e6, held at the top for 5 s, is part of the set the next turn confirms, though that turn
    comes 8 s after the top was reached (the gap of a set whose period is not yet known)."""
    from backstretch.drivers.recording import read_recording

    counter = PeakCounter()
    feed(counter, read_recording(data_dir / "uci-s1-e6.csv").data)
    assert counter.count == 30


def test_a_stray_after_the_body_rested_longer_than_a_cycle_is_not_the_sets_next_rep():
    """Rule 4: a return the body stays at longer than REST_GAP_PERIODS ends the set, so a movement out of that rest,
    as big as a rep and in the same direction, is judged afresh: alone, it is a stray. (A minute of quiet first:
    the quiet level is known, so the set proves itself as it goes.)"""
    s = Script(start=SUPINE).still(65).tilt_reps(6, 20.0, period_s=6.0, pause_s=0.5).still(7.0)
    s.move(0.8, pitch=SUPINE[0] - 30).move(0.8, pitch=SUPINE[0]).still(40)
    assert count(render(s, 50, seed=1)).count == 6
