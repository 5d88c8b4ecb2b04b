"""The clinic collector against a real Mosquitto: exactly once, in order, through a broker restart."""

import json
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from backstretch.errors import BadMessage
from backstretch.kiosk import people
from backstretch.kiosk.collector import Collector
from backstretch.kiosk.fleet import FleetPublisher
from backstretch.kiosk.history import History
from backstretch.kiosk.mqtt import make_client, parse_broker
from backstretch.kiosk.outbox import Outbox, oldest_unsent, unsent_count
from backstretch.kiosk.results import ExerciseResult, HoldRecord

from .conftest import collecting


def result(position: int) -> ExerciseResult:
    return ExerciseResult(
        "spinal_twist",
        "Spinal twist",
        "hold",
        position,
        "completed",
        hold_target_s=30,
        holds_wanted=2,
        holds=[HoldRecord("left", 30.5 + position, True), HoldRecord("right", 29.0, False)],
        range_deg=40 + position,
    )


def stored(collector: Collector, count: int, timeout: float = 30) -> bool:
    with collector.changed:
        return collector.changed.wait_for(lambda: collector.stored >= count, timeout)


@pytest.fixture
def clinic(tmp_path, broker):
    """A collector with its own history, collecting on a thread; subscribed before the kiosks send."""
    collector = collecting(broker, parse_broker(broker.url), tmp_path / "clinic.sqlite3", "test-collector")
    yield collector
    collector.stop()


def test_stopping_the_broker_mid_routine_loses_nothing_and_repeats_nothing(tmp_path, broker, clinic):
    kiosk = History(tmp_path / "kiosk.sqlite3", Outbox("room-2"))
    publisher = FleetPublisher(parse_broker(broker.url), "room-2", kiosk.path)
    publisher.start()
    session = kiosk.begin_session("2026-11-20T09:00:00", "Back stretches")
    try:
        for position in (1, 2, 3):
            kiosk.add_result(session, result(position))
            publisher.wake()
        assert stored(clinic, 3)
        broker.stop()  # mid-routine: the network, or the broker, goes away
        for position in (4, 5, 6):
            kiosk.add_result(session, result(position))
            publisher.wake()
        kiosk.end_session(session, "2026-11-20T09:20:00", "completed")
        assert unsent_count(kiosk.db) == 4
        broker.start()
        assert stored(clinic, 7), f"stored {clinic.stored}; broker log: {broker.log()}"
        assert publisher.wait_until_sent(20)
    finally:
        publisher.stop()
    clinic.stop()
    clinic_history = History(clinic.database)
    db = clinic_history.db
    rows = db.execute("SELECT position FROM exercise_results ORDER BY id").fetchall()
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5, 6]  # each once, in the order done
    seqs = [r[0] for r in db.execute("SELECT seq FROM received ORDER BY rowid")]
    assert seqs == sorted(seqs) and len(seqs) == 7
    [s] = clinic_history.sessions()
    assert s.status == "completed" and [r.holds[0].seconds for r in s.results] == [31.5 + i for i in range(6)]
    assert db.execute("SELECT kiosk_id, origin_id FROM sessions").fetchone() == ("room-2", session)
    kiosk.close()
    clinic_history.close()


def test_the_same_message_delivered_twice_is_stored_once(tmp_path, broker, clinic):
    kiosk = History(tmp_path / "kiosk.sqlite3", Outbox("room-3"))
    session = kiosk.begin_session("2026-11-21T10:00:00", "Back stretches")
    kiosk.add_result(session, result(1))
    message = oldest_unsent(kiosk.db)
    sender = make_client(parse_broker(broker.url), "test-sender")
    sender.connect("127.0.0.1", broker.port)
    sender.loop_start()
    try:
        for _ in range(2):
            sender.publish(message.topic, message.payload, qos=1).wait_for_publish(10)
        with clinic.changed:
            assert clinic.changed.wait_for(lambda: clinic.stored + clinic.repeats >= 2, 20)
    finally:
        sender.disconnect()
        sender.loop_stop()
    assert (clinic.stored, clinic.repeats) == (1, 1)
    clinic.stop()
    assert clinic.store(message.payload) is False  # and once more by hand
    assert clinic.history.db.execute("SELECT count(*) FROM exercise_results").fetchone()[0] == 1
    clinic.history.close()
    kiosk.close()


