"""The kiosk's publisher against a real Mosquitto: sessions on the topic, retained status, last will, the outbox."""

import json
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading

import pytest

from backstretch.config import DEFAULT_CONFIG
from backstretch.kiosk import app
from backstretch.kiosk.collector import Collector
from backstretch.kiosk.config import FleetConfig, load_config
from backstretch.kiosk.doctor import fleet_check
from backstretch.kiosk.engine import SUMMARY
from backstretch.kiosk.fleet import FleetPublisher, probe_broker
from backstretch.kiosk.history import History
from backstretch.kiosk.mqtt import parse_broker
from backstretch.kiosk.outbox import Outbox, unsent_count
from backstretch.kiosk.routine import load_routine
from backstretch.kiosk.session import KioskSession

from .conftest import SECURE_PASSWORD, SECURE_USER, collecting
from .helpers import tilt


def decoded(messages) -> list[dict]:
    return [json.loads(payload) for _, payload, _ in messages]


def test_a_simulated_session_arrives_on_the_topic_as_json(tmp_path, clock, broker, inbox):
    sessions = inbox("backstretch/+/sessions")
    history = History(tmp_path / "h.sqlite3", Outbox("physio-1"))
    publisher = FleetPublisher(parse_broker(broker.url), "physio-1", history.path)
    publisher.start()
    sim = app.simulation("auto", seed=4, rate_hz=50, clock=clock)
    source = sim.source
    source.open()
    kiosk = KioskSession(load_routine(), source, clock, history, sim.observers)
    kiosk.engine.command("start")
    for _ in range(8000):
        clock.advance(0.2)
        kiosk.step()
        publisher.wake()
        if kiosk.engine.view.phase == SUMMARY:
            break
    kiosk.engine.command("pain", 2)
    publisher.wake()
    try:
        # three results, the session's end, then its pain score
        assert sessions.wait_for(lambda m: len(m) >= 5), decoded(sessions.messages)
        got = decoded(sessions.messages)
        assert [m["type"] for m in got] == ["result", "result", "result", "session", "session"]
        assert [m["result"]["exercise_id"] for m in got[:3]] == ["pelvic_tilt", "spinal_twist", "swiss_ball"]
        assert got[0]["result"]["reps_done"] == 8 and got[0]["result"]["detect"] == "reps"
        twist = got[1]["result"]
        assert {h["side"] for h in twist["holds"]} == {"left", "right"} and twist["hold_target_s"] == 30
        assert all(m["kiosk_id"] == "physio-1" and m["v"] == 1 for m in got)
        assert [m["seq"] for m in got] == sorted(m["seq"] for m in got)
        assert len({m["id"] for m in got}) == 5
        assert got[0]["sent_for"]["status"] == "in_progress" and got[0]["sent_for"]["person"] == "Me"
        assert got[3]["sent_for"]["status"] == "completed" and got[4]["sent_for"]["pain"] == 2
        assert got[4]["sent_for"]["pain_during"] is None
        assert {topic for topic, _, _ in sessions.messages} == {"backstretch/physio-1/sessions"}
        assert publisher.wait_until_sent(10) and unsent_count(history.db) == 0
        clinic = Collector(parse_broker(broker.url), tmp_path / "clinic.sqlite3")
        assert all(clinic.store(payload, topic) for topic, payload, _ in sessions.messages)  # the checks let it in
        [stored] = clinic.history.sessions()
        assert stored.status == "completed" and stored.pain == 2 and len(stored.results) == 3
        clinic.history.close()
    finally:
        publisher.stop()
        source.close()
        history.close()


KIOSK_PROCESS = textwrap.dedent(
    """
    import sys, threading
    from backstretch.kiosk.fleet import FleetPublisher
    from backstretch.kiosk.mqtt import parse_broker
    publisher = FleetPublisher(parse_broker(sys.argv[1]), "hall", sys.argv[2])
    publisher.set_status(sensor="ok", streak=3)
    publisher.start()
    print("started", flush=True)
    threading.Event().wait()
    """
)


