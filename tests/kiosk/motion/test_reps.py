import pickle

import pytest

from backstretch.kiosk.motion.events import RepCounted
from backstretch.kiosk.motion.orientation import Orientation
from backstretch.kiosk.motion.reps import RepCounter, RepParams
from backstretch.kiosk.simulator.body import SUPINE
from backstretch.kiosk.simulator.script import Script

from .helpers import render


def count(samples, params: RepParams | None = None) -> list[RepCounted]:
    o, rc, events = Orientation(), RepCounter(params or RepParams()), []
    for i in range(0, len(samples), 4):
        for f in o.feed(samples[i : i + 4]):
            events += rc.update(f)
    return events


def test_counts_reps_of_5_and_60_degrees_in_one_set():
    s = Script(start=SUPINE).still(3)
    s.tilt_reps(5, 60.0, period_s=4.0, pause_s=1.0).still(25.0)
    s.tilt_reps(5, 5.0, period_s=3.0, pause_s=1.0).still(3.0)
    events = count(render(s, 100, seed=11))
    assert len(events) == 10
    assert [round(e.amplitude_deg / 10) for e in events[:5]] == [6] * 5
    assert all(4.0 <= e.amplitude_deg <= 6.5 for e in events[5:])


@pytest.mark.parametrize("rate", [12.5, 1000.0])
def test_counts_at_low_and_high_rates(rate):
    s = Script(start=SUPINE).still(3).tilt_reps(6, 20.0, period_s=4.0, pause_s=1.0).still(3)
    assert len(count(render(s, rate, seed=2))) == 6


def test_rep_time_is_the_return_and_counts_increase():
    s = Script(start=SUPINE).still(3).tilt_reps(3, 20.0, period_s=4.0, pause_s=2.0).still(3)
    events = count(render(s, 100, seed=3, noise=False))
    assert [e.count for e in events] == [1, 2, 3]
    for event, (start, end) in zip(events, s.reps, strict=False):
        assert start - 0.5 <= event.start < event.t <= end  # dated halfway home, before the rep ends


def test_wobbles_below_the_smallest_swing_are_not_reps():
    s = Script(start=SUPINE).still(3).tilt_reps(6, 1.2, period_s=3.0, pause_s=0.5).still(3)
    assert count(render(s, 100, seed=4)) == []


@pytest.mark.parametrize(("seed", "roll", "tilt"), [(1, 15.0, 10.0), (2, 15.0, 10.0), (3, 15.0, 10.0), (1, 20.0, 5.0)])
def test_a_hip_roll_then_a_rest_does_not_turn_the_next_set_inside_out(seed, roll, tilt):
    """Rolling back from a hip roll and then tilting out, across the roll's direction, may lead a little further from
    the roll's far end: the turn is the corner in the path. Were it missed, the set would be counted from its far ends
    (the tilts' far ends taken for rest) and its last tilt lost (a 20-degree roll before 5-degree tilts was)."""
    s = Script(start=SUPINE).still(3).tilt_reps(3, tilt, period_s=4.0, pause_s=1.0).still(3)
    s.move(1.5, roll=SUPINE[1] + roll).move(1.5, roll=SUPINE[1]).still(3)
    s.tilt_reps(4, tilt, period_s=4.0, pause_s=1.0).still(3)
    events = count(render(s, 100, seed=seed))
    assert len(events) == 7
    for event, (start, end) in zip(events[3:], s.reps[3:], strict=True):
        assert (start + end) / 2 < event.t <= end  # counted on its way home (inside out: on the next one's way out)


def test_a_lone_movement_between_sets_is_not_a_rep():
    s = Script(start=SUPINE).still(3).tilt_reps(4, 25.0, period_s=4.0).still(25.0)
    s.tilt_reps(1, 25.0, period_s=4.0).still(25.0)  # one stray movement, far from any set
    assert len(count(render(s, 100, seed=5))) == 4


def test_the_first_rep_waits_for_a_neighbour_then_both_count():
    s = Script(start=SUPINE).still(3).tilt_reps(2, 25.0, period_s=4.0, pause_s=1.0).still(3)
    events = count(render(s, 100, seed=6))
    assert [e.count for e in events] == [1, 2]
    assert events[0].t < events[1].t


def test_without_the_neighbour_rule_every_rep_counts_at_once():
    s = Script(start=SUPINE).still(3).tilt_reps(1, 25.0, period_s=4.0).still(3)
    assert len(count(render(s, 100, seed=7), RepParams(neighbour_s=0.0))) == 1


def test_a_rep_lasts_at_least_the_minimum_duration():
    s = Script(start=SUPINE).still(3).tilt_reps(4, 15.0, period_s=1.2, pause_s=2.0).still(3)
    events = count(render(s, 100, seed=8), RepParams(min_duration_s=2.0, neighbour_s=0.0))
    assert events and all(e.t - e.start >= 2.0 for e in events)


def test_state_does_not_grow_with_the_session():
    def counter_after(reps):
        s = Script(start=SUPINE).still(3).tilt_reps(reps, 15.0, period_s=3.0, pause_s=0.5)
        o, rc = Orientation(), RepCounter()
        for f in o.feed(render(s, 50, seed=9)):
            rc.update(f)
        return rc

    short, long = counter_after(10), counter_after(40)
    assert (short.count, long.count) == (10, 40)
    assert len(pickle.dumps(long)) <= len(pickle.dumps(short)) * 1.1  # four times the reps, the same memory


def test_a_small_movement_after_a_pause_waits_for_a_second_one():
    """Where reps count at once, a much smaller one after a rest could be a fidget: it needs a neighbour."""
    params = RepParams(neighbour_s=0.0, doubt_frac=0.6)
    lone = Script(start=SUPINE).still(3).tilt_reps(4, 15.0, period_s=4.0).still(10)
    lone.tilt_reps(1, 5.0, period_s=3.0).still(15)
    assert len(count(render(lone, 100, seed=12), params)) == 4
    pair = Script(start=SUPINE).still(3).tilt_reps(4, 15.0, period_s=4.0).still(10)
    pair.tilt_reps(2, 5.0, period_s=3.0, pause_s=1.0).still(3)
    events = count(render(pair, 100, seed=12), params)
    assert [e.count for e in events] == [1, 2, 3, 4, 5, 6]
