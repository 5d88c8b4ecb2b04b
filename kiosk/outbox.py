"""Fleet messages kept in the history database until the broker has acknowledged them.

A message is written by the history in the same transaction as the result it describes, so a
crash, a power cut or a week without network never leaves a result without its message or a
message without its result. The publisher sends them oldest first, one at a time, and marks
each sent only when the broker acknowledges it; the collector drops a repeat by its id, so a
message sent twice (acknowledgement lost on the way back) is stored once.

Message format (JSON, version 1), on `backstretch/<kiosk_id>/sessions`:
    {"v": 1, "type": "result",  "id": UUID, "seq": N, "kiosk_id": ..., "sent_for": SESSION, "result": RESULT,
     "recorded_at": TIME}
    {"v": 1, "type": "session", "id": UUID, "seq": N, "kiosk_id": ..., "sent_for": SESSION}
    {"v": 1, "type": "forget",  "id": UUID, "seq": N, "kiosk_id": ..., "person": NAME, "aliases": [OLD NAME, ...]}
    {"v": 1, "type": "rename",  "id": UUID, "seq": N, "kiosk_id": ..., "person": OLD NAME, "new_name": NAME}
SESSION is {"id", "started_at", "ended_at", "status", "pain", "pain_during", "routine", "person"} as
the kiosk knows them when the message is written (pain at the end, the worst "it hurts" score during
it, person null for a guest); RESULT is the exercise result's
fields (`results.ExerciseResult`). `seq` is the kiosk's own order, `id` is unique across kiosks.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from .mqtt import sessions_topic
from .results import ExerciseResult, HoldRecord

MESSAGE_VERSION = 1
KEEP_SENT_DAYS = 7  # sent messages are health data too: kept a week for troubleshooting, then deleted


@dataclass(frozen=True)
class Message:
    seq: int
    topic: str
    payload: bytes


class Outbox:
    """Writes messages on the history's connection, inside the transaction the history has open."""

    def __init__(self, kiosk_id: str, notify: Callable[[], None] | None = None):
        self.kiosk_id = kiosk_id
        self.topic = sessions_topic(kiosk_id)
        self.notify = notify  # tells the publisher there is something new; it looks again within a second anyway

    def result(self, db: sqlite3.Connection, session_id: int, result: ExerciseResult) -> None:
        body = {"sent_for": _session(db, session_id), "result": result_to_dict(result), "recorded_at": _now()}
        self._add(db, "result", session_id, body)

    def session(self, db: sqlite3.Connection, session_id: int) -> None:
        self._add(db, "session", session_id, {"sent_for": _session(db, session_id)})

    def forget(self, db: sqlite3.Connection, person: str, aliases: list[str]) -> None:
        """A person removed on the kiosk (their messages already deleted): ask the collector to delete its copy,
        under the names of renames it has not been told of (`aliases`), too."""
        self._add(db, "forget", None, {"person": person, "aliases": aliases})

    def rename(self, db: sqlite3.Connection, profile_id: int, old: str, new: str) -> None:
        """A person renamed on the kiosk: the collector's copy follows, so a later removal finds it there too."""
        self._add(db, "rename", None, {"person": old, "new_name": new}, profile_id)

    def _add(
        self, db: sqlite3.Connection, kind: str, session_id: int | None, body: dict, profile: int | None = None
    ) -> None:
        if session_id is not None:
            profile = db.execute("SELECT profile_id FROM sessions WHERE id = ?", (session_id,)).fetchone()[0]
        message = {"v": MESSAGE_VERSION, "type": kind, "id": uuid.uuid4().hex, "kiosk_id": self.kiosk_id, **body}
        db.execute(
            "INSERT INTO outbox (topic, payload, profile_id, created_at) VALUES (?, ?, ?, ?)",
            (self.topic, json.dumps(message, separators=(",", ":")), profile, _now()),
        )
        if self.notify:
            self.notify()


def _session(db: sqlite3.Connection, session_id: int) -> dict:
    row = db.execute(
        "SELECT s.id, s.started_at, s.ended_at, s.status, s.pain, s.pain_during, s.routine, p.name "
        "FROM sessions s LEFT JOIN profiles p ON p.id = s.profile_id WHERE s.id = ?",
        (session_id,),
    ).fetchone()
    keys = ("id", "started_at", "ended_at", "status", "pain", "pain_during", "routine", "person")
    return dict(zip(keys, row, strict=True))


def result_to_dict(result: ExerciseResult) -> dict:
    return dataclasses.asdict(result)


def result_from_dict(data: dict) -> ExerciseResult:
    """The fields this version knows; a newer kiosk's extra fields are ignored, not an error."""
    known = {f.name for f in dataclasses.fields(ExerciseResult)}
    values = {k: v for k, v in data.items() if k in known}
    values["holds"] = [HoldRecord(h["side"], float(h["seconds"]), bool(h["completed"])) for h in data.get("holds", [])]
    return ExerciseResult(**values)


# -- the publisher's side, on its own connection ------------------------------------------------
def unsent_old_names(db: sqlite3.Connection, profile_id: int) -> list[str]:
    """The names a person had before renames that have not reached the broker yet."""
    rows = db.execute("SELECT payload FROM outbox WHERE profile_id = ? AND sent_at IS NULL ORDER BY id", (profile_id,))
    return [m["person"] for m in (json.loads(p) for (p,) in rows) if m["type"] == "rename"]


def oldest_unsent(db: sqlite3.Connection) -> Message | None:
    row = db.execute("SELECT id, topic, payload FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT 1").fetchone()
    if row is None:
        return None
    seq, topic, payload = row
    message = json.loads(payload)
    message["seq"] = seq
    return Message(seq, topic, json.dumps(message, separators=(",", ":")).encode())


def mark_sent(db: sqlite3.Connection, seq: int) -> None:
    with db:
        db.execute("UPDATE outbox SET sent_at = ? WHERE id = ?", (_now(), seq))


def unsent_count(db: sqlite3.Connection) -> int:
    return db.execute("SELECT count(*) FROM outbox WHERE sent_at IS NULL").fetchone()[0]


def prune_sent(db: sqlite3.Connection, keep_days: int = KEEP_SENT_DAYS) -> int:
    with db:
        cur = db.execute(
            "DELETE FROM outbox WHERE sent_at < strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime', ?)",
            (f"-{keep_days} days",),
        )
    return cur.rowcount


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")
