"""phyphox's remote interface polled over loopback: a fake phone serves it, the kiosk's source reads."""

from __future__ import annotations

import socket
import threading

import numpy as np
import pytest

from backstretch.drivers.background import BackgroundSource
from backstretch.drivers.phyphox import PhyphoxSource, parse_url
from backstretch.errors import SensorError

from ..conftest import FakeClock
from .fake_phyphox import FakePhyphox


def accel_rows(seconds: float, rate_hz: float = 100.0) -> np.ndarray:
    t = np.arange(0.0, seconds, 1.0 / rate_hz)
    tilt = np.radians(20.0) * np.sin(2 * np.pi * t / 4.0)
    return np.column_stack([t, np.sin(tilt), np.zeros_like(t), np.cos(tilt)])


@pytest.fixture
def phyphox():
    made: list[FakePhyphox] = []

    def make(rows, clock, **kw) -> FakePhyphox:
        fake = FakePhyphox(rows, clock, **kw)
        made.append(fake)
        return fake

    yield make
    for fake in made:
        fake.close()


def poll(source: PhyphoxSource, clock: FakeClock, seconds: float, step: float = 0.1) -> list:
    """Polls as the reader thread does, `step` apart on the clock."""
    got = []
    for _ in range(round(seconds / step)):
        clock.t += step
        got += source.read()
    return got


def test_polling_reads_each_sample_once_in_g_on_the_kiosk_clock(phyphox):
    clock = FakeClock(500.0)
    rows = accel_rows(6.0)
    fake = phyphox(rows, clock)
    source = PhyphoxSource(fake.url, clock)
    source.open()
    start = clock.t
    got = poll(source, clock, 7.0)
    a = np.array([(s.t, s.ax, s.ay, s.az) for s in got])
    # the first poll, 0.1 s in, reads only the newest value (row 10) to know where to start from
    expected = rows[11:]
    assert len(a) == len(expected)
    np.testing.assert_allclose(a[:, 1:4], expected[:, 1:4], atol=1e-9)  # m/s^2 back to g
    assert np.all(np.diff(a[:, 0]) > 0)
    late = a[:, 0] - (start + expected[:, 0])
    assert late.max() <= 1e-9 and late.min() > -0.11  # never after the poll that fetched it, within one poll
    health = source.health()
    assert health.connected and health.dropped == 0 and source.rate_hz == pytest.approx(100.0, rel=0.02)
    assert all(p.startswith("/get?accX=") and "|acc_time" in p for p in fake.requests[-3:])


def test_a_phone_off_wifi_shows_lost_and_phyphox_hands_over_what_it_kept(phyphox):
    clock = FakeClock(500.0)
    fake = phyphox(accel_rows(20.0), clock)
    source = PhyphoxSource(fake.url, clock)
    source.open()
    before = poll(source, clock, 3.0)
    fake.answering = False
    poll(source, clock, 4.0)
    health = source.health()
    assert not health.connected and "phyphox not reachable" in health.last_error
    fake.answering = True
    after = poll(source, clock, 1.0)
    assert source.health().connected
    assert len(before) + len(after) == 790  # rows 11 to 800 (8 s): phyphox kept them through the outage
    assert source.health().dropped == 0


def test_a_paused_experiment_is_said_and_a_cleared_one_carries_on(phyphox):
    clock = FakeClock(500.0)
    fake = phyphox(accel_rows(20.0), clock)
    source = PhyphoxSource(fake.url, clock)
    source.open()
    poll(source, clock, 2.0)
    fake.started_at = None
    poll(source, clock, 0.5)
    assert source.health().last_error == "phyphox is paused: press play in the app"
    assert not source.health().connected
    fake.clear()
    got = poll(source, clock, 2.0)
    assert source.health().connected and len(got) >= 190
    assert np.all(np.diff([s.t for s in got]) > 0)


def test_opening_starts_a_measurement_that_is_not_running(phyphox):
    clock = FakeClock(500.0)
    fake = phyphox(accel_rows(5.0), clock, measuring=False)
    PhyphoxSource(fake.url, clock).open()
    assert "/control?cmd=start" in fake.requests and fake.started_at is not None


