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
