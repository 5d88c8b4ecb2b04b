"""Sessions and exercise results in SQLite, written so a crash or power cut never corrupts them.

Each finished exercise is one transaction; the journal is WAL with full syncs, so at most the
exercise in progress is lost. The schema carries its version in `PRAGMA user_version` and is
migrated forward step by step; a database from a newer version is refused, not damaged.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TextIO

from backstretch.errors import HistoryError

from .outbox import Outbox
from .results import ExerciseResult, HoldRecord, SessionRecord

DB_NAME = "history.sqlite3"

MIGRATIONS = [
    # 1: sessions and one row per exercise result
    """
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        status TEXT NOT NULL DEFAULT 'in_progress',
        routine TEXT NOT NULL,
        pain INTEGER CHECK (pain BETWEEN 0 AND 10)
    );
    CREATE TABLE exercise_results (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        position INTEGER NOT NULL,
        exercise TEXT NOT NULL,
        name TEXT NOT NULL,
        detect TEXT NOT NULL,
        status TEXT NOT NULL,
        reps_done INTEGER NOT NULL,
        reps_target INTEGER NOT NULL,
        hold_target_s REAL NOT NULL,
        holds_wanted INTEGER NOT NULL,
        holds TEXT NOT NULL,
        range_deg REAL NOT NULL,
        duration_s REAL NOT NULL,
        calibration TEXT NOT NULL
    );
    CREATE INDEX results_by_session ON exercise_results(session_id);
    """,
    # 2: when each result was written, so a therapist's export can order and date them
    """
    ALTER TABLE exercise_results ADD COLUMN recorded_at TEXT;
    """,
    # 3: people (today's sessions belong to the first one), the fleet outbox, and what a clinic collector
    # needs to keep many kiosks in one file: which kiosk a session came from and which messages it has stored
    """
    CREATE TABLE profiles (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        targets TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL
    );
    INSERT INTO profiles (id, name, created_at) VALUES (1, 'Me', strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime'));
    ALTER TABLE sessions ADD COLUMN profile_id INTEGER REFERENCES profiles(id);
    UPDATE sessions SET profile_id = 1;
    ALTER TABLE sessions ADD COLUMN kiosk_id TEXT;
    ALTER TABLE sessions ADD COLUMN origin_id INTEGER;
    CREATE UNIQUE INDEX sessions_by_origin ON sessions(kiosk_id, origin_id);
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        topic TEXT NOT NULL,
        payload TEXT NOT NULL,
        profile_id INTEGER,
        created_at TEXT NOT NULL,
        sent_at TEXT
    );
    CREATE INDEX outbox_unsent ON outbox(id) WHERE sent_at IS NULL;
    CREATE TABLE received (
        message_id TEXT PRIMARY KEY,
        kiosk_id TEXT NOT NULL,
        seq INTEGER,
        received_at TEXT NOT NULL
    );
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


def default_data_dir() -> Path:
    """systemd's StateDirectory when run as the service, else the XDG data directory."""
    state = os.environ.get("STATE_DIRECTORY")
    if state:
        return Path(state.split(":")[0])
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "backstretch"


def database_path(data_dir: str | None = None, configured: str = "") -> Path:
    """--data-dir or BACKSTRETCH_DATA_DIR first, then history.database from the config, then the default."""
    chosen = data_dir or os.environ.get("BACKSTRETCH_DATA_DIR")
    if chosen:
        return Path(chosen) / DB_NAME
    if configured:
        return Path(configured)
    return default_data_dir() / DB_NAME