def test_status_is_retained_online_and_the_last_will_says_offline(tmp_path, broker, inbox):
    History(tmp_path / "h.sqlite3").close()
    kiosk = subprocess.Popen(
        [sys.executable, "-c", KIOSK_PROCESS, broker.url, str(tmp_path / "h.sqlite3")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert kiosk.stdout.readline().strip() == "started"
        watcher = inbox("backstretch/hall/status")
        assert watcher.wait_for(lambda m: any(json.loads(p)["state"] == "online" for _, p, _ in m))
        # a subscriber that comes later gets the status at once: it is retained
        late = inbox("backstretch/hall/status")
        assert late.wait_for(lambda m: len(m) >= 1)
        _, payload, retained = late.messages[0]
        status = json.loads(payload)
        assert retained and status["state"] == "online" and status["sensor"] == "ok" and status["streak"] == 3
        assert status["version"] and status["kiosk_id"] == "hall"
        discovery = inbox("homeassistant/sensor/+/+/config")
        assert discovery.wait_for(lambda m: len(m) >= 5)
        configs = {json.loads(p)["unique_id"]: json.loads(p) for _, p, _ in discovery.messages}
        assert configs["backstretch_hall_streak"]["state_topic"] == "backstretch/hall/status"
        assert configs["backstretch_hall_last_session"]["device_class"] == "timestamp"
        assert all(r for _, _, r in discovery.messages)
        kiosk.send_signal(signal.SIGKILL)  # no goodbye: the broker must say it for the kiosk
        kiosk.wait()
        assert watcher.wait_for(lambda m: json.loads(m[-1][1])["state"] == "offline")
        after = inbox("backstretch/hall/status")
        assert after.wait_for(lambda m: len(m) >= 1)
        assert json.loads(after.messages[0][1])["state"] == "offline" and after.messages[0][2]
    finally:
        kiosk.kill()
        kiosk.wait()


WRITER_PROCESS = textwrap.dedent(
    """
    import os, signal, sys
    from backstretch.kiosk.history import History
    from backstretch.kiosk.outbox import Outbox
    from backstretch.kiosk.results import ExerciseResult
    history = History(sys.argv[1], Outbox("ward"))
    session = history.begin_session("2026-11-20T09:00:00", "Back stretches")
    for position in (1, 2, 3):
        history.add_result(session, ExerciseResult("pelvic_tilt", "Pelvic tilt", "reps", position, "completed", 8, 8))
    os.kill(os.getpid(), signal.SIGKILL)  # between the history write and any publish
    """
)


def test_the_outbox_survives_a_sigkill_between_the_history_write_and_the_publish(tmp_path, broker, inbox):
    db = tmp_path / "h.sqlite3"
    writer = subprocess.run([sys.executable, "-c", WRITER_PROCESS, str(db)], env=os.environ)
    assert writer.returncode == -signal.SIGKILL
    with sqlite3.connect(db) as check:
        assert check.execute("SELECT count(*) FROM exercise_results").fetchone()[0] == 3
        assert unsent_count(check) == 3
    sessions = inbox("backstretch/ward/sessions")
    history = History(db, Outbox("ward"))  # the kiosk, started again: the open session becomes interrupted
    publisher = FleetPublisher(parse_broker(broker.url), "ward", db)
    publisher.start()
    try:
        assert sessions.wait_for(lambda m: len(m) >= 4)  # three results, then "interrupted" from the restart
        got = decoded(sessions.messages)
        assert [m["type"] for m in got] == ["result", "result", "result", "session"]
        assert [m["result"]["position"] for m in got[:3]] == [1, 2, 3]
        assert got[3]["sent_for"]["status"] == "interrupted"
        assert publisher.wait_until_sent(10)
    finally:
        publisher.stop()
        history.close()
    with sqlite3.connect(db) as check:
        assert unsent_count(check) == 0


def test_nothing_is_sent_while_the_broker_is_away_and_all_of_it_after(tmp_path, broker, inbox):
    history = History(tmp_path / "h.sqlite3", Outbox("gym"))
    broker.stop()
    publisher = FleetPublisher(parse_broker(broker.url), "gym", history.path)
    publisher.start()
    session = history.begin_session("2026-11-20T09:00:00", "Back stretches")
    for position in range(1, 6):
        history.add_result(session, tilt(position))
        publisher.wake()  # returns at once though nobody is there
    assert unsent_count(history.db) == 5 and not publisher.connected
    broker.start()
    sessions = inbox("backstretch/gym/sessions")
    try:
        assert sessions.wait_for(lambda m: len(m) >= 5)
        assert [m["result"]["position"] for m in decoded(sessions.messages)] == [1, 2, 3, 4, 5]
    finally:
        publisher.stop()
        history.close()


# -- a clinic's broker: TLS, user name and password ------------------------------------------------
class LogWatch(logging.Handler):
    """Every line the fleet logs, and an event when one holds `text`."""

    def __init__(self, text: str):
        super().__init__(logging.WARNING)
        self.text, self.lines, self.seen = text, [], threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())
        if self.text in self.lines[-1]:
            self.seen.set()


def test_a_kiosk_sends_over_tls_with_its_user_name_and_password(tmp_path, secure_broker):
    broker = parse_broker(secure_broker.url, SECURE_USER, SECURE_PASSWORD, secure_broker.ca_file)
    clinic = collecting(secure_broker, broker, tmp_path / "clinic.sqlite3", "secure-collector")
    history = History(tmp_path / "h.sqlite3", Outbox("desk"))
    publisher = FleetPublisher(broker, "desk", history.path)
    try:
        publisher.start()
        session = history.begin_session("2026-11-20T09:00:00", "Back stretches")
        history.add_result(session, tilt(1))
        publisher.wake()
        assert publisher.wait_until_sent(20), secure_broker.log()
        with clinic.changed:
            assert clinic.changed.wait_for(lambda: clinic.stored >= 1, 20)
    finally:
        publisher.stop()
        clinic.stop()
        history.close()


@pytest.mark.parametrize(
    "password, trusted, said",
    [
        ("wrong", True, "refused the connection: Not authorized"),
        (SECURE_PASSWORD, False, "its TLS certificate is not trusted"),
    ],
)
def test_a_broker_that_will_not_have_the_kiosk_is_named_once_and_the_results_wait(
    tmp_path, secure_broker, password, trusted, said
):
    ca = secure_broker.ca_file if trusted else secure_broker.other_ca_file
    watch = LogWatch(said)
    logging.getLogger("backstretch.kiosk.fleet").addHandler(watch)
    history = History(tmp_path / "h.sqlite3", Outbox("desk"))
    publisher = FleetPublisher(parse_broker(secure_broker.url, SECURE_USER, password, ca), "desk", history.path)
    publisher.start()
    try:
        session = history.begin_session("2026-11-20T09:00:00", "Back stretches")
        history.add_result(session, tilt(1))
        assert watch.seen.wait(20), watch.lines
        assert not publisher.connected and unsent_count(history.db) == 1
        assert not any(password in line for line in watch.lines)
    finally:
        logging.getLogger("backstretch.kiosk.fleet").removeHandler(watch)
        publisher.stop()
        history.close()


# -- doctor ---------------------------------------------------------------------------------------
def fleet_config(url: str, **more) -> FleetConfig:
    return FleetConfig(mqtt_url=url, kiosk_id="desk", **more)


def test_doctor_says_the_broker_takes_the_kiosk_and_how_much_waits(tmp_path, broker):
    history = History(tmp_path / "h.sqlite3", Outbox("desk"))
    session = history.begin_session("2026-11-20T09:00:00", "Back stretches")
    history.add_result(session, tilt(1))
    history.close()
    ok, said = probe_broker(fleet_config(broker.url), tmp_path / "h.sqlite3")
    assert ok and said == f"mqtt://127.0.0.1:{broker.port} takes kiosk 'desk' (1 result message(s) waiting to be sent)"


def test_doctor_names_what_keeps_the_kiosk_from_its_broker(tmp_path, broker, secure_broker):
    broker.stop()
    ok, said = probe_broker(fleet_config(broker.url), tmp_path / "none.sqlite3")
    assert not ok and "nothing listens there" in said and "results wait in the outbox" in said
    untrusted = fleet_config(secure_broker.url, username=SECURE_USER, password="x", ca_file=secure_broker.other_ca_file)
    ok, said = probe_broker(untrusted, tmp_path / "none.sqlite3")
    assert not ok and "certificate is not trusted" in said
    wrong = fleet_config(secure_broker.url, username=SECURE_USER, password="x", ca_file=secure_broker.ca_file)
    ok, said = probe_broker(wrong, tmp_path / "none.sqlite3")
    assert not ok and "refused the connection: Not authorized" in said


def test_doctor_without_a_fleet_says_nothing_is_published():
    check = fleet_check(load_config([(DEFAULT_CONFIG, True)]))
    assert (check.status, check.message) == ("OK", "off: nothing is published (fleet.mqtt_url is empty)")


def test_a_kiosk_whose_user_may_not_write_its_topic_is_told_so_and_keeps_its_results(tmp_path, acl_broker):
    """kiosk_id room-1 with room-2's user name: the README's ACL refuses each publish on backstretch/room-1."""
    watch = LogWatch("the broker refused message")
    logging.getLogger("backstretch.kiosk.fleet").addHandler(watch)
    history = History(tmp_path / "h.sqlite3", Outbox("room-1"))
    publisher = FleetPublisher(parse_broker(acl_broker.url, "room-2", "pw-room-2"), "room-1", history.path)
    publisher.start()
    try:
        history.add_result(history.begin_session("2026-11-20T09:00:00", "Back stretches"), tilt(1))
        publisher.wake()
        assert watch.seen.wait(20), watch.lines
        assert "backstretch/room-1/sessions" in watch.lines[-1] and "ACL" in watch.lines[-1]
        assert unsent_count(history.db) == 1
    finally:
        logging.getLogger("backstretch.kiosk.fleet").removeHandler(watch)
        publisher.stop()
        history.close()