def test_another_experiment_is_named_with_the_one_to_open(phyphox):
    fake = phyphox(accel_rows(1.0), FakeClock(500.0), title="Magnetometer")
    with pytest.raises(SensorError, match=r"runs 'Magnetometer', not 'Acceleration \(with g\)'"):
        PhyphoxSource(fake.url, FakeClock(500.0)).open()


def test_an_unreachable_phone_is_a_clear_message():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    with pytest.raises(SensorError, match=r"phyphox not reachable at http://127\.0\.0\.1:.*remote access"):
        PhyphoxSource(f"http://127.0.0.1:{port}").open()


def test_an_experiment_started_with_nothing_measured_yet_is_read_from_its_first_sample(phyphox):
    clock = FakeClock(500.0)
    fake = phyphox(accel_rows(5.0), clock, measuring=False)
    source = PhyphoxSource(fake.url, clock)
    source.open()  # starts it: the first poll finds empty buffers, whose newest value phyphox sends as null
    assert source.read() == [] and fake.requests[-1] == "/get?accX&accY&accZ&acc_time"
    got = poll(source, clock, 2.0)
    assert len(got) >= 190 and source.health().connected


def test_an_address_that_is_not_phyphox_is_named_and_the_reader_keeps_trying():
    """A wrong port (here something that talks SSH) must not end the reader thread."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    accepted = threading.Event()

    def serve():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            conn.sendall(b"SSH-2.0-OpenSSH_9.2\r\n")
            conn.close()
            accepted.set()

    threading.Thread(target=serve, daemon=True).start()
    url = f"http://127.0.0.1:{server.getsockname()[1]}"
    with pytest.raises(SensorError, match="does not answer like phyphox"):
        PhyphoxSource(url).open()
    reader = BackgroundSource(PhyphoxSource(url))
    reader.open()
    try:
        accepted.clear()
        assert accepted.wait(10)  # the reader's own attempt
        accepted.clear()
        assert accepted.wait(10)  # and another: it is still trying
        assert "does not answer like phyphox" in reader.health().last_error
    finally:
        reader.close()
        server.close()


def test_a_phone_that_answers_a_byte_at_a_time_cannot_hold_the_reader(phyphox):
    clock = FakeClock(500.0)
    fake = phyphox(accel_rows(20.0), clock)
    source = PhyphoxSource(fake.url, clock, deadline_s=0.5)
    source.open()
    poll(source, clock, 1.0)
    fake.trickle_s = 0.2  # each byte inside the per-read timeout: only the deadline ends it
    assert source.read() == []
    health = source.health()
    assert not health.connected and "took over 0.5 s to answer" in health.last_error
    fake.trickle_s = 0.0
    assert poll(source, clock, 0.5) and source.health().connected


def test_the_reader_thread_polls_phyphox_at_its_steady_rate(phyphox):
    rows = accel_rows(60.0)
    import time

    fake = phyphox(rows, time.monotonic)
    enough = threading.Event()
    polls: list[str] = []

    class Counting(list):
        def append(self, path):
            super().append(path)
            if path.startswith("/get?accX="):
                polls.append(path)
                if len(polls) >= 12:
                    enough.set()

    fake.requests = Counting()
    reader = BackgroundSource(PhyphoxSource(fake.url))
    reader.open()
    assert enough.wait(10)
    reader.close()
    got = reader.read()
    assert got and np.all(np.diff([s.t for s in got]) > 0)
    assert reader.source.poll_hz == 10.0


@pytest.mark.parametrize(
    "bad", ["192.168.1.2:8080", "https://phone:8080", "http://phone:8080/get", "http://:80", "http://phone:x"]
)
def test_phyphox_urls_must_be_the_address_the_app_shows(bad):
    with pytest.raises(ValueError):
        parse_url(bad)


def test_phyphox_urls_lose_a_trailing_slash():
    assert parse_url("http://192.168.1.23:8080/") == "http://192.168.1.23:8080"
