"""The hold timer on constructed angle series: (t, angle, rate) at 25 frames a second."""

import math

import numpy as np
import pytest

from backstretch.kiosk.motion.events import HoldBroken, HoldCompleted, HoldEnded, HoldProgress, HoldStarted
from backstretch.kiosk.motion.holds import HoldParams, HoldTimer
from backstretch.kiosk.motion.tuning import HOLD_EDGE_MEAN_S, MIN_HOLD_S

FPS = 25


def play(timer: HoldTimer, segments, side="left"):
    """segments: (seconds, angle, rate_dps); returns all events."""
    events, t = [], 0.0
    for seconds, angle, rate in segments:
        for _ in range(int(seconds * FPS)):
            t += 1 / FPS
            events += timer.update(t, angle, rate, side if angle >= timer.p.zone_min_deg else None)
    return events + timer.finish()


def kinds(events):
    return [type(e).__name__ for e in events if not isinstance(e, HoldProgress)]


def test_a_full_hold_starts_counts_completes_and_ends():
    timer = HoldTimer(HoldParams(target_s=10.0))
    events = play(timer, [(2, 0, 0), (12, 40, 1), (3, 0, 0)])
    assert kinds(events) == ["HoldStarted", "HoldCompleted", "HoldEnded"]
    start = next(e for e in events if isinstance(e, HoldStarted))
    done = next(e for e in events if isinstance(e, HoldCompleted))
    end = next(e for e in events if isinstance(e, HoldEnded))
    assert start.t == pytest.approx(2.04, abs=0.05)
    # an instant step is found half the edge average inside the hold, and counted from there
    assert end.start == pytest.approx(2.0 + HOLD_EDGE_MEAN_S / 2, abs=0.1)
    assert done.t == pytest.approx(end.start + 10.0, abs=0.1)
    assert end.completed and end.side == "left" and end.seconds == pytest.approx(end.end - end.start, abs=0.05)
    assert [e.seconds for e in events if isinstance(e, HoldProgress)][:3] == [1.0, 2.0, 3.0]  # from when it began


def test_hold_does_not_start_while_moving_through_the_zone():
    timer = HoldTimer(HoldParams(target_s=5.0, still_dps=6.0))
    assert play(timer, [(2, 0, 0), (4, 40, 20.0), (2, 0, 0)]) == []


def test_brief_wobble_inside_the_zone_is_forgiven():
    timer = HoldTimer(HoldParams(target_s=10.0, grace_s=1.5))
    events = play(timer, [(1, 0, 0), (5, 40, 1), (1, 40, 15), (6, 40, 1), (2, 0, 0)])
    assert kinds(events) == ["HoldStarted", "HoldCompleted", "HoldEnded"]


def test_a_burst_far_beyond_the_holds_own_wobble_pauses_the_timer():
    timer = HoldTimer(HoldParams(target_s=100.0, grace_s=1.0))
    events = play(timer, [(1, 0, 0), (5, 40, 1), (2, 40, 40), (5, 40, 1), (2, 0, 0)])
    end = next(e for e in events if isinstance(e, HoldEnded))
    assert end.seconds == pytest.approx(end.end - end.start - 1.0, abs=0.1)  # the burst's last second did not count


@pytest.mark.parametrize("wobble_deg, hz", [(3.0, 0.3), (5.0, 1.0)])
def test_a_ball_that_never_stops_wobbling_still_holds(wobble_deg, hz):
    """Never under the fixed still_dps (up to 31 deg/s): still enough is relative to the hold's own wobble."""
    timer, events, t = HoldTimer(HoldParams(target_s=10.0, still_dps=6.0)), [], 0.0
    while t < 19.0:
        t += 1 / FPS
        w = 2 * math.pi * hz
        base = 40.0 if 2.0 < t < 16.0 else 0.0
        angle = base + wobble_deg * math.sin(w * t)
        rate = max(6.5, abs(w * wobble_deg * math.cos(w * t)))
        events += timer.update(t, angle, rate, "left" if angle >= timer.p.zone_min_deg else None)
    events += timer.finish()
    assert kinds(events) == ["HoldStarted", "HoldCompleted", "HoldEnded"]
    end = next(e for e in events if isinstance(e, HoldEnded))
    assert end.start == pytest.approx(2.0, abs=1.0) and end.end == pytest.approx(16.0, abs=1.0)
    assert end.seconds == pytest.approx(end.end - end.start, abs=0.3)


