"""The phone receiver on real loopback sockets: a fake Sensor Logger posts, the kiosk's source reads."""

from __future__ import annotations

import http.client
import logging
import re
import socket
import threading

import numpy as np
import pytest

from backstretch.drivers.phone import PhoneSource, PushLimits, new_token, parse_listen
from backstretch.drivers.recording import read_recording
from backstretch.kiosk.motion.pipeline import MotionPipeline, params_for
from backstretch.kiosk.simulator.mock import ImuModel
from backstretch.kiosk.simulator.phone import PHONE_ON_BELLY, payload_entries, push_body
from backstretch.kiosk.simulator.script import Script

from ..conftest import FakeClock
from .fake_phone import FakePhone, scaled_clock

TOKEN = "k7mxq2ab"


@pytest.fixture
def open_source():
    opened: list[PhoneSource] = []

    def make(clock=None, limits: PushLimits | None = None, token: str = TOKEN) -> PhoneSource:
        source = PhoneSource("127.0.0.1:0", token, **({"clock": clock} if clock else {}), limits=limits or PushLimits())
        source.open()
        opened.append(source)
        return source

    yield make
    for source in opened:
        source.close()


def imu_rows(seconds: float, rate_hz: float = 100.0, seed: int = 3) -> np.ndarray:
    """What a phone's IMU measures over a short scripted stretch: rows of (t, ax, ay, az g, gx, gy, gz deg/s)."""
    script = Script(rng=np.random.default_rng(seed))
    script.still(1.0).tilt_reps(max(1, int(seconds // 4)), amplitude_deg=12.0, period_s=3.0, pause_s=0.5)
    t = np.arange(0.0, seconds, 1.0 / rate_hz)
    imu = ImuModel(np.random.default_rng(seed), rate_hz=rate_hz)
    return np.column_stack([t, imu.measure(script.timeline, t)])


def samples_array(samples) -> np.ndarray:
    return np.array([[s.t, s.ax, s.ay, s.az, s.gx, s.gy, s.gz] for s in samples], dtype=float)


# -- a phone streaming -----------------------------------------------------------------------------
@pytest.mark.parametrize("style", ["android", "ios"])
def test_a_phone_streaming_late_and_bursty_batches_gives_every_sample_in_g_and_deg_per_s(open_source, style):
    speed = 4.0
    clock = scaled_clock(speed)
    source = open_source(clock)
    rows = imu_rows(8.0)
    phone = FakePhone(source.port, TOKEN, style=style)
    start = clock()
    sent = phone.play(rows, clock, speed=speed, batch_s=0.5, jitter_s=0.08, late_every=5, late_s=1.5)
    phone.close()
    got = samples_array(source.read())
    status = source.status()

    assert set(phone.answers) == {200} and sent == 16
    assert len(got) == len(rows)  # nothing lost, late batches included
    np.testing.assert_allclose(got[:, 1:4], rows[:, 1:4], atol=1e-6)  # m/s^2 back to g
    # rad/s back to deg/s; Android stamps the gyro 3 ms after the accelerometer, so it is interpolated
    shift = 0.003 if style == "android" else 0.0
    gyro = np.column_stack([np.interp(rows[:, 0], rows[:, 0] + shift, rows[:, k]) for k in (4, 5, 6)])
    np.testing.assert_allclose(got[:, 4:7], gyro, atol=1e-4)
    assert np.all(np.diff(got[:, 0]) > 0)
    # the phone's epoch-ns clock is mapped onto the kiosk's: each sample lands when it was taken, never later
    # than it arrived, within the least delay a batch had
    lag = got[:, 0] - (start + rows[:, 0] - rows[0, 0])
    assert lag.min() > -0.05 and lag.max() < 0.5
    f = status.figures
    assert f.late_batches >= 2 and f.gaps == 0 and f.lost == 0
    assert f.rate_hz == pytest.approx(100.0, rel=0.02)
    assert status.device == "phone-1" and status.has_gyro
    assert status.accel_from == ("totalacceleration" if style == "android" else "accelerometer+gravity")
    assert source.health().connected and source.health().dropped == 0


def test_a_real_recording_pushed_by_a_phone_counts_the_same_reps_as_the_file(open_source):
    """uci-s1-e4 (a real person, 25 Hz): the reps counted from the phone equal those counted from the file."""
    rec = read_recording("tests/data/uci-s1-e4.csv")
    rows = rec.data[rec.data[:, 0] < 57.0]  # the first seven marked repetitions, the last ending at 55.96 s
    speed = 12.0
    clock = scaled_clock(speed)
    source = open_source(clock)
    phone = FakePhone(source.port, TOKEN)
    phone.play(rows, clock, speed=speed, batch_s=1.0, jitter_s=0.15, late_every=4, late_s=1.5, seed=4)
    phone.close()
    got = source.read()

    def reps(samples) -> int:
        pipeline = MotionPipeline(params_for("reps"))
        pipeline.feed(samples)
        return pipeline.state.reps

    direct = reps(rec.samples()[: len(rows)])
    assert direct == 7
    assert len(got) == len(rows)
    assert reps(got) == direct
    assert source.status().figures.rate_hz == pytest.approx(25.0, rel=0.02)


def test_a_phone_that_goes_quiet_is_lost_and_back_with_every_missing_sample_counted(open_source):
    clock = FakeClock(1000.0)
    source = open_source(clock)
    phone = FakePhone(source.port, TOKEN)
    rows = imu_rows(20.0)
    assert not source.health().connected and "waiting for a phone" in source.health().last_error
    for second in range(3):
        clock.t = 1000.0 + second + 1
        phone.send(rows[second * 100 : (second + 1) * 100])
    assert source.health().connected
    clock.t += 2.0
    assert source.health().connected  # a short pause between pushes is not a loss
    clock.t += 2.0
    health = source.health()
    assert not health.connected and "no data from the phone" in health.last_error
    clock.t = 1000.0 + 13  # Wi-Fi is back: the phone kept measuring, its pushes from 3 s to 12 s never came
    phone.send(rows[1200:1300])
    f = source.status().figures
    assert source.health().connected
    assert f.gaps == 1 and f.lost == 900 and source.health().dropped == 900
    assert len(source.read()) == 400


def test_a_batch_that_arrives_after_a_newer_one_is_counted_lost_once_and_times_stay_increasing(open_source):
    clock = FakeClock(1000.0)
    source = open_source(clock)
    phone = FakePhone(source.port, TOKEN)
    rows = imu_rows(3.0)
    clock.t += 1
    phone.send(rows[:100])
    clock.t += 1
    second = push_body(_entries(rows[100:200]), message_id=1)
    phone.message_id = 2
    clock.t += 1
    phone.send(rows[200:300])
    phone.post(second)  # message 1 after message 2
    got = samples_array(source.read())
    assert len(got) == 200 and np.all(np.diff(got[:, 0]) > 0)
    assert source.status().figures.lost == 100


def _entries(rows):
    return payload_entries(rows)


def test_a_new_recording_on_the_phone_is_a_new_session_not_a_gap(open_source):
    clock = FakeClock(1000.0)
    source = open_source(clock)
    rows = imu_rows(2.0)
    clock.t += 1
    FakePhone(source.port, TOKEN, session="a").send(rows[:100])
    clock.t += 30
    FakePhone(source.port, TOKEN, session="b").send(rows[100:200])
    f = source.status().figures
    assert f.gaps == 0 and f.lost == 0 and len(source.read()) == 200


def test_a_second_phone_is_refused_politely_while_the_first_streams_and_may_take_over_later(open_source):
    clock = FakeClock(1000.0)
    source = open_source(clock)
    rows = imu_rows(2.0)
    first, second = FakePhone(source.port, TOKEN, device="alice"), FakePhone(source.port, TOKEN, device="bob")
    clock.t += 1
    assert first.send(rows[:100])[0] == 200
    status, answer = second.send(rows[:100])
    assert status == 409 and "another phone" in answer
    s = source.status()
    assert s.device == "alice" and s.refused_device == "bob" and s.refused["second_device"] == 1
    assert len(source.read()) == 100
    clock.t += 10  # alice has gone quiet long enough to be lost: bob may take over
    assert second.send(rows[100:200])[0] == 200
    assert source.status().device == "bob"


def test_acceleration_without_gravity_is_refused_with_what_to_turn_on(open_source):
    source = open_source(FakeClock(1000.0))
    entries = [
        {"name": "accelerometer", "time": 1_700_000_000_000_000_000 + i, "values": {"x": 0, "y": 0, "z": 0}}
        for i in range(3)
    ]
    status, answer = FakePhone(source.port, TOKEN).post(push_body(entries))
    assert status == 422 and "Gravity" in answer
    assert "Gravity" in source.health().last_error and not source.health().connected


def test_a_phone_pushing_without_acceleration_is_told_what_to_turn_on_not_left_waiting(open_source):
    clock = FakeClock(1000.0)
    source = open_source(clock)
    phone = FakePhone(source.port, TOKEN)
    rows = imu_rows(6.0)
    gyro_only = [e for e in _entries(rows) if e["name"] == "gyroscope"]
    for second in range(5):
        clock.t += 1
        assert phone.post(push_body(gyro_only[second * 100 : (second + 1) * 100]))[0] == 200
        if second == 0:
            assert "waiting for a phone" in source.health().last_error  # one such push can be a timing accident
    health = source.health()
    assert not health.connected and "Accelerometer and Gravity" in health.last_error
    clock.t += 1
    phone.send(rows[500:600])
    assert source.health().connected and source.health().last_error is None


# -- hostile input ---------------------------------------------------------------------------------
def good_body() -> bytes:
    return push_body(_entries(imu_rows(0.2)))


def raw_request(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(data)
        chunks = []
        while chunk := s.recv(4096):
            chunks.append(chunk)
    return b"".join(chunks)


HOSTILE = [
    ("wrong_token", lambda b: ("POST", "/push/nottheone", b, {}), 403),
    ("wrong_path", lambda b: ("POST", "/admin", b, {}), 404),
    ("wrong_method", lambda b: ("GET", f"/push/{TOKEN}", None, {}), 405),
    ("malformed", lambda b: ("POST", f"/push/{TOKEN}", b"{not json", {}), 400),
    ("too_deep", lambda b: ("POST", f"/push/{TOKEN}", b"[" * 5000 + b"]" * 5000, {}), 400),
    ("too_deep", lambda b: ("POST", f"/push/{TOKEN}", b'{"a":' * 12 + b"1" + b"}" * 12, {}), 400),
    ("wrong_type", lambda b: ("POST", f"/push/{TOKEN}", b'{"deviceId": 5, "sessionId": "s", "payload": []}', {}), 400),
    (
        "wrong_type",
        lambda b: ("POST", f"/push/{TOKEN}", re.sub(rb'"time": (\d+)', rb'"time": "\1"', b, count=1), {}),
        400,
    ),
    ("malformed", lambda b: ("POST", f"/push/{TOKEN}", b.replace(b'"x": ', b'"x": NaN, "w": ', 1), {}), 400),
    ("wrong_type", lambda b: ("POST", f"/push/{TOKEN}", b.replace(b'"x": ', b'"x": 1e999, "w": ', 1), {}), 400),
    ("impossible", lambda b: ("POST", f"/push/{TOKEN}", b.replace(b'"x": ', b'"x": 5000.0, "w": ', 1), {}), 400),
]


@pytest.mark.parametrize(
    ("kind", "request_for", "status"), HOSTILE, ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(HOSTILE)]
)
def test_hostile_requests_are_refused_counted_and_the_receiver_carries_on(open_source, kind, request_for, status):
    source = open_source(FakeClock(1000.0))
    method, path, body, headers = request_for(good_body())
    conn = http.client.HTTPConnection("127.0.0.1", source.port, timeout=10)
    conn.request(method, path, body, headers)
    response = conn.getresponse()
    assert response.status == status
    response.read()
    conn.close()
    assert source.status().refused == {kind: 1}
    assert source.read() == []
    assert FakePhone(source.port, TOKEN).post(good_body())[0] == 200  # still serving
    assert len(source.read()) == 20


def test_an_oversized_body_is_refused_from_its_length_without_being_read(open_source):
    source = open_source(FakeClock(1000.0), PushLimits(max_body_bytes=1000))
    answer = raw_request(
        source.port, f"POST /push/{TOKEN} HTTP/1.1\r\nHost: x\r\nContent-Length: 50000000\r\n\r\n".encode() + b"x" * 100
    )
    assert answer.startswith(b"HTTP/1.1 413") and b"Connection: close" in answer
    assert source.status().refused == {"too_large": 1}


def test_too_many_entries_are_refused(open_source):
    source = open_source(FakeClock(1000.0), PushLimits(max_entries=10))
    status, _ = FakePhone(source.port, TOKEN).post(good_body())
    assert status == 413 and source.status().refused == {"too_many_entries": 1}


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (f"POST /push/{TOKEN} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", "no_length"),
        (f"POST /push/{TOKEN} HTTP/1.1\r\nHost: x\r\n\r\n", "no_length"),
        ("GARBAGE\x00\x01 / WHAT/9\r\n\r\n", "malformed"),
    ],
)
def test_requests_without_a_usable_length_or_request_line_are_refused(open_source, head, kind):
    source = open_source(FakeClock(1000.0))
    answer = raw_request(source.port, head.encode())
    assert b"411" in answer or b"400" in answer
    assert source.status().refused == {kind: 1}


def test_a_client_sending_one_byte_a_second_is_cut_off_while_the_phone_keeps_streaming(open_source):
    source = open_source(FakeClock(1000.0), PushLimits(request_deadline_s=1.5, idle_timeout_s=5.0))
    slow = socket.create_connection(("127.0.0.1", source.port), timeout=10)
    request = f"POST /push/{TOKEN} HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n".encode() + b"{" * 100
    cut = threading.Event()

    def trickle():
        for byte in request:
            try:
                slow.send(bytes([byte]))
            except OSError:
                break
            if cut.wait(1.0):
                break

    sender = threading.Thread(target=trickle, daemon=True)
    sender.start()
    assert FakePhone(source.port, TOKEN).post(good_body())[0] == 200  # served meanwhile
    assert slow.recv(100) == b""  # the server closes it once its deadline has passed
    cut.set()
    sender.join(5)
    slow.close()
    assert source.status().refused == {"slow_client": 1}
    assert len(source.read()) == 20


def test_a_flood_is_rate_limited_and_connections_are_capped(open_source):
    source = open_source(FakeClock(1000.0), PushLimits(requests_per_s=5.0, max_connections=2))
    statuses = []
    conn = http.client.HTTPConnection("127.0.0.1", source.port, timeout=10)
    for _ in range(30):
        try:
            conn.request("POST", "/push/wrong", b"{}")
            response = conn.getresponse()
            response.read()
            statuses.append(response.status)
        except ConnectionError:  # under load the last connection's slot may not be free yet: refused as busy
            statuses.append("busy")
        conn.close()
    assert statuses.count(429) >= 15 and statuses.count(403) <= 15
    refused = source.status().refused
    assert refused["rate_limited"] + refused["wrong_token"] + statuses.count("busy") == 30
    held = [socket.create_connection(("127.0.0.1", source.port), timeout=10) for _ in range(2)]
    extra = socket.create_connection(("127.0.0.1", source.port), timeout=10)
    assert extra.recv(10) == b""  # closed at once: both slots are taken
    for s in [*held, extra]:
        s.close()
    assert source.status().refused["busy"] >= 1


def test_one_machine_holding_connections_open_cannot_lock_the_phone_out(open_source):
    source = open_source(FakeClock(1000.0), PushLimits(max_connections=8, max_per_address=3))
    held = []
    for _ in range(8):  # another machine on the network (another loopback address) opens all it can
        s = socket.socket()
        s.bind(("127.0.0.2", 0))
        s.connect(("127.0.0.1", source.port))
        held.append(s)
    refused = [s for s in held[3:] if s.recv(10) == b""]  # closed at once: over its share
    assert len(refused) == 5 and source.status().refused["busy"] == 5
    assert FakePhone(source.port, TOKEN, source="127.0.0.1").post(good_body())[0] == 200
    for s in held:
        s.close()
    assert len(source.read()) == 20


def test_a_phone_pushing_with_the_token_of_an_earlier_start_is_noticed(open_source):
    clock = FakeClock(1000.0)
    source = open_source(clock)
    assert source.status().wrong_token_ago_s is None
    assert FakePhone(source.port, "oldtoken1").post(good_body())[0] == 403
    clock.t += 2
    assert source.status().wrong_token_ago_s == 2


def test_refusals_are_logged_once_a_minute_not_once_a_request(open_source, caplog):
    clock = FakeClock(1000.0)
    source = open_source(clock, PushLimits(requests_per_s=1000.0))
    phone = FakePhone(source.port, "wrongtoken")
    with caplog.at_level(logging.WARNING, logger="backstretch.drivers.phone"):
        for _ in range(40):
            phone.post(b"{}")
        clock.t += 61
        phone.post(b"{}")
    lines = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert len(lines) == 2 and "39 more like it" in lines[1]
    assert source.status().refused == {"wrong_token": 41}


# -- the listener itself ---------------------------------------------------------------------------
def test_a_port_in_use_is_reported_and_taken_when_it_is_free():
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen()
    port = blocker.getsockname()[1]
    clock = FakeClock(1000.0)
    source = PhoneSource(f"127.0.0.1:{port}", TOKEN, clock=clock)
    try:
        source.open()
        assert not source.status().listening
        assert "cannot listen on 127.0.0.1" in source.health().last_error
        blocker.close()
        clock.t += 10
        source.read()
        assert source.status().listening
        assert FakePhone(port, TOKEN).post(good_body())[0] == 200
    finally:
        source.close()
        blocker.close()


def test_nothing_listens_until_the_source_is_opened_and_nothing_after_it_is_closed():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    source = PhoneSource(f"127.0.0.1:{port}", TOKEN)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2)
    source.open()
    socket.create_connection(("127.0.0.1", port), timeout=2).close()
    source.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2)


