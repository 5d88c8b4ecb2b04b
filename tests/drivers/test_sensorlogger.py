"""Sensor Logger's push format: strict reading and conversion to g and deg/s, without sockets."""

from __future__ import annotations

import json

import numpy as np
import pytest

from backstretch.drivers.sensorlogger import STANDARD_GRAVITY, Merger, PushRefused, parse_push

T0 = 1_700_000_000_000_000_000


def body(entries, **top) -> bytes:
    doc = {"messageId": 3, "sessionId": "s", "deviceId": "d", "payload": entries, **top}
    return json.dumps(doc).encode()


def entry(name, i, x, y, z, period_ns=10_000_000, shift_ns=0):
    return {"name": name, "time": T0 + i * period_ns + shift_ns, "values": {"x": x, "y": y, "z": z}}


def test_a_push_keeps_the_sensors_used_in_time_order_and_ignores_the_rest():
    entries = [entry("gyroscope", 1, 0, 0, 1), entry("gyroscope", 0, 0, 0, 0), {"name": "battery", "values": 3}]
    push = parse_push(body(entries))
    assert (push.device_id, push.session_id, push.message_id, push.entries) == ("d", "s", 3, 3)
    assert list(push.streams) == ["gyroscope"]
    np.testing.assert_allclose(push.streams["gyroscope"][:, 0], [T0 / 1e9, T0 / 1e9 + 0.01])


def test_total_acceleration_becomes_g_and_the_gyro_deg_per_s_at_the_acceleration_stamps():
    entries = [entry("totalacceleration", i, 0.0, 0.0, STANDARD_GRAVITY) for i in range(3)]
    entries += [entry("gyroscope", i, np.pi, 0.0, 0.0, shift_ns=5_000_000) for i in range(3)]
    rows = Merger().merge(parse_push(body(entries)).streams)
    np.testing.assert_allclose(rows[:, 1:4], [[0, 0, 1]] * 3)
    np.testing.assert_allclose(rows[:, 4:7], [[180, 0, 0]] * 3)


def test_linear_acceleration_plus_gravity_is_what_an_imu_measures():
    entries = [entry("accelerometer", 0, 1.0, 0.0, 0.0), entry("gravity", 0, 0.0, STANDARD_GRAVITY, 0.0)]
    merger = Merger()
    rows = merger.merge(parse_push(body(entries)).streams)
    np.testing.assert_allclose(rows[0, 1:4], [1 / STANDARD_GRAVITY, 1.0, 0.0])
    assert np.isnan(rows[0, 4:7]).all() and merger.accel_from == "accelerometer+gravity"


def test_the_last_gravity_reading_of_a_push_serves_the_next_one():
    merger = Merger()
    merger.merge(parse_push(body([entry("accelerometer", 0, 0, 0, 0), entry("gravity", 0, 0, 0, 9.0)])).streams)
    rows = merger.merge(parse_push(body([entry("accelerometer", 1, 0, 0, 0)])).streams)
    np.testing.assert_allclose(rows[0, 1:4], [0, 0, 9.0 / STANDARD_GRAVITY])


def test_acceleration_without_any_gravity_is_refused_with_what_to_turn_on():
    with pytest.raises(PushRefused, match="Gravity") as caught:
        Merger().merge(parse_push(body([entry("accelerometer", 0, 0, 0, 0)])).streams)
    assert caught.value.status == 422


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        (b"[" * 3000, "too_deep"),
        (b'{"a":[[[[[[[[1]]]]]]]]}', "too_deep"),
        (b"not json", "malformed"),
        (b'{"x": NaN}', "malformed"),
        (b'{"x": Infinity}', "malformed"),
        (b"\xff\xfe", "malformed"),
        (b"[]", "malformed"),
        (b'{"sessionId": "s", "payload": []}', "wrong_type"),
        (b'{"deviceId": "' + b"x" * 500 + b'", "sessionId": "s", "payload": []}', "wrong_type"),
        (b'{"deviceId": "d", "sessionId": "s", "payload": {}}', "wrong_type"),
        (b'{"deviceId": "d\\nERROR forged log line", "sessionId": "s", "payload": []}', "wrong_type"),
        (b'{"deviceId": "d", "sessionId": "\\u001b[2J", "payload": []}', "wrong_type"),
        (b'{"deviceId": "d", "sessionId": "s", "messageId": true, "payload": []}', "wrong_type"),
        (b'{"deviceId": "d", "sessionId": "s", "payload": [5]}', "wrong_type"),
    ],
)
def test_bodies_that_are_not_a_push_are_refused_by_kind(raw, kind):
    with pytest.raises(PushRefused) as caught:
        parse_push(raw)
    assert caught.value.kind == kind


@pytest.mark.parametrize(
    ("bad", "kind"),
    [
        ({"time": "1700000000000000000"}, "wrong_type"),
        ({"time": -5}, "wrong_type"),
        ({"time": True}, "wrong_type"),
        ({"values": {"x": 1, "y": 2}}, "wrong_type"),
        ({"values": {"x": "1", "y": 2, "z": 3}}, "wrong_type"),
        ({"values": {"x": 4000.0, "y": 2, "z": 3}}, "impossible"),
    ],
)
def test_readings_of_a_used_sensor_must_be_stamped_finite_and_possible(bad, kind):
    reading = {**entry("totalacceleration", 0, 0, 0, 9.8), **bad}
    with pytest.raises(PushRefused) as caught:
        parse_push(body([reading]))
    assert caught.value.kind == kind


def test_too_many_entries_are_refused_before_any_is_read():
    with pytest.raises(PushRefused) as caught:
        parse_push(body([{"name": "x"}] * 11), max_entries=10)
    assert caught.value.kind == "too_many_entries" and caught.value.status == 413


def test_a_number_too_big_for_a_float_is_refused():
    raw = body([entry("totalacceleration", 0, 0, 0, 9.8)]).replace(b'"x": 0', b'"x": 1e999')
    with pytest.raises(PushRefused) as caught:
        parse_push(raw)
    assert caught.value.kind == "wrong_type"