def test_a_pause_shorter_than_the_minimum_hold_is_not_a_hold():
    timer = HoldTimer(HoldParams(target_s=10.0))
    assert play(timer, [(2, 0, 0), (MIN_HOLD_S - 0.3, 40, 1), (3, 0, 0)]) == []
    timer = HoldTimer(HoldParams(target_s=10.0))
    assert kinds(play(timer, [(2, 0, 0), (MIN_HOLD_S + 0.3, 40, 1), (3, 0, 0)]))[0] == "HoldStarted"


def eased_hold(
    wobble_deg: float,
    hz: float,
    phase: float = 0.0,
    edge_deg: float = 1.5,
    plateau_s: float = 15.0,
    target_s: float = 5.0,
) -> tuple[HoldEnded, float | None]:
    """Eased 4 s moves into a 40-degree plateau (reached at 5 s) and out of it (left plateau_s later), with a
    wobble all the while; the hold as it ended, and when it was completed."""
    timer, events, t, last = HoldTimer(HoldParams(target_s=target_s, edge_deg=edge_deg)), [], 0.0, 0.0
    leave = 5.0 + plateau_s
    while t < leave + 10.0:
        t += 1 / FPS
        lean = 40.0 * (smoothstep((t - 1.0) / 4) - smoothstep((t - leave) / 4))
        angle = lean + (wobble_deg * math.sin(2 * math.pi * hz * t + phase) if 1.0 < t < leave + 4.0 else 0.0)
        events += timer.update(t, angle, abs(angle - last) * FPS, "left" if angle >= timer.p.zone_min_deg else None)
        last = angle
    events += timer.finish()
    end = next(e for e in events if isinstance(e, HoldEnded))
    return end, next((e.t for e in events if isinstance(e, HoldCompleted)), None)


def smoothstep(u: float) -> float:
    u = min(1.0, max(0.0, u))
    return u * u * (3 - 2 * u)


@pytest.mark.parametrize("wobble_deg, hz", [(0.0, 0.5), (3.0, 0.5), (3.0, 1.0), (5.0, 0.6), (2.0, 0.3)])
def test_plateau_edges_are_where_an_eased_move_arrives_and_leaves_through_a_wobble(wobble_deg, hz):
    """Averaged over HOLD_EDGE_MEAN_S a ball's wobble (mostly) cancels, so the band around the plateau's level
    can be narrow and the edges land near where the body eased into place and out of it."""
    hold, _ = eased_hold(wobble_deg, hz)
    start, end = hold.start, hold.end
    assert start == pytest.approx(5.0, abs=0.75) and end == pytest.approx(20.0, abs=0.75)


def test_the_band_widens_with_the_wobble_left_after_averaging():
    """A slow 5-degree wobble survives the average by half. In a band narrower than that, an edge waits for a
    swing towards the level, up to 1.6 s late at the worst phase; HOLD_EDGE_WOBBLES times the wobble left keeps
    every phase within about a second."""
    worst = 0.0
    for phase in np.linspace(0, 2 * math.pi, 16, endpoint=False):
        hold, _ = eased_hold(5.0, 0.3, phase, edge_deg=0.5)
        worst = max(worst, abs(hold.start - 5.0), abs(hold.end - 20.0))
    assert worst <= 1.2


@pytest.mark.parametrize("wobble_deg, hz", [(0.0, 0.5), (2.0, 1.0)])
def test_a_hold_too_short_to_measure_its_plateau_far_in_measures_it_in_its_middle(wobble_deg, hz):
    """3 s on the plateau between two 4 s leans: HOLD_ARRIVE_S in from either end there is no plateau left,
    so its level is measured over the middle of the time the body was still (the end came 2.3 s late before)."""
    hold, _ = eased_hold(wobble_deg, hz, plateau_s=3.0)
    start, end = hold.start, hold.end
    assert start == pytest.approx(5.0, abs=0.6) and end == pytest.approx(8.0, abs=0.6)


