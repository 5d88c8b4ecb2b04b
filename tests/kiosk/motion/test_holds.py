"""The hold timer on constructed angle series: (t, angle, rate) at 25 frames a second."""

import pytest

from backstretch.kiosk.motion.events import HoldBroken, HoldCompleted, HoldEnded, HoldProgress, HoldStarted
from backstretch.kiosk.motion.holds import HoldParams, HoldTimer

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
    assert done.t == pytest.approx(start.t + 10.0, abs=0.1)
    assert end.completed and end.side == "left" and end.seconds == pytest.approx(12.0, abs=0.1)
    assert [e.seconds for e in events if isinstance(e, HoldProgress)][:3] == [1.0, 2.0, 3.0]


def test_hold_does_not_start_while_moving_through_the_zone():
    timer = HoldTimer(HoldParams(target_s=5.0, still_dps=6.0))
    assert play(timer, [(2, 0, 0), (4, 40, 20.0), (2, 0, 0)]) == []


def test_brief_wobble_inside_the_zone_is_forgiven():
    timer = HoldTimer(HoldParams(target_s=10.0, grace_s=1.5))
    events = play(timer, [(1, 0, 0), (5, 40, 1), (1, 40, 15), (6, 40, 1), (2, 0, 0)])
    assert kinds(events) == ["HoldStarted", "HoldCompleted", "HoldEnded"]


def test_long_wobble_pauses_the_timer():
    timer = HoldTimer(HoldParams(target_s=100.0, grace_s=1.0))
    events = play(timer, [(1, 0, 0), (5, 40, 1), (4, 40, 15), (5, 40, 1), (2, 0, 0)])
    end = next(e for e in events if isinstance(e, HoldEnded))
    assert end.seconds == pytest.approx(5 + 1 + 5, abs=0.2)  # 3 s of the wobble did not count


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
    assert not end.completed and end.seconds == pytest.approx(8.0, abs=0.2)
    assert end.end == pytest.approx(9.0, abs=0.1)


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
    """A slow approach is still fast enough to be 'still' a second before it arrives."""
    timer = HoldTimer(HoldParams(target_s=5.0, still_dps=12.0, edge_deg=3.0))
    segments = [(1, 0, 0)] + [(0.2, 5 * k, 10.0) for k in range(1, 10)] + [(10, 50, 2), (2, 0, 30)]
    end = next(e for e in play(timer, segments) if isinstance(e, HoldEnded))
    assert end.start == pytest.approx(1 + 9 * 0.2 - 0.2, abs=0.25)


def test_finish_closes_a_hold_in_progress():
    timer = HoldTimer(HoldParams(target_s=30.0))
    events = play(timer, [(1, 0, 0), (5, 40, 1)])
    assert isinstance(events[-1], HoldEnded) and isinstance(events[-2], HoldBroken)
