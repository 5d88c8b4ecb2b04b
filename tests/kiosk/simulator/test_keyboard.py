"""The simulator's keys act on the simulated source: the cable always, the body only when nobody else moves it."""

import pytest

from backstretch.kiosk.simulator.body import standing
from backstretch.kiosk.simulator.keyboard import SimKeys
from backstretch.kiosk.simulator.mock import MockSource


@pytest.fixture
def source(clock):
    s = MockSource(standing(), rate_hz=50, clock=clock)
    s.open()
    return s


def test_cable_pulls_and_plugs_back(source, clock):
    keys = SimKeys(source, None)
    assert keys.act("cable") and not source.plugged
    clock.advance(0.5)
    assert source.read() == [] and not source.health().connected
    assert keys.act("cable") and source.plugged
    clock.advance(0.5)
    assert source.read() and source.health().connected


def test_with_a_performer_moving_the_body_the_arrows_do_nothing(source):
    body = source.body
    assert not SimKeys(source, None).act("up")
    assert body.times == [0.0]


@pytest.mark.parametrize("action, axis, sign", [("up", 0, -1), ("down", 0, 1), ("left", 1, -1), ("right", 1, 1)])
def test_arrows_tilt_and_twist_and_presses_add_up(source, clock, action, axis, sign):
    keys = SimKeys(source, source.body)
    for _ in range(3):
        assert keys.act(action)
    clock.advance(2)
    pose = source.body.pose(source.body_time())[0]
    assert sign * pose[axis] == pytest.approx(18, abs=1.0)  # three steps of 6 degrees, plus breathing sway


def test_still_stops_a_move_half_way(source, clock):
    keys = SimKeys(source, source.body)
    keys.act("left")
    clock.advance(0.3)
    keys.act("still")
    clock.advance(2)
    roll = source.body.pose(source.body_time())[0][1]
    assert -5.5 < roll < -0.5


def test_an_unknown_action_is_left_to_the_kiosk(source):
    assert not SimKeys(source, source.body).act("")


def test_a_long_keyboard_session_keeps_the_body_timeline_short(source, clock):
    keys = SimKeys(source, source.body)
    actions = ["up", "left", "fidget", "down", "right", "still"]
    for i in range(6000):  # an hour and a half of a key every second
        keys.act(actions[i % len(actions)])
        clock.advance(0.9)
        source.read()
    assert len(source.body.times) < 30
    clock.advance(5)
    pose = source.body.pose(source.body_time())[0]
    assert abs(pose[0]) < 3 and abs(pose[1]) < 3  # the presses still add up: each up has its down
