"""The frame window the rep counters look back over, and what they measure over it (kiosk/motion/window.py)."""

import math

import numpy as np

from backstretch.kiosk.motion.orientation import FRAME_HZ, Frame
from backstretch.kiosk.motion.tuning import (
    MAX_PERIOD_S,
    MIN_PERIOD_S,
    PERIOD_MEMORY_PERIODS,
    PERIOD_MIN_CORRELATION,
    START_PERIOD_S,
)
from backstretch.kiosk.motion.window import (
    REFRESH_FRAMES,
    FrameWindow,
    _main_axis,
    autocorrelations,
    kept_period,
    mean_row,
    periods,
    stretch_extremes,
)


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


def test_a_period_the_window_stops_showing_is_kept_for_period_memory_periods_of_itself():
    period, seen = kept_period(2.0, START_PERIOD_S, 0.0, 10.0)
    assert (period, seen) == (2.0, 10.0)
    assert kept_period(None, period, seen, 10.0 + PERIOD_MEMORY_PERIODS * 2.0) == (2.0, 10.0)
    assert kept_period(None, period, seen, 10.1 + PERIOD_MEMORY_PERIODS * 2.0) == (START_PERIOD_S, 10.0)


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


def wandering(n: int, seed: int) -> np.ndarray:
    """n frames (t, up) of a body swinging with a drifting period, noise and a slow wander: no sum comes out round."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) / FRAME_HZ
    a = 0.3 * np.sin(2 * np.pi * t / rng.uniform(1.0, 6.0) + 0.2 * np.sin(t / 7)) + rng.normal(0, 0.01, n)
    b = 0.05 * np.sin(t / 11) + rng.normal(0, 0.01, n)
    up = np.column_stack([np.sin(b), np.sin(a) * np.cos(b), np.cos(a) * np.cos(b)])
    return np.column_stack([t, up])


def one_acf(ups: np.ndarray, lags: int) -> np.ndarray | None:
    """The autocorrelation of one window, straightforwardly: what autocorrelations() must give for each window, to
    the last bit."""
    centred = ups - ups.mean(axis=0)
    x = centred @ np.linalg.eigh(centred.T @ centred)[1][:, -1]
    n = 1 << (2 * len(x) - 1).bit_length()
    spectrum = np.fft.rfft(x, n)
    acf = np.fft.irfft(spectrum * spectrum.conj(), n)[:lags]
    return acf / acf[0] * len(x) / (len(x) - np.arange(len(acf))) if acf[0] > 0 else None


def one_period(ups: np.ndarray) -> float | None:
    lo, hi = int(MIN_PERIOD_S * FRAME_HZ), min(int(MAX_PERIOD_S * FRAME_HZ), len(ups) // 2)
    acf = one_acf(ups, hi + 2) if hi > lo + 2 else None
    if acf is None:
        return None
    seg = acf[lo : hi + 1]
    peaks = ((seg[1:-1] > seg[:-2]) & (seg[1:-1] >= seg[2:]) & (seg[1:-1] >= PERIOD_MIN_CORRELATION)).nonzero()[0]
    return (lo + 1 + int(peaks[0])) / FRAME_HZ if len(peaks) else None


def test_periods_measured_together_are_each_window_s_own_to_the_last_bit():
    """The window measures the period at several refreshes in one go: each must be what that window gives alone,
    to the last bit of its autocorrelation (a sum in another order would move a period that sits on a tie)."""
    for seed in range(6):
        rows = wandering(750 + 40 * REFRESH_FRAMES, seed)
        alone = [rows[j : j + 750, 1:] for j in range(0, len(rows) - 749, REFRESH_FRAMES)]
        windows = np.lib.stride_tricks.sliding_window_view(rows[:, 1:], 750, axis=0)[::REFRESH_FRAMES]
        for acf, ups in zip(autocorrelations(windows.transpose(0, 2, 1), 252), alone, strict=True):
            assert acf.tobytes() == one_acf(ups, 252).tobytes()
        together = periods(windows.transpose(0, 2, 1))
        assert together == [one_period(ups) for ups in alone] and any(p is not None for p in together)
    for n in (40, 41, 61, 333, 750):  # one window, a view or not
        rows = wandering(n, n)
        for ups in (rows[:, 1:], np.ascontiguousarray(rows[:, 1:])):
            assert autocorrelations(ups[None], n // 2)[0].tobytes() == one_acf(ups, n // 2).tobytes()
            assert periods(ups[None]) == [one_period(ups)]
    for seed in (1, 2):  # of any length: the longest period looked for depends on it
        rows = wandering(750, seed)
        assert [periods(rows[-n:, None, 1:].transpose(1, 0, 2))[0] for n in range(3, 751)] == [
            one_period(rows[-n:, 1:]) for n in range(3, 751)
        ]
    still = np.zeros((2, 200, 3))
    still[:, :, 2] = 1.0
    assert np.isnan(autocorrelations(still, 10)).all() and one_acf(still[0], 10) is None
    assert periods(still) == [None, None]  # no change at all: no period, nor a warning


def test_the_swing_axis_is_numpy_s_principal_axis_to_the_last_bit():
    for n in (3, 4, 100, 750):
        rows = wandering(n, n)
        for ups in (rows[:, 1:], rows[n // 3 :, 1:], np.ascontiguousarray(rows[:, 1:])):
            if len(ups) >= 3:
                found = _main_axis(ups)
                assert found is not None
                assert found[0].tobytes() == np.linalg.eigh(np.cov(ups.T))[1][:, -1].tobytes()


def test_the_extremes_of_the_last_stretches_are_each_stretch_s():
    s = np.sin(np.arange(100) * 0.37) * np.arange(100)
    for span in (1, 7, 33, 50, 99, 150):
        ends = [len(s) - j * span for j in range(3) if len(s) - j * span > 0]
        one_by_one = [(s[max(0, end - span) : end].max(), s[max(0, end - span) : end].min()) for end in ends]
        highs, lows = stretch_extremes(s, span, 3)
        assert list(zip(highs, lows, strict=True)) == one_by_one[::-1]


def test_frames_expected_give_what_frames_added_one_by_one_give():
    """Offline the window is told a batch ahead and measures the period at the refreshes in it together; at each
    refresh, what it says is what a window fed frame by frame says, and a frame other than the one expected makes it
    forget what it was told."""
    rows = wandering(2000, 3)
    frames = [frame(float(t), (float(x), float(y), float(z))) for t, x, y, z in rows]
    told, plain = FrameWindow(), FrameWindow()
    told.expect(frames[:900])
    for i, f in enumerate(frames):
        if i == 1300:
            told.expect(frames[1300:1700])
        if i == 1500:
            f = frames[i] = frame(f.t, f.up)  # not the frame it was told of
        told.add(f)
        plain.add(f)
        if told.frames % REFRESH_FRAMES == 0:
            assert told.since(0).tobytes() == plain.since(0).tobytes()
            assert (
                told.rows(told.frames - 40, told.frames - 10).tobytes()
                == plain.rows(told.frames - 40, told.frames - 10).tobytes()
            )
            assert told.period(0) == plain.period(0) == one_period(plain.since(0)[:, 1:])