def test_a_person_removed_on_a_kiosk_is_removed_from_the_clinic(tmp_path):
    clinic = Collector(parse_broker("mqtt://127.0.0.1"), tmp_path / "clinic.sqlite3")
    kiosk = History(tmp_path / "kiosk.sqlite3", Outbox("room-4"))
    session = kiosk.begin_session("2026-11-21T10:00:00", "Back stretches")
    kiosk.add_result(session, result(1))
    kiosk.outbox.forget(kiosk.db, "Me", [])
    rows = kiosk.db.execute("SELECT id, payload FROM outbox ORDER BY id").fetchall()
    for _, payload in rows:
        assert clinic.store(payload)
    assert clinic.history.sessions() == []
    assert clinic.history.db.execute("SELECT count(*) FROM profiles WHERE name = 'Me'").fetchone()[0] == 0
    on_disk = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("clinic.sqlite3"))
    assert b"Spinal twist" not in on_disk  # gone from the file, not only from the tables
    kiosk.close()
    clinic.history.close()


def test_a_person_renamed_on_a_kiosk_follows_at_the_clinic_and_can_still_be_forgotten(tmp_path):
    clinic = Collector(parse_broker("mqtt://127.0.0.1"), tmp_path / "clinic.sqlite3")
    kiosks = {}
    for name in ("room-1", "room-2"):
        kiosk = History(tmp_path / f"{name}.sqlite3", Outbox(name))
        kiosk.person = people.add(kiosk, "Ann").id
        kiosk.add_result(kiosk.begin_session("2026-11-21T10:00:00", "Back stretches"), result(1))
        kiosks[name] = kiosk

    def deliver(kiosk: History) -> None:
        for (payload,) in kiosk.db.execute("SELECT payload FROM outbox WHERE sent_at IS NULL ORDER BY id"):
            clinic.store(payload, f"backstretch/{kiosk.outbox.kiosk_id}/sessions")
        kiosk.db.execute("UPDATE outbox SET sent_at = '2026-11-21T11:00:00'")

    for kiosk in kiosks.values():
        deliver(kiosk)
    room1 = kiosks["room-1"]
    people.rename(room1, people.named(room1, "Ann"), "Anna B")
    deliver(room1)
    assert sorted(s.person for s in clinic.history.sessions()) == ["Ann", "Anna B"]  # room-2's Ann is another Ann
    people.remove(room1, people.named(room1, "Anna B"))
    deliver(room1)
    assert [(s.person, s.kiosk) for s in clinic.history.sessions()] == [("Ann", "room-2")]
    room2 = kiosks["room-2"]  # renamed twice and removed before any of it is sent: the forget names all three
    people.rename(room2, people.named(room2, "Ann"), "Ann C")
    people.rename(room2, people.named(room2, "Ann C"), "Ann D")
    people.remove(room2, people.named(room2, "Ann D"))
    deliver(room2)
    assert clinic.history.sessions() == []
    for kiosk in kiosks.values():
        kiosk.close()
    clinic.history.close()