@pytest.mark.parametrize("wobble_deg, hz", [(0.0, 0.5), (3.0, 0.5), (5.0, 1.0)])
def test_the_timer_counts_the_plateau_not_the_moves_in_and_out(wobble_deg, hz):
    """The count begins where the hold began and is moved, once the plateau is measured, to where the body
    arrived: a 20 s target is met 20 s after the plateau was reached, not while the body was still easing in, and
    the hold records the plateau's length, not the slow move out that kept the timer running."""
    hold, done = eased_hold(wobble_deg, hz, plateau_s=25.0, target_s=20.0)
    assert done == pytest.approx(5.0 + 20.0, abs=0.5)
    assert hold.completed and hold.seconds == pytest.approx(25.0, abs=1.0)


def test_a_count_moved_back_to_where_the_body_arrived_never_announces_a_second_twice():
    """An 8 s ease in: the hold begins (in the zone, slow enough) about 2 s before the body arrives, so the count
    is moved back once the plateau is measured; the seconds shown wait for it instead of being said again."""
    timer, events, t, last = HoldTimer(HoldParams(target_s=15.0)), [], 0.0, 0.0
    while t < 35.0:
        t += 1 / FPS
        angle = 40.0 * (smoothstep((t - 1.0) / 8) - smoothstep((t - 27.0) / 4))
        events += timer.update(t, angle, abs(angle - last) * FPS, "left" if angle >= timer.p.zone_min_deg else None)
        last = angle
    shown = [e.seconds for e in events if isinstance(e, HoldProgress)]
    began = next(e.t for e in events if isinstance(e, HoldProgress))
    assert began < 9.0 - 1.0  # the count began before the body arrived...
    assert shown == sorted(set(shown))  # ...and its seconds were each announced once
    hold = next(e for e in events if isinstance(e, HoldEnded))
    assert hold.start == pytest.approx(9.0, abs=1.0)  # an 8 s ease is within the band of its level 0.9 s early
    assert next(e.t for e in events if isinstance(e, HoldCompleted)) == pytest.approx(hold.start + 15.0, abs=0.1)


@pytest.mark.parametrize("dps", [7.0, 10.0])
def test_a_slow_steady_move_in_is_not_counted_as_holding(dps):
    """A careful twist at a steady 7 to 10 deg/s takes longer to reach 60 degrees than HOLD_ARRIVE_S allows for:
    the plateau is measured only once a whole HOLD_PLATEAU_S has passed since the hold began, so the count runs from
    where the body arrived (measured over the move, the band widened and the count began 3 s early)."""
    arrive = 1.0 + 60.0 / dps
    timer, events, t, last = HoldTimer(HoldParams(target_s=10.0)), [], 0.0, 0.0
    while t < arrive + 25.0:
        t += 1 / FPS
        angle = min(60.0, dps * max(0.0, t - 1.0)) if t < arrive + 20.0 else 0.0
        events += timer.update(t, angle, abs(angle - last) * FPS, "left" if angle >= timer.p.zone_min_deg else None)
        last = angle
    done = next(e.t for e in events if isinstance(e, HoldCompleted))
    assert done == pytest.approx(arrive + 10.0, abs=0.5)


@pytest.mark.parametrize("plateau_s", [6.0, 7.0])
def test_a_short_target_after_a_quick_move_in_is_met(plateau_s):
    """Before the plateau can be measured whole the count runs from where the body reached the level it kept
    while settling, not from where the hold began: a 5 s target is met within a 6 s plateau after a quick move in
    (counted from where the hold began, it ended broken), late by at most the edge average's blur of a quick move."""
    timer, events, t, last = HoldTimer(HoldParams(target_s=5.0)), [], 0.0, 0.0
    while t < plateau_s + 8.0:
        t += 1 / FPS
        angle = 40.0 * (smoothstep((t - 1.0) / 0.5) - smoothstep((t - 1.5 - plateau_s) / 0.5))
        events += timer.update(t, angle, abs(angle - last) * FPS, "left" if angle >= timer.p.zone_min_deg else None)
        last = angle
    events += timer.finish()
    assert kinds(events) == ["HoldStarted", "HoldCompleted", "HoldEnded"]
    assert 1.5 + 5.0 <= next(e.t for e in events if isinstance(e, HoldCompleted)) <= 1.5 + 5.0 + HOLD_EDGE_MEAN_S / 2