class History:
    def __init__(self, path: str | Path, outbox: Outbox | None = None):
        self.path = Path(path)
        self.outbox = outbox  # fleet messages, written in the same transaction as what they describe
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, isolation_level=None)  # transactions are explicit
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
            self._mark_interrupted()
            # who the next session belongs to: the person tapped on the idle screen, None for a guest
            self.person: int | None = self.db.execute("SELECT min(id) FROM profiles").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise HistoryError(f"{self.path}: cannot use the history database: {exc}") from None
        except OSError as exc:
            raise HistoryError(f"{self.path}: cannot open the history database: {exc.strerror or exc}") from None

    def close(self) -> None:
        self.db.close()

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise HistoryError(
                f"{self.path}: written by a newer backstretch (schema {version}, this one knows "
                f"{SCHEMA_VERSION}); upgrade backstretch, the file was left untouched"
            )
        for number in range(version, SCHEMA_VERSION):
            with self._transaction():
                for statement in MIGRATIONS[number].split(";"):
                    if statement.strip():
                        self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {number + 1}")

    def _mark_interrupted(self) -> None:
        """Sessions left open by a crash or power cut keep their results and are marked as such.

        Only this kiosk's own: a session a collector holds for another kiosk may still be running there.
        """
        with self._transaction():
            open_ids = [
                row[0]
                for row in self.db.execute("SELECT id FROM sessions WHERE status = 'in_progress' AND kiosk_id IS NULL")
            ]
            self.db.executemany("UPDATE sessions SET status = 'interrupted' WHERE id = ?", [(i,) for i in open_ids])
            for session_id in open_ids if self.outbox else ():
                self.outbox.session(self.db, session_id)

    def _transaction(self):
        return _Transaction(self.db)

    def transaction(self):
        """All of a change or none of it, for writers outside this class (the clinic collector)."""
        return self._transaction()

    # -- writing --------------------------------------------------------------------------
    def begin_session(self, started_at: str, routine: str) -> int:
        with self._transaction():
            cur = self.db.execute(
                "INSERT INTO sessions (started_at, routine, profile_id) VALUES (?, ?, ?)",
                (started_at, routine, self.person),
            )
        return cur.lastrowid

    def add_result(self, session_id: int, r: ExerciseResult) -> None:
        with self._transaction():
            insert_result(self.db, session_id, r, datetime.now().isoformat(timespec="seconds"))
            if self.outbox:
                self.outbox.result(self.db, session_id, r)

    def end_session(self, session_id: int, ended_at: str, status: str) -> None:
        with self._transaction():
            self.db.execute("UPDATE sessions SET ended_at = ?, status = ? WHERE id = ?", (ended_at, status, session_id))
            if self.outbox:
                self.outbox.session(self.db, session_id)

    def set_pain(self, session_id: int, pain: int) -> None:
        with self._transaction():
            self.db.execute("UPDATE sessions SET pain = ? WHERE id = ?", (pain, session_id))
            if self.outbox:
                self.outbox.session(self.db, session_id)

    # -- reading --------------------------------------------------------------------------
    def sessions(self, limit: int | None = None) -> list[SessionRecord]:
        rows = self.db.execute(
            "SELECT s.id, s.started_at, s.ended_at, s.status, s.routine, s.pain, p.name, s.kiosk_id "
            "FROM sessions s LEFT JOIN profiles p ON p.id = s.profile_id "
            "ORDER BY s.started_at DESC, s.id DESC" + (f" LIMIT {int(limit)}" if limit else "")
        ).fetchall()
        sessions = [SessionRecord(*row[:6], person=row[6], kiosk=row[7]) for row in rows]
        for s in sessions:
            s.results = self._results(s.id)
        return sessions

    def _results(self, session_id: int) -> list[ExerciseResult]:
        rows = self.db.execute(
            "SELECT exercise, name, detect, position, status, reps_done, reps_target, hold_target_s, "
            "holds_wanted, holds, range_deg, duration_s, calibration "
            "FROM exercise_results WHERE session_id = ? ORDER BY position, id",
            (session_id,),
        ).fetchall()
        results = []
        for (
            exercise,
            name,
            detect,
            position,
            status,
            reps_done,
            reps_target,
            hold_target_s,
            holds_wanted,
            holds,
            range_deg,
            duration_s,
            calibration,
        ) in rows:
            results.append(
                ExerciseResult(
                    exercise,
                    name,
                    detect,
                    position,
                    status,
                    reps_done,
                    reps_target,
                    hold_target_s,
                    holds_wanted,
                    [HoldRecord(**h) for h in json.loads(holds)],
                    range_deg,
                    duration_s,
                    calibration,
                )
            )
        return results

    def active_days(self, person: int | None = None) -> list[date]:
        """Days with at least one exercise done, newest first; one person's when `person` is given."""
        rows = self.db.execute(
            "SELECT DISTINCT substr(s.started_at, 1, 10) FROM sessions s JOIN exercise_results r "
            "ON r.session_id = s.id WHERE r.status != 'skipped' AND (? IS NULL OR s.profile_id = ?) ORDER BY 1 DESC",
            (person, person),
        ).fetchall()
        return [date.fromisoformat(r[0]) for r in rows]

    def streak(self, today: date, person: int | None = None) -> int:
        """Days in a row with a session, counting back from today (or from yesterday, if not yet today)."""
        days = set(self.active_days(person))
        day = today if today in days else today - timedelta(days=1)
        count = 0
        while day in days:
            count += 1
            day -= timedelta(days=1)
        return count

    def weekly_totals(self) -> list[dict]:
        weeks: dict[str, dict] = {}
        for s in self.sessions():
            year, week, _ = date.fromisoformat(s.started_at[:10]).isocalendar()
            w = weeks.setdefault(
                f"{year}-W{week:02d}", {"week": f"{year}-W{week:02d}", "sessions": 0, "reps": 0, "hold_minutes": 0.0}
            )
            w["sessions"] += 1
            w["reps"] += sum(r.reps_done for r in s.results)
            w["hold_minutes"] += sum(h.seconds for r in s.results for h in r.holds) / 60
        return [
            dict(w, hold_minutes=round(w["hold_minutes"], 1))
            for w in sorted(weeks.values(), key=lambda w: w["week"], reverse=True)
        ]

    def export_csv(self, out: TextIO, person: str | None = None) -> int:
        """One row per exercise result, with its session's person, date, status and pain: a sheet for a therapist.

        With `person`, only theirs (the export a person may ask for). Guests are "guest"; `kiosk` is
        filled in a clinic's collected history.
        """
        writer = csv.writer(out)
        writer.writerow(
            [
                "person",
                "kiosk",
                "session",
                "started_at",
                "session_status",
                "pain",
                "position",
                "exercise",
                "status",
                "reps_done",
                "reps_target",
                "holds_completed",
                "holds_wanted",
                "hold_target_s",
                "seconds_left",
                "seconds_right",
                "seconds_no_side",
                "range_deg",
                "duration_s",
                "calibration",
            ]
        )
        count = 0
        for s in reversed(self.sessions()):
            if person is not None and (s.person or "").casefold() != person.casefold():
                continue
            for r in s.results:
                writer.writerow(
                    [
                        s.person or "guest",
                        s.kiosk or "",
                        s.id,
                        s.started_at,
                        s.status,
                        "" if s.pain is None else s.pain,
                        r.position,
                        r.name,
                        r.status,
                        r.reps_done,
                        r.reps_target,
                        r.holds_completed,
                        r.holds_wanted,
                        r.hold_target_s,
                        r.seconds_on("left"),
                        r.seconds_on("right"),
                        r.seconds_on(None),
                        r.range_deg,
                        r.duration_s,
                        r.calibration,
                    ]
                )
                count += 1
        return count


def insert_result(db: sqlite3.Connection, session_id: int, r: ExerciseResult, recorded_at: str | None) -> None:
    """One exercise result's row; the caller holds the transaction (the kiosk's history, or the collector)."""
    holds = json.dumps([{"side": h.side, "seconds": h.seconds, "completed": h.completed} for h in r.holds])
    db.execute(
        "INSERT INTO exercise_results (session_id, position, exercise, name, detect, status, reps_done, "
        "reps_target, hold_target_s, holds_wanted, holds, range_deg, duration_s, calibration, recorded_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            session_id,
            r.position,
            r.exercise_id,
            r.name,
            r.detect,
            r.status,
            r.reps_done,
            r.reps_target,
            r.hold_target_s,
            r.holds_wanted,
            holds,
            r.range_deg,
            r.duration_s,
            r.calibration,
            recorded_at,
        ),
    )


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error: all of an exercise's row, or none of it."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self):
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type, exc, tb):
        self.db.execute("COMMIT" if exc_type is None else "ROLLBACK")
        return False