def test_tokens_are_random_and_easy_to_type():
    tokens = {new_token() for _ in range(50)}
    assert len(tokens) == 50
    assert all(len(t) == 8 and not set(t) & set("0o1li") for t in tokens)


@pytest.mark.parametrize("bad", ["8765", "0.0.0.0", "host:80", "0.0.0.0:99999", "0.0.0.0:http"])
def test_listen_addresses_must_be_a_literal_address_and_port(bad):
    with pytest.raises(ValueError):
        parse_listen(bad)


def test_listen_addresses_take_ipv4_and_ipv6():
    assert parse_listen("0.0.0.0:8765") == ("0.0.0.0", 8765)
    assert parse_listen("[::]:8765") == ("::", 8765)


# -- the phone's axes ------------------------------------------------------------------------------
def _turn(axis: int, degrees: float) -> np.ndarray:
    a = np.radians(degrees)
    c, s = np.cos(a), np.sin(a)
    i, j = [(1, 2), (2, 0), (0, 1)][axis]
    r = np.eye(3)
    r[i, i] = r[j, j] = c
    r[i, j], r[j, i] = -s, s
    return r


PHONE_WAYS = {
    "portrait, screen out": PHONE_ON_BELLY,
    "upside down in the belt": _turn(2, 180.0),
    "landscape": _turn(2, 90.0),
    "screen against the belly": _turn(1, 180.0),
}