def test_a_pause_before_the_body_arrived_is_not_taken_off_twice():
    """The hold begins at a shallow 20 degrees, a burst beyond grace pauses it, then the body moves to 60 degrees and
    stays: the count starts where it arrived, so the pause before that is no part of it."""
    timer = HoldTimer(HoldParams(target_s=15.0, grace_s=0.2))
    events = play(timer, [(1, 0, 0), (2.5, 20, 1), (1.0, 20, 40), (20, 60, 1), (4, 0, 0)])
    end = next(e for e in events if isinstance(e, HoldEnded))
    assert end.seconds == pytest.approx(end.end - end.start, abs=0.05)
    assert next(e.t for e in events if isinstance(e, HoldCompleted)) == pytest.approx(end.start + 15.0, abs=0.1)


def test_a_non_finite_angle_or_a_clock_step_back_changes_nothing():
    """The edges are found on finite angles in time order: one NaN frame or one frame dated earlier than the
    last is left out of them, not allowed to spoil the averages."""

    def run(bad_at: int | None, bad: tuple[float, float, float]):
        timer, events = HoldTimer(HoldParams(target_s=5.0)), []
        for i in range(int(20 * FPS)):
            t, angle, rate = i / FPS, (40.0 if 2.0 <= i / FPS < 14.0 else 0.0), 1.0
            if i == bad_at:
                t, angle, rate = bad
            events += timer.update(t, angle, rate, "left" if angle >= timer.p.zone_min_deg else None)
        return [(e.start, e.end) for e in events + timer.finish() if isinstance(e, HoldEnded)]

    clean = run(None, (0.0, 0.0, 0.0))
    assert run(200, (8.0, math.nan, math.nan)) == clean
    assert run(201, (7.5, 40.0, 1.0)) == clean


def test_leaving_the_zone_briefly_pauses_and_returning_resumes():
    timer = HoldTimer(HoldParams(target_s=8.0, break_s=3.0))
    events = play(timer, [(1, 0, 0), (5, 40, 1), (2, 5, 1), (5, 40, 1), (4, 0, 0)])
    assert kinds(events) == ["HoldStarted", "HoldCompleted", "HoldEnded"]
    end = next(e for e in events if isinstance(e, HoldEnded))
    assert end.seconds == pytest.approx(10.0, abs=0.2)


def test_leaving_for_longer_than_break_ends_a_short_hold_as_broken():
    timer = HoldTimer(HoldParams(target_s=30.0, break_s=3.0))
    events = play(timer, [(1, 0, 0), (8, 40, 1), (5, 0, 0)])
    assert kinds(events) == ["HoldStarted", "HoldBroken", "HoldEnded"]
    end = next(e for e in events if isinstance(e, HoldEnded))
    # a step within one frame blurs by half the average: the edges are found where the average is in the band
    assert end.start == pytest.approx(1.0 + HOLD_EDGE_MEAN_S / 2, abs=0.1)
    assert end.end == pytest.approx(9.0 - HOLD_EDGE_MEAN_S / 2, abs=0.1)
    assert not end.completed and end.seconds == pytest.approx(end.end - end.start, abs=0.1)


def test_turning_to_the_other_side_ends_the_hold():
    timer = HoldTimer(HoldParams(target_s=30.0))
    events, t = [], 0.0
    for seconds, side in ((5, "left"), (5, "right")):
        for _ in range(seconds * FPS):
            t += 1 / FPS
            events += timer.update(t, 40.0, 1.0, side)
    events += timer.finish()
    sides = [e.side for e in events if isinstance(e, HoldEnded)]
    assert sides == ["left", "right"]


def test_edges_follow_the_plateau_not_the_speed_threshold():
    """A slow approach (25 deg/s, stopping dead at 2.8 s) is 'still' enough from the moment it enters the zone."""
    timer = HoldTimer(HoldParams(target_s=5.0, still_dps=12.0, edge_deg=3.0))
    segments = [(1, 0, 0)] + [(0.2, 5 * k, 10.0) for k in range(1, 10)] + [(10, 50, 2), (2, 0, 30)]
    end = next(e for e in play(timer, segments) if isinstance(e, HoldEnded))
    assert end.start == pytest.approx(1 + 9 * 0.2, abs=HOLD_EDGE_MEAN_S / 4)


def test_finish_closes_a_hold_in_progress():
    timer = HoldTimer(HoldParams(target_s=30.0))
    events = play(timer, [(1, 0, 0), (5, 40, 1)])
    assert isinstance(events[-1], HoldEnded) and isinstance(events[-2], HoldBroken)
