"""The outbox lives in the history's transactions: a result and its fleet message exist together or not at all."""

import json
import sqlite3

from backstretch.kiosk.history import History
from backstretch.kiosk.outbox import Outbox, mark_sent, oldest_unsent, prune_sent, result_from_dict, unsent_count

from .helpers import twist


def test_nothing_goes_in_the_outbox_without_a_fleet(tmp_path):
    h = History(tmp_path / "h.sqlite3")
    h.add_result(h.begin_session("2026-11-20T09:00:00", "r"), twist())
    assert unsent_count(h.db) == 0
    h.close()


def test_messages_come_out_oldest_first_with_their_order_and_a_unique_id(tmp_path):
    h = History(tmp_path / "h.sqlite3", Outbox("k1"))
    sid = h.begin_session("2026-11-20T09:00:00", "Back stretches")
    h.add_result(sid, twist())
    h.end_session(sid, "2026-11-20T09:10:00", "partial")
    first = oldest_unsent(h.db)
    message = json.loads(first.payload)
    assert first.topic == "backstretch/k1/sessions" and message["seq"] == first.seq and message["type"] == "result"
    assert result_from_dict(message["result"]) == twist()  # what is sent reads back as the same result
    mark_sent(h.db, first.seq)
    second = json.loads(oldest_unsent(h.db).payload)
    assert second["type"] == "session" and second["sent_for"]["status"] == "partial" and second["id"] != message["id"]
    assert unsent_count(h.db) == 1
    h.close()


def test_a_result_whose_message_cannot_be_written_is_not_written_either(tmp_path):
    class Broken(Outbox):
        def result(self, db, session_id, result):
            super().result(db, session_id, result)
            raise sqlite3.OperationalError("disk I/O error")

    h = History(tmp_path / "h.sqlite3", Broken("k1"))
    sid = h.begin_session("2026-11-20T09:00:00", "r")
    h.add_result(sid, twist())  # the failed write is kept for a retry, never raised at the kiosk
    assert h.unsaved.startswith("History not saved yet (disk I/O error)")
    assert h.db.execute("SELECT count(*) FROM exercise_results").fetchone()[0] == 0
    assert unsent_count(h.db) == 0
    h.close()


def test_sent_messages_are_kept_a_week_then_deleted(tmp_path):
    h = History(tmp_path / "h.sqlite3", Outbox("k1"))
    sid = h.begin_session("2026-11-20T09:00:00", "r")
    for _ in range(3):
        h.add_result(sid, twist())
    h.db.execute("UPDATE outbox SET sent_at = '2020-01-01T00:00:00' WHERE id = 1")
    mark_sent(h.db, 2)
    assert prune_sent(h.db) == 1
    assert [r[0] for r in h.db.execute("SELECT id FROM outbox")] == [2, 3]
    h.close()


def test_todays_database_is_migrated_without_losing_a_session_and_they_belong_to_the_first_person(tmp_path):
    from backstretch.kiosk.history import MIGRATIONS, SCHEMA_VERSION

    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path)
    for statement in ";".join(MIGRATIONS[:2]).split(";"):
        if statement.strip():
            old.execute(statement)
    old.execute("PRAGMA user_version = 2")
    for day in ("2026-11-18", "2026-11-19"):
        old.execute("INSERT INTO sessions (started_at, status, routine, pain) VALUES (?, 'completed', 'r', 2)", (day,))
    old.commit()
    old.close()
    h = History(path)
    assert h.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert [(s.started_at, s.person, s.pain) for s in h.sessions()] == [
        ("2026-11-19", "Me", 2),
        ("2026-11-18", "Me", 2),
    ]
    h.close()