@pytest.mark.parametrize("way", list(PHONE_WAYS))
def test_however_the_phone_sits_a_twist_is_on_the_side_the_person_turned(open_source, way):
    """Sides come from the body (standing, then lying), not from the axes a clip on a cable would have."""
    from backstretch.kiosk.motion.analysis import run_pipeline
    from backstretch.kiosk.motion.synthetic import spinal_twist

    rng = np.random.default_rng(11)
    script, _, _ = spinal_twist(rng)
    labels = [h["side"] for h in script.labels("spinal_twist")["holds"]]
    assert set(labels) == {"left", "right"}
    t = np.arange(0.0, script.t, 0.01)
    rows = np.column_stack([t, ImuModel(rng, PHONE_WAYS[way]).measure(script.timeline, t)])
    clock = FakeClock(1000.0)
    source = open_source(clock, PushLimits(requests_per_s=10_000.0))  # the phone's clock runs fast here
    phone = FakePhone(source.port, TOKEN)
    samples = []
    for second in range(int(np.ceil(script.t))):
        clock.t += 1.0
        batch = rows[(rows[:, 0] >= second) & (rows[:, 0] < second + 1)]
        if len(batch):
            assert phone.send(batch)[0] == 200
        samples += source.read()  # as the kiosk does every frame
    assert len(samples) == len(rows)
    events, _ = run_pipeline(samples, "spinal_twist", first_side="right")  # the routine's guess is the wrong one
    found = [e.side for e in events if type(e).__name__ == "HoldEnded"]
    assert found == labels
