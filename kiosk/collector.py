"""`backstretch collect`: one SQLite history for a whole clinic, filled from every kiosk's MQTT messages.

The collector keeps a persistent MQTT session (a fixed client id, no clean start), so the broker
holds the kiosks' messages while the collector is down and delivers them when it is back. Each
message is stored and its id recorded in one transaction, and only then acknowledged (paho's
manual acknowledgement), so a message is never acknowledged unstored, and one delivered twice is
stored once. The file has the kiosk's own schema, so `history` and `report` read it as they read
a kiosk's: each session keeps which kiosk it came from and its number there; people are matched by
name across kiosks.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from datetime import datetime
from pathlib import Path

from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from backstretch.errors import BadMessage, CollectorError

from .history import History, insert_result
from .mqtt import TOPIC_ROOT, Broker, make_client
from .outbox import MESSAGE_VERSION, result_from_dict

_log = logging.getLogger(__name__)

SUBSCRIPTION = f"{TOPIC_ROOT}/+/sessions"
SESSION_EXPIRY_S = 30 * 86400  # the broker keeps our queue this long while the collector is away


class Collector:
    """Stores on the thread that runs it (SQLite connections stay on one thread): `run()` here, or `start()`."""

    def __init__(self, broker: Broker, database: str | Path, client_id: str = "backstretch-collector"):
        self.broker, self.database = broker, Path(database)
        self.history: History | None = None
        self._thread: threading.Thread | None = None
        self.stored = self.repeats = self.rejected = 0
        self.failure: str | None = None
        self.changed = threading.Condition()  # notified after every stored message, for whoever waits on it
        self.client = make_client(broker, client_id, manual_ack=True)
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message

    def connect(self) -> None:
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = SESSION_EXPIRY_S
        self.client.connect_async(
            self.broker.host, self.broker.port, keepalive=30, clean_start=False, properties=properties
        )

    def open(self) -> History:
        if self.history is None:
            self.history = History(self.database)
        return self.history

    def start(self) -> None:
        """Collect on a thread of its own (tests, or a program that does other things meanwhile)."""
        self._thread = threading.Thread(target=self.run, name="collector", daemon=True)
        self._thread.start()

    def run(self) -> None:
        """Collect until `stop()` (a signal handler calls it); raises CollectorError if storing fails."""
        self.open()
        try:
            self.connect()
            self.client.loop_forever(retry_first_connection=True)
        finally:
            self.history.close()
            self.history = None
        if self.failure:
            raise CollectorError(self.failure)

    def stop(self) -> None:
        self.client.disconnect()
        if self._thread:
            self._thread.join()

    def _on_connect(self, client, userdata, flags, reason, properties) -> None:
        if reason.is_failure:
            _log.warning("collect: %s refused the connection: %s", self.broker.describe(), reason)
            return
        _log.info("collect: connected to %s, subscribing to %s", self.broker.describe(), SUBSCRIPTION)
        client.subscribe(SUBSCRIPTION, qos=1)  # again on every connect, in case the broker lost our session

    def _on_message(self, client, userdata, msg) -> None:
        try:
            stored = self.store(msg.payload)
        except BadMessage as exc:
            _log.warning("collect: dropped a message on %s: %s", msg.topic, exc)
            self.rejected += 1
        except sqlite3.Error as exc:
            # Not acknowledged: the broker delivers it again after we reconnect. Stop rather than skip it.
            self.failure = f"{self.database}: cannot store a message: {exc}"
            _log.error("collect: %s", self.failure)
            client.disconnect()
            return
        else:
            if stored:
                self.stored += 1
            else:
                self.repeats += 1
        client.ack(msg.mid, msg.qos)
        with self.changed:
            self.changed.notify_all()

    def store(self, payload: bytes | str) -> bool:
        """Store one message; False when it was stored before (a redelivery). Raises BadMessage."""
        message = _parse(payload)
        with self.open().transaction() as db:
            seen = db.execute("SELECT 1 FROM received WHERE message_id = ?", (message["id"],)).fetchone()
            if seen:
                return False
            kiosk = message["kiosk_id"]
            if message["type"] == "forget":
                _forget(db, kiosk, message["person"])
            else:
                session_id = _session(db, kiosk, message["sent_for"])
                if message["type"] == "result":
                    insert_result(db, session_id, message["result"], message.get("recorded_at"))
            db.execute(
                "INSERT INTO received (message_id, kiosk_id, seq, received_at) VALUES (?, ?, ?, ?)",
                (message["id"], kiosk, message.get("seq"), datetime.now().isoformat(timespec="seconds")),
            )
        return True


def _parse(payload: bytes | str) -> dict:
    """The message, checked enough that storing it cannot fail half-way on a missing field."""
    try:
        message = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        raise BadMessage("not JSON") from None
    if not isinstance(message, dict) or message.get("v") != MESSAGE_VERSION:
        raise BadMessage(f"not a version {MESSAGE_VERSION} backstretch message")
    kind = message.get("type")
    if kind not in ("result", "session", "forget"):
        raise BadMessage(f"unknown type {kind!r}")
    if not isinstance(message.get("id"), str) or not isinstance(message.get("kiosk_id"), str):
        raise BadMessage("no id or kiosk_id")
    try:
        if kind == "forget":
            if not isinstance(message["person"], str):
                raise BadMessage("forget without a person")
            return message
        missing = [k for k in ("id", "started_at", "status", "routine") if k not in message["sent_for"]]
        if missing:
            raise BadMessage(f"a {kind} message whose session has no {', '.join(missing)}")
        if kind == "result":
            message["result"] = result_from_dict(message["result"])
    except (KeyError, TypeError, ValueError) as exc:
        raise BadMessage(f"a {kind} message with a missing or malformed field ({exc})") from None
    return message


def _session(db: sqlite3.Connection, kiosk: str, s: dict) -> int:
    """The clinic's row for a kiosk's session, made on its first message and brought up to date by later ones.

    Known by kiosk, number there and start time: a kiosk whose database was started afresh counts from 1 again.
    """
    person = _person(db, s.get("person"))
    row = db.execute(
        "SELECT id FROM sessions WHERE kiosk_id = ? AND origin_id = ? AND started_at = ?",
        (kiosk, s["id"], s["started_at"]),
    ).fetchone()
    if row is None:
        cur = db.execute(
            "INSERT INTO sessions (started_at, routine, kiosk_id, origin_id) VALUES (?, ?, ?, ?)",
            (s["started_at"], s["routine"], kiosk, s["id"]),
        )
        row = (cur.lastrowid,)
    db.execute(
        "UPDATE sessions SET ended_at = ?, status = ?, pain = ?, pain_during = ?, profile_id = ? WHERE id = ?",
        (s.get("ended_at"), s["status"], s.get("pain"), s.get("pain_during"), person, row[0]),
    )
    return row[0]


def _person(db: sqlite3.Connection, name: str | None) -> int | None:
    if not name:
        return None  # a guest
    row = db.execute("SELECT id FROM profiles WHERE name = ?", (name,)).fetchone()
    if row:
        return row[0]
    return db.execute(
        "INSERT INTO profiles (name, created_at) VALUES (?, ?)", (name, datetime.now().isoformat(timespec="seconds"))
    ).lastrowid


def _forget(db: sqlite3.Connection, kiosk: str, name: str) -> None:
    """A person removed on a kiosk: what that kiosk sent about them goes here too."""
    row = db.execute("SELECT id FROM profiles WHERE name = ?", (name,)).fetchone()
    if row is None:
        return
    sessions = "SELECT id FROM sessions WHERE kiosk_id = ? AND profile_id = ?"
    db.execute(f"DELETE FROM exercise_results WHERE session_id IN ({sessions})", (kiosk, row[0]))
    db.execute("DELETE FROM sessions WHERE kiosk_id = ? AND profile_id = ?", (kiosk, row[0]))
    if not db.execute("SELECT 1 FROM sessions WHERE profile_id = ?", (row[0],)).fetchone():
        db.execute("DELETE FROM profiles WHERE id = ?", (row[0],))
