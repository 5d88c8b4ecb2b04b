"""The cycle counter's numbered rules, on constructed signals (kiosk/motion/cycles.py): the generic exercise's
count and the pelvic tilt's check."""

import itertools

from backstretch.kiosk.motion.cycles import CycleCounter, CycleParams
from backstretch.kiosk.motion.tuning import MIN_PERIOD_S
from backstretch.kiosk.simulator.body import STANDING, SUPINE
from backstretch.kiosk.simulator.script import Script

from .helpers import feed, render


def count(samples, params: CycleParams | None = None) -> CycleCounter:
    c = CycleCounter(params or CycleParams())
    feed(c, samples)
    return c


def test_full_cycles_are_counted_whichever_end_is_rest():
    up = Script(start=SUPINE).still(5).tilt_reps(6, 20.0, period_s=4.0, pause_s=1.0).still(10)
    down = Script(start=SUPINE).still(5).tilt_reps(6, -20.0, period_s=4.0, pause_s=1.0).still(10)
    assert count(render(up, 50, seed=1)).count == 6
    assert count(render(down, 50, seed=1)).count == 6


def test_a_set_of_one_or_two_movements_is_strays():
    s = Script(start=SUPINE).still(5).tilt_reps(2, 25.0, period_s=4.0, pause_s=1.0).still(40)
    assert count(render(s, 50, seed=2)).count == 0
    assert count(render(s, 50, seed=2), CycleParams(min_set_reps=1)).count == 2


def test_cycles_off_the_learnt_axis_are_refused():
    s = Script(start=SUPINE).still(5).tilt_reps(4, 20.0, period_s=4.0, pause_s=1.0)
    for _ in range(3):  # hip rolls: the same size, about the head-to-toe axis
        s.move(2.0, roll=SUPINE[1] + 20).move(2.0, roll=SUPINE[1]).still(1.0)
    c = count(render(s.still(5), 50, seed=4), CycleParams(min_set_reps=1, learn_axis_reps=2))
    assert c.count == 4  # the rolls, off the axis learnt from the first tilts, are not tilts


def test_a_fidget_before_a_set_is_not_an_excursion_of_it():
    """Rule 6: an excursion must cover half the set's typical one (rule 4 again, with the set's size known)."""
    s = Script(start=SUPINE).still(5)
    s.move(0.6, pitch=SUPINE[0] - 2.5).move(0.6, pitch=SUPINE[0])  # a 2.5-degree fidget, then straight on
    s.tilt_reps(5, 25.0, period_s=4.0, pause_s=0.5).still(10)
    assert count(render(s, 50, seed=5)).count == 5


def test_rest_is_the_side_the_set_started_from():
    """Rule 5: holding at the far end for most of each rep (as in a leg raise) does not make it the rest."""
    s = Script(start=SUPINE).still(5)
    for _ in range(5):
        s.move(1.0, pitch=SUPINE[0] - 25).still(3.0).move(1.0, pitch=SUPINE[0]).still(0.5)
    c = count(render(s.still(10), 50, seed=6))
    assert c.count == 5


def test_a_stream_that_begins_out_at_the_far_end_counts_that_first_return():
    """Rule 5's other half: no quiet before the set, and it comes to rest on the other side from where it began."""
    s = Script(start=SUPINE).still(5).tilt_reps(6, -25.0, period_s=4.0, pause_s=0.5).still(20)
    samples = [x for x in render(s, 50, seed=7) if x.t >= 6.4]  # cut in the first rep, near its far end
    assert count(samples).count == 6


def test_a_rep_cut_by_the_streams_start_is_measured_by_its_return():
    """Rules 5 and 6: cut on its way out, the first rep shows only a sliver of it (far less than the set's other
    reps), but all of its way home: its first whole half-cycle."""
    s = Script(start=SUPINE).still(5).tilt_reps(6, -25.0, period_s=4.0, pause_s=0.5).still(20)
    cut = 6.2  # 0.8 s before the first rep's far end, with 8 of its 25 degrees to go
    assert count([x._replace(t=x.t - cut) for x in render(s, 50, seed=7) if x.t >= cut]).count == 6


def test_a_set_that_began_from_rest_and_is_cut_short_out_at_the_far_end_does_not_count_the_unfinished_rep():
    s = Script(start=SUPINE).still(10).tilt_reps(5, -25.0, period_s=4.0, pause_s=0.5).move(1.5, pitch=SUPINE[0] - 25)
    assert count(render(s, 50, seed=8)).count == 5


def test_a_lone_stray_in_a_pause_is_not_the_next_rep():
    """Rule 7: leaving rest more than REST_GAP_PERIODS after the last return begins a new set that must prove itself."""
    s = Script(start=SUPINE).still(5).tilt_reps(6, 25.0, period_s=4.0, pause_s=0.5).still(8)
    s.move(1.2, pitch=SUPINE[0] + 30).move(1.2, pitch=SUPINE[0]).still(8)  # the same axis, the same size
    s.tilt_reps(6, 25.0, period_s=4.0, pause_s=0.5).still(20)
    assert count(render(s, 50, seed=9)).count == 12


