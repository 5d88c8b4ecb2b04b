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

import dataclasses
import json
import logging
import math
import sqlite3
import threading
import typing
from datetime import datetime
from pathlib import Path

from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from backstretch.drivers.stream import LogThrottle
from backstretch.errors import BadMessage, CollectorError

from .config import topic_word
from .history import History, insert_result
from .mqtt import TOPIC_ROOT, Broker, ConnectionTrouble, make_client, sessions_topic
from .outbox import MESSAGE_VERSION, result_from_dict
from .people import NAME_MAX
from .results import ExerciseResult

_log = logging.getLogger(__name__)

SUBSCRIPTION = f"{TOPIC_ROOT}/+/sessions"
SESSION_EXPIRY_S = 30 * 86400  # the broker keeps our queue this long while the collector is away
MAX_MESSAGE_BYTES = 256 * 1024  # a result message is about 1 kB; anything near this is not one of ours
MAX_TEXT = 200  # characters of a name, status or routine title in a message
MAX_HOLDS = 200
MAX_ALIASES = 50  # a forget's old names: renames the collector had not heard of yet


class Collector:
    """Stores on the thread that runs it (SQLite connections stay on one thread): `run()` here, or `start()`."""

    def __init__(self, broker: Broker, database: str | Path, client_id: str = "backstretch-collector"):
        self.broker, self.database = broker, Path(database)
        self.history: History | None = None
        self._thread: threading.Thread | None = None
        self.stored = self.repeats = self.rejected = self.unstored = 0
        self.throttle = LogThrottle(_log)  # a flood of bad messages gets a line a minute, not a line each
        self.failure: str | None = None
        self.changed = threading.Condition()  # notified after every stored message, for whoever waits on it
        self.client = make_client(broker, client_id, manual_ack=True)
        self.trouble = ConnectionTrouble(_log, "collect", broker)
        self.client.on_connect = self._on_connect
        self.client.on_connect_fail = self.trouble.failed
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
            self.history.db.execute("PRAGMA secure_delete = ON")  # a person forgotten is gone from the file too
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
            self.trouble.refused(reason)
            return
        self.trouble.connected()
        _log.info("collect: connected to %s, subscribing to %s", self.broker.describe(), SUBSCRIPTION)
        client.subscribe(SUBSCRIPTION, qos=1)  # again on every connect, in case the broker lost our session

    def _on_message(self, client, userdata, msg) -> None:
        try:
            stored = self.store(msg.payload, msg.topic)
        except BadMessage as exc:
            self.throttle.warning("bad", "collect: dropped a message on %.80s: %s", msg.topic, exc)
            self.rejected += 1
            client.ack(msg.mid, msg.qos)  # not ours: delivering it again would not make it ours
        except sqlite3.OperationalError as exc:
            # Not acknowledged: the broker delivers it again after we reconnect. Stop rather than skip it.
            self.failure = f"{self.database}: cannot store a message: {exc}"
            _log.error("collect: %s", self.failure)
            client.disconnect()
            return
        except Exception as exc:  # a bug, or a message the checks let through: kept at the broker, not lost
            self.unstored += 1
            self.throttle.warning(
                "unstored",
                "collect: could not store a message on %.80s (%r); left unacknowledged for the next connection",
                msg.topic,
                exc,
                exc_info=True,
            )
        else:
            if stored:
                self.stored += 1
            else:
                self.repeats += 1
            client.ack(msg.mid, msg.qos)
        with self.changed:
            self.changed.notify_all()

    def store(self, payload: bytes | str, topic: str | None = None) -> bool:
        """Store one message; False when it was stored before (a redelivery). Raises BadMessage.

        With `topic`, the message must name the kiosk whose topic it came on (a broker's ACL per kiosk then
        means one kiosk cannot write, or ask to forget, in another's name)."""
        message = _parse(payload, topic)
        with self.open().transaction() as db:
            seen = db.execute("SELECT 1 FROM received WHERE message_id = ?", (message["id"],)).fetchone()
            if seen:
                return False
            kiosk = message["kiosk_id"]
            if message["type"] == "forget":
                for name in [message["person"], *(message.get("aliases") or [])]:
                    _forget(db, kiosk, name)
            elif message["type"] == "rename":
                _rename(db, kiosk, message["person"], message["new_name"])
            else:
                session_id = _session(db, kiosk, message["sent_for"])
                if message["type"] == "result":
                    insert_result(db, session_id, message["result"], message.get("recorded_at"))
            db.execute(
                "INSERT INTO received (message_id, kiosk_id, seq, received_at) VALUES (?, ?, ?, ?)",
                (message["id"], kiosk, message.get("seq"), datetime.now().isoformat(timespec="seconds")),
            )
        if message["type"] == "forget":
            self.history.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return True