@pytest.mark.parametrize(
    "payload, reason",
    [
        (b"\xff\xfe", "not JSON"),
        (b"[1, 2]", "not a version 1"),
        (json.dumps({"v": 1, "type": "result", "id": "x", "kiosk_id": "k"}).encode(), "without its session"),
        (json.dumps({"v": 1, "type": "nonsense", "id": "x", "kiosk_id": "k"}).encode(), "unknown type"),
        (
            json.dumps({"v": 1, "type": "session", "id": "x", "kiosk_id": "k", "sent_for": {"id": 1}}).encode(),
            "started_at = None is not allowed",
        ),
    ],
)
def test_a_message_that_is_not_ours_is_refused_by_name(tmp_path, payload, reason):
    clinic = Collector(parse_broker("mqtt://127.0.0.1"), tmp_path / "clinic.sqlite3")
    with pytest.raises(BadMessage, match=reason):
        clinic.store(payload)
    assert clinic.open().db.execute("SELECT count(*) FROM received").fetchone()[0] == 0
    clinic.history.close()


def test_the_collect_command_keeps_a_clinic_history_that_history_reads(tmp_path, broker):
    data = tmp_path / "clinic"
    env_cmd = [sys.executable, "-m", "backstretch.kiosk.cli"]
    collect = subprocess.Popen(
        [*env_cmd, "collect", "--mqtt-url", broker.url, "--data-dir", str(data), "--client-id", "cli-collector"],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert "collecting" in collect.stderr.readline()
        kiosk = History(tmp_path / "kiosk.sqlite3", Outbox("front-desk"))
        session = kiosk.begin_session("2026-11-22T08:00:00", "Back stretches")
        kiosk.add_result(session, result(1))
        kiosk.end_session(session, "2026-11-22T08:10:00", "completed")
        publisher = FleetPublisher(parse_broker(broker.url), "front-desk", kiosk.path)
        publisher.start()
        assert publisher.wait_until_sent(20)
        publisher.stop()
        kiosk.close()
        assert rows_in(data / "history.sqlite3", "received", 2)
    finally:
        collect.send_signal(signal.SIGTERM)
        _, err = collect.communicate(timeout=20)
    assert collect.returncode == 0, err
    assert "stored 2 message(s)" in err
    listing = subprocess.run([*env_cmd, "history", "--data-dir", str(data)], capture_output=True, text=True)
    assert listing.returncode == 0 and "front-desk" in listing.stdout and "Spinal twist" in listing.stdout


def rows_in(path, table: str, count: int, timeout: float = 20) -> bool:
    """Another process writes the file: look until it has `count` rows (nothing here to wait on)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with sqlite3.connect(path) as db:
            if db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] >= count:
                return True
        time.sleep(0.05)
    return False


def test_collect_refuses_a_bad_broker_address_in_one_line(tmp_path):
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "backstretch.kiosk.cli",
            "collect",
            "--mqtt-url",
            "http://x",
            "--data-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2
    assert run.stderr.strip().count("\n") == 0 and "--mqtt-url" in run.stderr and "mqtt://" in run.stderr


def test_a_kiosk_started_afresh_does_not_merge_its_new_sessions_into_old_ones(tmp_path):
    clinic = Collector(parse_broker("mqtt://127.0.0.1"), tmp_path / "clinic.sqlite3")
    for life, day in enumerate(("2026-11-20", "2026-11-21")):
        kiosk = History(tmp_path / f"kiosk-{life}.sqlite3", Outbox("room-5"))  # a new database: ids from 1 again
        sid = kiosk.begin_session(f"{day}T08:00:00", "Back stretches")
        kiosk.add_result(sid, result(1))
        for (payload,) in kiosk.db.execute("SELECT payload FROM outbox ORDER BY id").fetchall():
            assert clinic.store(payload)
        kiosk.close()
    assert [len(s.results) for s in clinic.history.sessions()] == [1, 1]
    clinic.history.close()


# -- hostile messages: anyone who may publish on the broker can send anything -------------------------
def good_result_message(kiosk_id: str = "room-6") -> dict:
    return {
        "v": 1,
        "type": "result",
        "id": "a" * 32,
        "seq": 1,
        "kiosk_id": kiosk_id,
        "sent_for": {
            "id": 1,
            "started_at": "2026-11-21T10:00:00",
            "ended_at": None,
            "status": "in_progress",
            "pain": None,
            "pain_during": None,
            "routine": "Back stretches",
            "person": "Ann",
        },
        "result": {
            "exercise_id": "spinal_twist",
            "name": "Spinal twist",
            "detect": "hold",
            "position": 1,
            "holds": [{"side": "left", "seconds": 30.0, "completed": True}],
        },
        "recorded_at": "2026-11-21T10:05:00",
    }


def spoiled(path: str, value) -> bytes:
    message = good_result_message()
    *parents, key = path.split(".")
    target = message
    for p in parents:
        target = target[p]
    target[key] = value
    return json.dumps(message).encode()


HOSTILE_MESSAGES = {
    "session is text": spoiled("sent_for", "id started_at status routine"),
    "start time is a list": spoiled("sent_for.started_at", [1]),
    "start time is not a time": spoiled("sent_for.started_at", "yesterday"),
    "person is an object": spoiled("sent_for.person", {"a": 1}),
    "pain is text": spoiled("sent_for.pain", "x"),
    "pain out of range": spoiled("sent_for.pain", 11),
    "reps are an object": spoiled("result.reps_done", {"a": 1}),
    "holds are text": spoiled("result.holds", "abc"),
    "a hold without seconds": spoiled("result.holds", [{"side": "left", "completed": True}]),
    "result is a list": spoiled("result", [1]),
    "a range of infinity": spoiled("result.range_deg", 1e999),
    "id is a number": spoiled("id", 5),
    "kiosk id with a slash": spoiled("kiosk_id", "room-6/../x"),
    "NaN": json.dumps(good_result_message()).replace('"position": 1', '"position": NaN').encode(),
    "deep JSON": b"[" * 100_000 + b"]" * 100_000,
    "huge": b'{"v": 1, "pad": "' + b"x" * 300_000 + b'"}',
    "forget whom": json.dumps({"v": 1, "type": "forget", "id": "f1", "kiosk_id": "room-6", "person": 5}).encode(),
    "rename to what": json.dumps({"v": 1, "type": "rename", "id": "r1", "kiosk_id": "room-6", "person": "A"}).encode(),
}


def test_a_well_formed_message_passes_the_checks(tmp_path):
    clinic = Collector(parse_broker("mqtt://127.0.0.1"), tmp_path / "clinic.sqlite3")
    assert clinic.store(json.dumps(good_result_message()), "backstretch/room-6/sessions")
    [s] = clinic.history.sessions()
    assert s.person == "Ann" and s.results[0].holds[0].seconds == 30.0
    clinic.history.close()


@pytest.mark.parametrize("name", list(HOSTILE_MESSAGES))
def test_a_hostile_message_is_refused_by_name_and_nothing_is_stored(tmp_path, name):
    clinic = Collector(parse_broker("mqtt://127.0.0.1"), tmp_path / "clinic.sqlite3")
    with pytest.raises(BadMessage):
        clinic.store(HOSTILE_MESSAGES[name], "backstretch/room-6/sessions")
    db = clinic.open().db
    assert [db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("received", "sessions")] == [0, 0]
    clinic.history.close()


def test_a_message_in_another_kiosks_name_is_refused(tmp_path):
    clinic = Collector(parse_broker("mqtt://127.0.0.1"), tmp_path / "clinic.sqlite3")
    with pytest.raises(BadMessage, match="another kiosk's topic"):
        clinic.store(json.dumps(good_result_message("room-7")), "backstretch/room-6/sessions")
    assert clinic.store(json.dumps(good_result_message("room-7")), "backstretch/room-7/sessions")
    clinic.history.close()


def test_hostile_messages_through_the_broker_leave_the_collector_collecting(tmp_path, broker, clinic, caplog):
    sender = make_client(parse_broker(broker.url), "test-vandal")
    sender.connect("127.0.0.1", broker.port)
    sender.loop_start()
    try:
        with caplog.at_level("WARNING", logger="backstretch.kiosk.collector"):
            for payload in HOSTILE_MESSAGES.values():
                sender.publish("backstretch/room-6/sessions", payload, qos=1).wait_for_publish(10)
            sender.publish("backstretch/room-6/sessions", json.dumps(good_result_message()), qos=1).wait_for_publish(10)
            assert stored(clinic, 1), f"rejected {clinic.rejected}, unstored {clinic.unstored}"
    finally:
        sender.disconnect()
        sender.loop_stop()
    assert clinic.rejected == len(HOSTILE_MESSAGES) and clinic.unstored == 0 and clinic.failure is None
    assert len([r for r in caplog.records if "dropped a message" in r.getMessage()]) == 1  # once a minute


def test_a_message_that_cannot_be_stored_for_an_unforeseen_reason_is_kept_at_the_broker(tmp_path, broker, monkeypatch):
    from backstretch.kiosk import collector as collector_module

    def broken(*args):
        raise RuntimeError("a bug")

    monkeypatch.setattr(collector_module, "insert_result", broken)
    first = collecting(broker, parse_broker(broker.url), tmp_path / "clinic.sqlite3", "test-keeper")
    sender = make_client(parse_broker(broker.url), "test-sender")
    sender.connect("127.0.0.1", broker.port)
    sender.loop_start()
    sender.publish("backstretch/room-6/sessions", json.dumps(good_result_message()), qos=1).wait_for_publish(10)
    sender.disconnect()
    sender.loop_stop()
    with first.changed:
        assert first.changed.wait_for(lambda: first.unstored >= 1, 20)
    assert first.unstored == 1 and first.stored == 0 and first._thread.is_alive()
    first.stop()
    monkeypatch.undo()  # the bug fixed, the collector started again: the broker hands the message over
    second = Collector(parse_broker(broker.url), tmp_path / "clinic.sqlite3", client_id="test-keeper")
    second.start()
    try:
        assert stored(second, 1)
    finally:
        second.stop()


def test_with_the_readmes_acl_no_kiosk_writes_in_anothers_name(tmp_path, acl_broker):
    def as_user(user: str):
        return parse_broker(acl_broker.url, user, f"pw-{user}")

    clinic = collecting(acl_broker, as_user("collector"), tmp_path / "clinic.sqlite3", "acl-collector")
    kiosk = History(tmp_path / "kiosk.sqlite3", Outbox("room-1"))
    publisher = FleetPublisher(as_user("room-1"), "room-1", kiosk.path)
    vandal = make_client(as_user("room-2"), "acl-vandal")
    answers: dict[int, bool] = {}
    answered = threading.Condition()

    def on_publish(client, userdata, mid, reason, properties):
        with answered:
            answers[mid] = not reason.is_failure
            answered.notify_all()

    vandal.on_publish = on_publish
    try:
        publisher.start()
        session = kiosk.begin_session("2026-11-20T09:00:00", "Back stretches")
        kiosk.add_result(session, result(1))
        publisher.wake()
        assert publisher.wait_until_sent(20) and stored(clinic, 1)  # its own topic, its status and will: allowed
        vandal.connect("127.0.0.1", acl_broker.port)
        vandal.loop_start()
        forged = json.dumps(dict(good_result_message("room-1"), id="f" * 32))
        on_their_topic = vandal.publish("backstretch/room-1/sessions", forged, qos=1).mid
        on_its_own = vandal.publish("backstretch/room-2/sessions", forged, qos=1).mid
        with answered:
            assert answered.wait_for(lambda: {on_their_topic, on_its_own} <= answers.keys(), 20)
        assert answers[on_their_topic] is False  # the broker refuses the other kiosk's topic
        with clinic.changed:
            assert clinic.changed.wait_for(lambda: clinic.rejected >= 1, 20)  # the collector, the other name
    finally:
        vandal.disconnect()
        vandal.loop_stop()
        publisher.stop()
        clinic.stop()
        kiosk.close()
    assert (clinic.stored, clinic.rejected) == (1, 1)
