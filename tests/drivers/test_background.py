import threading

from backstretch.drivers.background import BackgroundSource
from backstretch.drivers.sample import Health, Sample


class Counting:
    """A source that returns one new sample per poll and signals after `want` polls."""

    rate_hz = 50.0

    def __init__(self, want):
        self.n = 0
        self.want = want
        self.enough = threading.Event()

    def open(self):
        pass

    def read(self):
        self.n += 1
        if self.n >= self.want:
            self.enough.set()
        return [Sample(float(self.n), 0.0, 0.0, 1.0)]

    def close(self):
        pass

    def health(self):
        return Health(connected=True)


def test_reader_thread_fills_and_read_drains():
    inner = Counting(want=5)
    source = BackgroundSource(inner, poll_hz=500)
    source.open()
    assert inner.enough.wait(2.0)
    source.close()
    got = source.read()
    assert len(got) >= 5 and [s.t for s in got] == sorted(s.t for s in got)
    assert source.read() == []


def test_health_is_a_frozen_snapshot_the_reader_never_changes_under_the_caller():
    import dataclasses

    import pytest

    inner = Counting(want=5)
    source = BackgroundSource(inner, poll_hz=500, buffer_seconds=0.02)  # room for 1: the rest overflows
    before = source.health()
    source.open()
    assert inner.enough.wait(2.0)
    source.close()
    after = source.health()
    assert before.last_error == "starting" and not before.connected  # untouched by everything since
    assert after.connected and after.dropped >= 3
    with pytest.raises(dataclasses.FrozenInstanceError):
        after.connected = False


def test_bounded_buffer_counts_overflow_as_dropped():
    inner = Counting(want=200)
    source = BackgroundSource(inner, poll_hz=2000, buffer_seconds=1.0)  # room for 50
    source.open()
    assert inner.enough.wait(5.0)
    source.close()
    assert len(source.read()) == 50
    assert source.health().dropped >= 150


class Broken(Counting):
    """A source whose driver raises on every read until `fixed` is set (a bug, not a bus error)."""

    def __init__(self, want):
        super().__init__(want)
        self.fixed = threading.Event()
        self.back = threading.Event()

    def read(self):
        if not self.fixed.is_set():
            super().read()
            raise ZeroDivisionError("float division by zero")
        self.back.set()
        return [Sample(0.0, 0.0, 0.0, 1.0)]


def test_a_driver_that_keeps_raising_is_shown_as_failed_logged_once_and_read_again(caplog):
    inner = Broken(want=20)
    source = BackgroundSource(inner, poll_hz=1000)
    source.open()
    assert inner.enough.wait(5.0)  # twenty failed reads: the reader keeps polling
    failed = source.health()
    assert (
        not failed.connected and failed.last_error == "sensor driver failed: ZeroDivisionError: float division by zero"
    )
    assert sum("sensor read failed" in r.getMessage() for r in caplog.records) == 1  # not once a poll
    inner.fixed.set()
    assert inner.back.wait(5.0)
    source.close()
    assert source.health().connected and source.read()


class DiesOnPoll(Counting):
    """The reader's own loop fails after a first good read: the thread ends."""

    @property
    def poll_hz(self):
        raise MemoryError


def test_a_reader_thread_that_dies_never_leaves_the_sensor_shown_as_connected():
    inner = DiesOnPoll(want=1)
    source = BackgroundSource(inner)
    source.open()
    source._thread.join(5.0)
    assert not source._thread.is_alive()
    health = source.health()
    assert not health.connected and health.last_error.startswith("sensor reader stopped: MemoryError")
    source.close()


class OpensWithABug(Counting):
    def __init__(self):
        super().__init__(want=1)
        self.tries = 0

    def open(self):
        self.tries += 1
        if self.tries == 1:
            raise KeyError("rate")


def test_a_source_that_fails_to_open_with_a_bug_is_tried_again(monkeypatch):
    import backstretch.drivers.background as background

    monkeypatch.setattr(background, "REOPEN_S", 0.0)
    inner = OpensWithABug()
    source = BackgroundSource(inner, poll_hz=500)
    source.open()
    assert inner.enough.wait(5.0)
    source.close()
    assert inner.tries == 2 and source.health().connected