def _parse(payload: bytes | str, topic: str | None = None) -> dict:
    """The message, every field checked for its type and range, so storing it cannot fail on what it holds.

    Anyone who may publish on the broker can send anything: a message that is not exactly ours is
    refused here (BadMessage), before the database sees it.
    """
    if len(payload) > MAX_MESSAGE_BYTES:
        raise BadMessage(f"{len(payload)} bytes; a message is at most {MAX_MESSAGE_BYTES}")
    try:
        message = json.loads(payload, parse_constant=_no_constant)
    except RecursionError:
        raise BadMessage("JSON nested too deep") from None
    except (ValueError, UnicodeDecodeError):
        raise BadMessage("not JSON") from None
    if not isinstance(message, dict) or message.get("v") != MESSAGE_VERSION:
        raise BadMessage(f"not a version {MESSAGE_VERSION} backstretch message")
    kind = message.get("type")
    if kind not in ("result", "session", "forget", "rename"):
        raise BadMessage(f"unknown type {_shown(kind)}")
    _check(message, "id", _text(64), "the message")
    _check(message, "kiosk_id", _kiosk_word, "the message")
    if topic is not None and topic != sessions_topic(message["kiosk_id"]):
        raise BadMessage(f"kiosk {message['kiosk_id']!r} on another kiosk's topic")
    _check(message, "seq", _optional(_count), "the message")
    if kind in ("forget", "rename"):
        _check(message, "person", _person_name, f"a {kind} message")
        if kind == "rename":
            _check(message, "new_name", _person_name, "a rename message")
        else:
            _check(message, "aliases", _optional(_names), "a forget message")
        return message
    session = message.get("sent_for")
    if not isinstance(session, dict):
        raise BadMessage(f"a {kind} message without its session (sent_for)")
    for key, check in SESSION_FIELDS.items():
        _check(session, key, check, f"a {kind} message's session")
    if kind == "result":
        _check(message, "recorded_at", _optional(_time), "a result message")
        message["result"] = _result(message.get("result"))
    return message


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number")


def _shown(value) -> str:
    return repr(value)[:40]


def _check(doc: dict, key: str, check, where: str) -> None:
    if not check(doc.get(key)):
        raise BadMessage(f"{where}: {key} = {_shown(doc.get(key))} is not allowed")


def _text(limit: int):
    return lambda v: isinstance(v, str) and 0 < len(v) <= limit and v.isprintable()


def _optional(check):
    return lambda v: v is None or check(v)


def _count(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 2**63


def _number(v) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) and abs(v) < 1e9


def _time(v) -> bool:
    if not isinstance(v, str) or len(v) > 40:
        return False
    try:
        datetime.fromisoformat(v)
    except ValueError:
        return False
    return True


def _kiosk_word(v) -> bool:
    return isinstance(v, str) and topic_word(v) is None and v != ""


def _person_name(v) -> bool:
    return _text(NAME_MAX)(v) and v == " ".join(v.split())


def _names(v) -> bool:
    return isinstance(v, list) and len(v) <= MAX_ALIASES and all(_person_name(n) for n in v)


def _pain(v) -> bool:
    return v is None or (_count(v) and v <= 10)


SESSION_FIELDS = {
    "id": _count,
    "started_at": _time,
    "ended_at": _optional(_time),
    "status": _text(40),
    "routine": _text(MAX_TEXT),
    "pain": _pain,
    "pain_during": _pain,
    "person": _optional(_person_name),
}


def _words(v) -> bool:
    return isinstance(v, str) and len(v) <= MAX_TEXT and v.isprintable()


RESULT_TYPES = typing.get_type_hints(ExerciseResult)
RESULT_CHECKS = {int: _count, float: _number, str: _words}


def _result(data) -> ExerciseResult:
    """An exercise result's fields, each of the type the kiosk writes; a newer kiosk's extra fields are ignored."""
    if not isinstance(data, dict):
        raise BadMessage("a result message without its result")
    for f in dataclasses.fields(ExerciseResult):
        if f.name == "holds" or (f.name not in data and f.default is not dataclasses.MISSING):
            continue
        _check(data, f.name, RESULT_CHECKS[RESULT_TYPES[f.name]], "a result")
    holds = data.get("holds", [])
    if not isinstance(holds, list) or len(holds) > MAX_HOLDS:
        raise BadMessage(f"a result's holds must be a list of at most {MAX_HOLDS}")
    for h in holds:
        if not (
            isinstance(h, dict)
            and _optional(_text(20))(h.get("side"))
            and _number(h.get("seconds"))
            and isinstance(h.get("completed"), bool)
        ):
            raise BadMessage(f"a result's hold {_shown(h)} is not (side, seconds, completed)")
    return result_from_dict(data)


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


def _rename(db: sqlite3.Connection, kiosk: str, old: str, new: str) -> None:
    """A person renamed on a kiosk: that kiosk's sessions of theirs move to the new name (another kiosk's
    person of the old name keeps theirs)."""
    row = db.execute("SELECT id FROM profiles WHERE name = ?", (old,)).fetchone()
    if row is None:
        return
    db.execute(
        "UPDATE sessions SET profile_id = ? WHERE kiosk_id = ? AND profile_id = ?", (_person(db, new), kiosk, row[0])
    )
    _drop_if_unused(db, row[0])


def _drop_if_unused(db: sqlite3.Connection, profile_id: int) -> None:
    if not db.execute("SELECT 1 FROM sessions WHERE profile_id = ?", (profile_id,)).fetchone():
        db.execute("DELETE FROM profiles WHERE id = ?", (profile_id,))


def _forget(db: sqlite3.Connection, kiosk: str, name: str) -> None:
    """A person removed on a kiosk: what that kiosk sent about them goes here too."""
    row = db.execute("SELECT id FROM profiles WHERE name = ?", (name,)).fetchone()
    if row is None:
        return
    sessions = "SELECT id FROM sessions WHERE kiosk_id = ? AND profile_id = ?"
    db.execute(f"DELETE FROM exercise_results WHERE session_id IN ({sessions})", (kiosk, row[0]))
    db.execute("DELETE FROM sessions WHERE kiosk_id = ? AND profile_id = ?", (kiosk, row[0]))
    _drop_if_unused(db, row[0])