def test_leaving_rest_is_judged_from_where_rest_is_now():
    """A smaller set straight after a short pause: its first rep does not have to clear the old set's midline."""
    s = Script(start=SUPINE).still(5).tilt_reps(8, 40.0, period_s=6.0, pause_s=0.5).still(3)
    s.tilt_reps(6, 22.0, period_s=3.0, pause_s=0.3).still(20)
    assert count(render(s, 50, seed=11)).count == 14


def test_a_move_into_position_straight_before_the_reps_is_not_a_rep_and_absorbs_none():
    """Rule 8: lying down and tilting at once; the move ends the set before it, and the stretch since the body
    arrived is judged with the new place's own period and envelope."""
    s = Script(start=STANDING).walk(4).still(2).move(2.5, pitch=SUPINE[0], roll=SUPINE[1])
    s.tilt_reps(7, 15.0, period_s=3.5, pause_s=0.3).still(10)
    assert count(render(s, 50, seed=12)).count == 7


def test_a_set_that_began_where_the_body_arrived_was_not_cut_by_the_streams_start():
    """Rules 5 and 8: lying down, tilting at once, and standing straight up: the set ends away from its rest, but it
    began from the place the body arrived in, not mid-rep, so no cut first rep is added."""
    s = Script(start=STANDING).walk(4).still(2).move(2.5, pitch=SUPINE[0], roll=SUPINE[1])
    s.tilt_reps(7, 15.0, period_s=3.5, pause_s=0.3).move(2.5, pitch=STANDING[0], roll=STANDING[1]).walk(3)
    assert count(render(s, 50, seed=12)).count == 7


def test_an_excursion_far_bigger_than_the_sets_typical_one_is_another_movement():
    """Rule 6, the other way: a set's excursions are at most 1 / HYSTERESIS_FRAC times its median, so two small
    wiggles and a big movement (as when walking up to the mat and lying down) are not three reps."""
    s = Script(start=SUPINE).still(5).tilt_reps(2, 8.0, period_s=2.0, pause_s=0.3)
    s.move(1.5, pitch=SUPINE[0] - 60).move(1.5, pitch=SUPINE[0]).still(15)
    assert count(render(s, 50, seed=13)).count == 0


def test_a_small_rep_after_a_big_first_one_is_judged_by_the_sets_size_once_known():
    """Rule 6 judges a waiting excursion against the set's typical one when the set proves itself, not only as it
    came: after an 18-degree first rep, the first 5-degree one was under half the typical of the two (11.7) and was
    lost for good; judged when the set has proven itself (typical 5) it counts. Two small reps are still lost to
    the envelope the big one left: the first two read as one excursion, the third as none."""
    s = Script(start=SUPINE).still(5).tilt_reps(1, 18.0, period_s=3.0, pause_s=0.5)
    s.tilt_reps(5, 5.0, period_s=3.0, pause_s=0.5).still(15)
    assert count(render(s, 50, seed=14)).count == 4  # 3 before the rule


def test_a_long_set_with_no_pause_is_not_taken_for_the_quiet_level():
    """Rule 3: the quiet floor never rises above a set that has proven itself (two minutes of reps, no pause)."""
    s = Script(start=SUPINE).tilt_reps(32, 40.0, period_s=4.0, pause_s=0.0).still(10)
    assert count(render(s, 50, seed=14)).count == 32


def test_a_rep_that_doubles_back_partway_counts_once():
    """Rule 4: out, half the way back, out again, then home is one rep: the half-return never passes the midline
    by HYSTERESIS_FRAC of the envelope."""
    s = Script(start=SUPINE).still(5)
    for _ in range(6):
        s.move(1.2, pitch=SUPINE[0] + 25).move(0.7, pitch=SUPINE[0] + 12.5).move(0.7, pitch=SUPINE[0] + 25)
        s.move(1.2, pitch=SUPINE[0]).still(0.6)
    assert count(render(s.still(15), 50, seed=17)).count == 6


def test_a_set_after_a_short_pause_that_follows_a_long_set_is_counted():
    """Rule 3: two minutes of reps leave no pause in the quiet memory; the next set, after 3 s, is not floored
    by that memory either: the cap is the last proven set's size until a pause has been seen."""
    s = Script(start=SUPINE).tilt_reps(30, 30.0, period_s=4.0, pause_s=0.0).still(3)
    s.tilt_reps(8, 30.0, period_s=4.0, pause_s=0.0).still(15)
    assert count(render(s, 50, seed=18)).count == 38


def test_a_rep_judged_again_after_a_move_is_not_counted_twice():
    """Rule 8: the stretch since the move is judged again, but a rep counted before the move was found (the routine
    counts from the first excursion) is not counted a second time: no two reps start within MIN_PERIOD_S."""
    s = Script(start=STANDING).walk(4).still(2).move(2.5, pitch=SUPINE[0], roll=SUPINE[1])
    s.tilt_reps(7, 15.0, period_s=3.5, pause_s=0.3).still(10)
    events = feed(CycleCounter(CycleParams(min_set_reps=1)), render(s, 50, seed=12))
    starts = sorted(e.start for e in events)
    assert all(b - a >= MIN_PERIOD_S for a, b in itertools.pairwise(starts))
