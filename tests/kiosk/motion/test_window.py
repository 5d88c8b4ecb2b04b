"""The frame window the rep counters look back over, and what they measure over it (kiosk/motion/window.py)."""

import math

import numpy as np

from backstretch.kiosk.motion.orientation import FRAME_HZ, Frame
from backstretch.kiosk.motion.tuning import SET_GAP_PERIODS, START_PERIOD_S
from backstretch.kiosk.motion.window import FrameWindow, kept_period, mean_row


def frame(t: float, up=(0.0, 0.0, 1.0)) -> Frame:
    return Frame(t, up, 0.0, 0.0, True)


def swinging(seconds: float, period_s: float, deg: float = 20.0) -> list[Frame]:
    """A body swinging `deg` either way about x with the given period."""
    frames = []
    for i in range(int(seconds * FRAME_HZ)):
        t = i / FRAME_HZ
        a = math.radians(deg) * math.sin(2 * math.pi * t / period_s)
        frames.append(frame(t, (0.0, math.sin(a), math.cos(a))))
    return frames


def test_the_window_keeps_the_last_frames_oldest_first_and_finds_them_by_number():
    window = FrameWindow()
    total = window.size + 10
    for i in range(total):
        window.add(frame(float(i), (float(i), 0.0, 1.0)))
    assert window.frames == total and window.n == window.size
    times = window.since(0)[:, 0]
    assert times[0] == 10.0 and times[-1] == total - 1 and (times[1:] > times[:-1]).all()
    assert window.since(total - 2)[:, 0].tolist() == [total - 2, total - 1]
    assert list(window.rows(total - 3, total)[:, 0]) == [total - 3, total - 2, total - 1]
    assert window.rows(0, 12)[:, 0].tolist() == [10.0, 11.0]  # frames no longer held are not made up


def test_a_frame_added_by_two_counters_is_stored_once():
    window = FrameWindow()
    f = frame(0.0)
    window.add(f)
    window.add(f)
    window.add(frame(0.04))
    assert window.frames == 2 and window.since(0)[:, 0].tolist() == [0.0, 0.04]


def test_the_period_is_the_swing_s_and_none_where_there_is_none():
    window = FrameWindow()
    for f in swinging(20.0, 2.4):
        window.add(f)
    assert window.period(0) == 2.4
    still = FrameWindow()
    for i in range(500):
        still.add(frame(i / FRAME_HZ))
    assert still.period(0) is None  # the counter keeps the period it had


def test_a_period_the_window_stops_showing_is_kept_for_set_gap_periods_of_itself():
    period, seen = kept_period(2.0, START_PERIOD_S, 0.0, 10.0)
    assert (period, seen) == (2.0, 10.0)
    assert kept_period(None, period, seen, 10.0 + SET_GAP_PERIODS * 2.0) == (2.0, 10.0)
    assert kept_period(None, period, seen, 10.1 + SET_GAP_PERIODS * 2.0) == (START_PERIOD_S, 10.0)


def test_the_swing_axis_is_the_direction_of_movement_and_small_sway_does_not_take_it_over():
    window = FrameWindow()
    for f in swinging(10.0, 2.0):
        window.add(f)
    axis = window.swing_axis(0, None, 5.0)
    assert axis is not None and abs(abs(axis[1]) - 1.0) < 1e-3  # gravity swings along y
    flipped = (-axis[0], -axis[1], -axis[2])
    assert np.allclose(window.swing_axis(0, flipped, 5.0), flipped)  # it faces the axis it replaces
    sway = FrameWindow()
    for f in swinging(10.0, 2.0, deg=1.0):
        sway.add(f)
    old = (1.0, 0.0, 0.0)
    assert sway.swing_axis(0, old, 5.0) == old  # 2 degrees of sway cannot move a 5-degree axis
    assert sway.swing_axis(sway.frames - 2, None, 5.0) is None  # too few frames to say


def test_the_quiet_spread_is_twice_the_largest_angle_from_the_mean_direction():
    window = FrameWindow()
    for f in swinging(8.0, 2.0, deg=3.0):
        window.add(f)
    assert abs(window.quiet_spread() - 6.0) < 0.05


def test_the_mean_of_a_window_s_rows_is_bit_for_bit_numpy_s():
    """The counters' means are ndarray.mean(axis=0) to the last bit (the rows added in turn): a sum in another order
    would move a count that sits on a threshold."""
    rng = np.random.default_rng(5)
    for n in (1, 2, 7, 100, 513, 750):
        w = rng.normal(size=(n, 4)) * 0.3 + (0.0, 0.1, -0.2, 0.9)
        for rows in (w[:, 1:], w[n // 3 :, 1:], np.ascontiguousarray(w[:, 1:])):
            assert mean_row(rows).tobytes() == rows.mean(axis=0).tobytes()
