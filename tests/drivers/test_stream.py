"""The clock mapping and health figures shared by the network sources, stepped by hand."""

from __future__ import annotations

import logging

import pytest

from backstretch.drivers.stream import ClockMapper, LogThrottle, StreamMonitor


def test_the_offset_is_the_least_delayed_batch_so_late_ones_do_not_move_it():
    m = ClockMapper(window_s=30.0)
    offset = 500.0  # kiosk time = phone time + 500 s
    delays = [0.08, 0.03, 1.9, 0.05, 2.5, 0.04]  # two batches held up on the network
    lateness = [m.observe(newest_remote=10.0 + i, arrival=10.0 + i + offset + d) for i, d in enumerate(delays)]
    assert m.offset == pytest.approx(offset + 0.03)
    assert m.to_local(12.0) == pytest.approx(512.03)
    assert lateness[2] == pytest.approx(1.87) and lateness[4] == pytest.approx(2.47)


def test_the_offset_follows_a_drifting_clock_once_old_batches_leave_the_window():
    m = ClockMapper(window_s=5.0)
    for i in range(20):  # the phone's clock runs 1 % slow: the lag grows 10 ms a second
        m.observe(newest_remote=i * 0.99, arrival=100.0 + i + 0.02)
    assert m.offset == pytest.approx(100.0 + 0.02 + 19 * 0.01 - 5 * 0.01, abs=1e-9)


def test_a_monitor_counts_gaps_and_the_samples_missing_in_them():
    now = [0.0]
    mon = StreamMonitor(clock=lambda: now[0])
    mon.batch([i / 100 for i in range(100)], arrival=1.0, late=False)
    mon.batch([1.0 + i / 100 for i in range(50)], arrival=1.5, late=True)
    mon.batch([2.0 + i / 100 for i in range(100)], arrival=3.0, late=False)  # 0.5 s of samples never came
    now[0] = 3.1
    f = mon.figures()
    assert f.connected and f.gaps == 1 and f.lost == 50 and f.late_batches == 1 and f.samples == 250
    assert f.rate_hz == pytest.approx(249 / 2.99)
    now[0] = 3.0 + f.silence_limit_s + 0.1
    assert not mon.figures().connected


def test_a_new_session_is_not_a_gap():
    mon = StreamMonitor(clock=lambda: 0.0)
    mon.batch([i / 100 for i in range(100)], arrival=1.0, late=False)
    mon.new_session()
    mon.batch([50.0 + i / 100 for i in range(100)], arrival=2.0, late=False)
    assert mon.figures().gaps == 0 and mon.figures().lost == 0


def test_the_silence_limit_grows_with_a_slow_batch_period():
    mon = StreamMonitor(clock=lambda: 0.0)
    for i in range(5):
        mon.batch([float(i)], arrival=i * 2.0, late=False)  # a batch every 2 s
    assert mon.silence_limit_s == pytest.approx(8.0)


def test_going_quiet_and_coming_back_is_logged_once_each(caplog):
    now = [1.0]
    mon = StreamMonitor(clock=lambda: now[0])
    log = logging.getLogger("test.stream")
    mon.batch([0.0, 0.01], arrival=1.0, late=False)
    with caplog.at_level(logging.INFO, logger="test.stream"):
        for t in (1.1, 1.2, 9.0, 9.5, 10.0):
            now[0] = t
            mon.transition(log, "phone")
        mon.batch([9.0, 9.01], arrival=10.0, late=False)
        mon.transition(log, "phone")
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 3 and "streaming" in messages[0] and "lost" in messages[1] and "streaming" in messages[2]


def test_a_throttle_says_a_kind_of_problem_once_a_minute_with_the_count_left_unsaid(caplog):
    now = [0.0]
    throttle = LogThrottle(logging.getLogger("test.throttle"), clock=lambda: now[0])
    with caplog.at_level(logging.WARNING, logger="test.throttle"):
        said = [throttle.warning("bad", "bad thing %d", i) for i in range(10)]
        throttle.warning("other", "another kind")
        now[0] = 60.0
        throttle.warning("bad", "bad thing again")
    assert said == [True] + [False] * 9
    assert [r.getMessage() for r in caplog.records] == [
        "bad thing 0",
        "another kind",
        "bad thing again (9 more like it in the last minute)",
    ]
