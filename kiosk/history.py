"""Sessions and exercise results in SQLite, written so a crash or power cut never corrupts them.

Each finished exercise is one transaction; the journal is WAL with full syncs, so at most the
exercise in progress is lost. The schema carries its version in `PRAGMA user_version` and is
migrated forward step by step; a database from a newer version is refused, not damaged.
"""

from __future__ import annotations

import contextlib
import csv
import json
import logging
import os
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TextIO, TypeVar

from backstretch.errors import HistoryError

from .outbox import Outbox
from .results import ExerciseResult, HoldRecord, SessionRecord

_log = logging.getLogger(__name__)
T = TypeVar("T")

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
    # 4: the worst pain given through "it hurts" during a session, apart from the end check-in (`pain`)
    """
    ALTER TABLE sessions ADD COLUMN pain_during INTEGER CHECK (pain_during BETWEEN 0 AND 10);
    """,
    # 5: a kiosk whose database was started afresh numbers its sessions from 1 again: the collector tells
    # them apart by their start time too
    """
    DROP INDEX sessions_by_origin;
    CREATE UNIQUE INDEX sessions_by_origin ON sessions(kiosk_id, origin_id, started_at);
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


WRITE_TIMEOUT_S = 0.2  # a write waits this long for a lock, then is kept and retried: the screen never freezes
RETRY_FIRST_S = 2.0
RETRY_MAX_S = 60.0
REFUSED_SUFFIX = ".refused.json"  # writes the database refused for their content, kept for a person to look at
PENDING_SUFFIX = ".pending.json"  # what could not be written before the kiosk stopped, replayed on the next start


class History:
    """The history database.

    Writing never takes the kiosk down: a write that fails (locked by another process, disk full,
    read-only) is kept in memory in order, retried with back-off on later calls and by `retry()`,
    and written when it can be; `unsaved` says so in a line for the screen. What is still unwritten
    at close() is put in a file beside the database and replayed on the next open.
    `readonly=True` (for `backstretch history`) opens without writing anything, even on read-only media.
    """

    def __init__(
        self,
        path: str | Path,
        outbox: Outbox | None = None,
        readonly: bool = False,
        clock=time.monotonic,
        wait_for_file: bool = False,
    ):
        self.path = Path(path)
        self.outbox = outbox  # fleet messages, written in the same transaction as what they describe
        self.readonly = readonly
        self._clock = clock
        self._pending: list[tuple] = []  # writes not yet in the database, oldest first
        self._ids: dict[int, int] = {}  # provisional session id -> the database's id
        self._next_key = -1
        self._retry_at = 0.0
        self._retry_s = RETRY_FIRST_S
        self.unsaved = ""  # one line for the screen while something is not yet written
        self._replay_left = 0  # how many writes at the head of the queue came from the file beside the database
        self._spilled = False  # whether that file exists (it then lists exactly what is not yet written)
        self._spill_failed: int | None = None  # the errno of the last failed attempt to write it, said once
        self._wait_for_file = wait_for_file
        self._stand_in = False  # the database file cannot be used: an empty one in memory stands in
        try:
            self.db = self._open_readonly() if readonly else self._open()
        except HistoryError as exc:
            if not wait_for_file:
                raise
            self._give_up_file(exc)
        # who the next session belongs to: the person tapped on the idle screen, None for a guest
        self.person: int | None = self._reading(lambda: self.db.execute("SELECT min(id) FROM profiles").fetchone()[0])
        if not readonly:
            self._load_spilled()

    def _open(self) -> sqlite3.Connection:
        """The database file, created private and migrated forward; HistoryError when it cannot be used."""
        try:
            _private_dirs(self.path.parent)
            if not self.path.exists():
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))  # pain scores are health data
            self._regular_file()
            db = sqlite3.connect(self.path, isolation_level=None, timeout=WRITE_TIMEOUT_S)  # transactions are explicit
        except HistoryError:
            raise
        except OSError as exc:
            raise HistoryError(f"{self.path}: cannot open the history database: {exc.strerror or exc}") from None
        except sqlite3.Error as exc:
            raise self._unusable(exc) from None
        with self._closed_on_failure(db):
            self._check_version(db)  # before anything that writes: a newer file is left truly untouched
            _tighten(self.path, 0o600)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA foreign_keys=ON")
            _migrate(db)
            self._mark_interrupted(db)
        return db

    def _open_readonly(self) -> sqlite3.Connection:
        """Read-only, marking nothing; on read-only media (no -shm can be made) the file is read as immutable."""
        if not self.path.exists():
            raise HistoryError(f"{self.path}: no history database there yet")
        self._regular_file()
        flags = "mode=ro" if os.access(self.path.parent, os.W_OK) else "immutable=1"
        uri = f"{self.path.resolve().as_uri()}?{flags}"
        try:
            db = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=WRITE_TIMEOUT_S)
        except sqlite3.DatabaseError as exc:
            raise self._unusable(exc) from None
        with self._closed_on_failure(db):
            self._check_version(db)
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version == 0:
                raise HistoryError(f"{self.path}: not a backstretch history database (no tables in it)")
            if version < SCHEMA_VERSION:
                raise HistoryError(
                    f"{self.path}: written by an older backstretch (schema {version}); start the kiosk once to "
                    "update it (`history` only reads)"
                )
        return db

    @contextlib.contextmanager
    def _closed_on_failure(self, db: sqlite3.Connection) -> Iterator[None]:
        """The checks of a database just opened: any failure closes it, and SQLite's own names the file."""
        try:
            yield
        except sqlite3.DatabaseError as exc:
            db.close()
            raise self._unusable(exc) from None
        except BaseException:
            db.close()
            raise

    def _unusable(self, exc: sqlite3.Error) -> HistoryError:
        return HistoryError(f"{self.path}: cannot use the history database: {exc}")

    def _regular_file(self) -> None:
        """A pipe would block the kiosk, a device is nobody's history, and neither may be made private."""
        try:
            mode = self.path.stat().st_mode
        except OSError as exc:
            raise HistoryError(f"{self.path}: cannot open the history database: {exc.strerror or exc}") from None
        if not stat.S_ISREG(mode):
            what = "a directory" if stat.S_ISDIR(mode) else "not a regular file (a pipe, device or socket)"
            raise HistoryError(f"{self.path}: {what}; history.database names the SQLite file to keep")

    def _check_version(self, db: sqlite3.Connection) -> None:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise HistoryError(
                f"{self.path}: written by a newer backstretch (schema {version}, this one knows "
                f"{SCHEMA_VERSION}); upgrade backstretch, the file was left untouched"
            )

    def close(self) -> None:
        if not self.readonly:
            self._flush()  # what still cannot be written stays listed beside the database
        self.db.close()

    def _mark_interrupted(self, db: sqlite3.Connection) -> None:
        """Sessions left open by a crash or power cut keep their results and are marked as such.

        Only this kiosk's own: a session a collector holds for another kiosk may still be running there.
        """
        try:
            with _Transaction(db):
                open_ids = [
                    row[0]
                    for row in db.execute("SELECT id FROM sessions WHERE status = 'in_progress' AND kiosk_id IS NULL")
                ]
                db.executemany("UPDATE sessions SET status = 'interrupted' WHERE id = ?", [(i,) for i in open_ids])
                for session_id in open_ids if self.outbox else ():
                    self.outbox.session(db, session_id)
        except sqlite3.OperationalError as exc:  # locked or full: the marking can wait for the next start
            _log.warning("history: old sessions not marked interrupted yet: %s", exc)

    def _transaction(self):
        return _Transaction(self.db)

    def transaction(self):
        """All of a change or none of it, for writers outside this class (the clinic collector)."""
        return self._transaction()

    # -- writing: kept in order, written when the database lets us --------------------------
    def begin_session(self, started_at: str, routine: str) -> int:
        key = self._next_key
        self._next_key -= 1
        self._write(("begin", key, started_at, routine, self.person))
        return self._ids.get(key, key)

    def add_result(self, session_id: int, r: ExerciseResult) -> None:
        self._write(("result", session_id, r, datetime.now().isoformat(timespec="seconds")))

    def end_session(self, session_id: int, ended_at: str, status: str) -> None:
        self._write(("end", session_id, ended_at, status))

    def set_pain(self, session_id: int, pain: int, during: bool = False) -> None:
        """The end-of-session check-in, or (during) the worst score given through "it hurts"."""
        self._write(("pain_during" if during else "pain", session_id, pain))

    def retry(self) -> None:
        """Write what was kept, when its back-off is over (cheap to call every frame)."""
        if self._pending and self._clock() >= self._retry_at:
            self._flush()

    def _write(self, op: tuple) -> None:
        if self.readonly:
            raise HistoryError(f"{self.path}: opened read-only")
        self._pending.append(op)
        if self._clock() >= self._retry_at:
            self._flush()
        else:  # while backing off, a new write joins the queue behind the others, and their list on disk
            self._spill()

    def _flush(self) -> None:
        if self._stand_in and not self._use_the_file():
            return
        written = 0
        while self._pending:
            op = self._pending[0]
            try:
                self._apply(op, replayed=self._replay_left > 0)
            except sqlite3.IntegrityError as exc:
                # Refused for what it says (a session this file never had, a score out of range), not for the
                # file's state: trying again cannot help, and it must not hold back every write behind it.
                self._set_aside(op, exc)
            except sqlite3.Error as exc:
                self._retry_at = self._clock() + self._retry_s
                self._retry_s = min(2 * self._retry_s, RETRY_MAX_S)
                reason = str(exc)
                if not self.unsaved:
                    _log.warning("history: cannot write (%s); kept in memory, retrying", reason)
                self.unsaved = f"History not saved yet ({reason}): kept, retrying"
                self._spill()  # and on disk beside it when there is room: a power cut now loses nothing either
                return
            self._pending.pop(0)
            self._replay_left = max(0, self._replay_left - 1)
            written += 1
        if self.unsaved:
            _log.info("history: everything kept in memory is written now")
        self.unsaved = ""
        self._retry_s = RETRY_FIRST_S
        if written:
            self._spill()  # nothing waits any more: the file beside the database goes

    def _give_up_file(self, exc: HistoryError, db: sqlite3.Connection | None = None) -> None:
        """The kiosk runs on without the file: what is done is kept, listed beside it, and written once it opens."""
        _log.error("history: %s; the kiosk runs on and keeps what is done until the file can be used", exc)
        if db is not None:
            with contextlib.suppress(sqlite3.Error):
                db.close()
        self.db = _empty_database()
        self._stand_in = True
        self.unsaved = f"History not saved yet ({exc}): kept, retrying"
        self._retry_at = self._clock() + self._retry_s

    def _use_the_file(self) -> bool:
        """Try the database file again; once it opens, it replaces the stand-in and what waits goes into it."""
        try:
            db = self._open()
        except HistoryError as exc:
            self._retry_at = self._clock() + self._retry_s
            self._retry_s = min(2 * self._retry_s, RETRY_MAX_S)
            self.unsaved = f"History not saved yet ({exc}): kept, retrying"
            self._spill()
            return False
        _log.info("history: %s opens now; writing the %d write(s) kept", self.path, len(self._pending))
        stand_in, self.db, self._stand_in = self.db, db, False
        if self.person == stand_in.execute("SELECT min(id) FROM profiles").fetchone()[0]:
            self.person = db.execute("SELECT min(id) FROM profiles").fetchone()[0]
        stand_in.close()
        return True

    def _apply(self, op: tuple, replayed: bool = False) -> None:
        """One write in its own transaction. A `replayed` one (read back from the file beside the database)
        may already be in it, written just before a crash left the file behind: it is then not written twice."""
        kind, key, *rest = op
        session_id = self._ids.get(key, key)
        with self._transaction():
            if kind == "begin":
                there = (
                    replayed
                    and self.db.execute(
                        "SELECT max(id) FROM sessions WHERE started_at = ? AND routine = ? AND profile_id IS ? "
                        "AND kiosk_id IS NULL",
                        rest,
                    ).fetchone()[0]
                )
                if there:
                    self._ids[key] = there
                    return
                sql = "INSERT INTO sessions (started_at, routine, profile_id) VALUES (?, ?, ?)"
                self._ids[key] = int(self.db.execute(sql, rest).lastrowid or 0)
                return
            if kind == "result":
                result, recorded_at = rest
                if (
                    replayed
                    and self.db.execute(
                        "SELECT 1 FROM exercise_results WHERE session_id = ? AND position = ? AND exercise = ? "
                        "AND recorded_at IS ?",
                        (session_id, result.position, result.exercise_id, recorded_at),
                    ).fetchone()
                ):
                    return
                insert_result(self.db, session_id, *rest)
                if self.outbox:
                    self.outbox.result(self.db, session_id, rest[0])
                return
            if kind == "end":
                self.db.execute("UPDATE sessions SET ended_at = ?, status = ? WHERE id = ?", (*rest, session_id))
            elif kind == "pain":
                self.db.execute("UPDATE sessions SET pain = ? WHERE id = ?", (*rest, session_id))
            elif kind == "pain_during":
                self.db.execute("UPDATE sessions SET pain_during = ? WHERE id = ?", (*rest, session_id))
            if self.outbox:
                self.outbox.session(self.db, session_id)

    # -- what could not be written before the kiosk stopped --------------------------------
    def _spill_path(self) -> Path:
        return self.path.with_name(self.path.name + PENDING_SUFFIX)

    def _spill(self) -> None:
        """Make the file beside the database hold exactly what is not yet written (no file when nothing is).

        Written whole to a temporary name and renamed over, so a power cut leaves the old list or the new."""
        path = self._spill_path()
        if not self._pending:
            if self._spilled:
                path.unlink(missing_ok=True)
                self._spilled = False
            return
        ops = [_op_to_json(op, self._ids) for op in self._pending]
        try:
            _write_whole(path, ops)
        except OSError as exc:
            if self._spill_failed != exc.errno:
                _log.error("history: %d write(s) kept only in memory, the disk refuses them too (%s)", len(ops), exc)
            self._spill_failed = exc.errno
            return
        self._spilled = True
        self._spill_failed = None

    def _set_aside(self, op: tuple, exc: Exception) -> None:
        """Keep a write the database refuses in a file beside it, with the reason, for a person to look at."""
        path = self.path.with_name(self.path.name + REFUSED_SUFFIX)
        try:
            kept = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
            kept.append({"write": _op_to_json(op, self._ids), "refused": str(exc)})
            _write_whole(path, kept)
        except (OSError, ValueError) as error:
            _log.error("history: the database refuses a write (%s) and it cannot be kept (%s): %s", exc, error, op)
            return
        _log.error("history: the database refuses a write (%s); kept in %s for a person to look at", exc, path.name)

    def _load_spilled(self) -> None:
        path = self._spill_path()
        try:
            ops = json.loads(path.read_text(encoding="utf-8"))
            loaded = [_op_from_json(op) for op in ops]
        except FileNotFoundError:
            return
        except (OSError, ValueError, TypeError, KeyError) as exc:
            aside = path.with_name(f"{path.name}.unreadable-{int(time.time())}")
            _log.error("history: cannot read %s (%s); moved to %s for a person to look at", path, exc, aside.name)
            with contextlib.suppress(OSError):  # a folder that refuses the rename refuses a new list as well
                path.rename(aside)  # never overwritten by the next list of what waits
            return
        _log.warning("history: writing %d write(s) kept from before the last stop", len(loaded))
        self._pending = loaded + self._pending
        self._replay_left = len(loaded)
        self._spilled = True
        self._next_key = min([self._next_key, *(op[1] - 1 for op in self._pending if op[0] == "begin")])
        self._flush()

    # -- reading --------------------------------------------------------------------------
    def _reading(self, read: Callable[[], T]) -> T:
        """A read of the file. One that fails (a damaged page, a row backstretch never wrote) is a HistoryError
        naming the file; the kiosk instead carries on with the empty stand-in and tries the file again later."""
        try:
            return read()
        except (sqlite3.DatabaseError, ValueError, TypeError, KeyError) as exc:
            if self._stand_in:
                raise  # the stand-in is this program's own: failing to read it is a bug
            error = HistoryError(f"{self.path}: cannot read the history database: {exc}")
            if not self._wait_for_file:
                raise error from None
            self._give_up_file(error, self.db)
            return read()

    def sessions(self, limit: int | None = None) -> list[SessionRecord]:
        return self._reading(lambda: self._sessions(limit))

    def _sessions(self, limit: int | None) -> list[SessionRecord]:
        rows = self.db.execute(
            "SELECT s.id, s.started_at, s.ended_at, s.status, s.routine, s.pain, p.name, s.kiosk_id, s.pain_during "
            "FROM sessions s LEFT JOIN profiles p ON p.id = s.profile_id "
            "ORDER BY s.started_at DESC, s.id DESC" + (f" LIMIT {int(limit)}" if limit else "")
        ).fetchall()
        sessions = [SessionRecord(*row[:6], person=row[6], kiosk=row[7], pain_during=row[8]) for row in rows]
        for s in sessions:
            s.results = self._results(s.id)
        return sessions

    def _results(self, session_id: int) -> list[ExerciseResult]:
        cursor = self.db.execute(
            "SELECT exercise AS exercise_id, name, detect, position, status, reps_done, reps_target, hold_target_s, "
            "holds_wanted, holds, range_deg, duration_s, calibration "
            "FROM exercise_results WHERE session_id = ? ORDER BY position, id",
            (session_id,),
        )
        names = [column[0] for column in cursor.description]  # ExerciseResult's field names
        results = []
        for row in cursor.fetchall():
            fields = dict(zip(names, row, strict=True))
            fields["holds"] = json.loads(fields["holds"])  # stored as JSON text
            results.append(_result_from_fields(fields))
        return results

    def active_days(self, person: int | None = None) -> list[date]:
        """Days with at least one rep or one completed hold, newest first (opening a session earns nothing);
        one person's when `person` is given."""
        return self._reading(lambda: self._active_days(person))

    def _active_days(self, person: int | None) -> list[date]:
        rows = self.db.execute(
            "SELECT DISTINCT substr(s.started_at, 1, 10) FROM sessions s JOIN exercise_results r "
            "ON r.session_id = s.id WHERE r.status != 'skipped' AND (? IS NULL OR s.profile_id = ?) "
            "AND (r.reps_done > 0 OR EXISTS "
            "(SELECT 1 FROM json_each(r.holds) WHERE json_extract(value, '$.completed'))) "
            "ORDER BY 1 DESC",
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
            if s.status == "in_progress":
                continue  # counted once it ends
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
                "pain_during",
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
                    _cell(v)
                    for v in [
                        s.person or "guest",
                        s.kiosk or "",
                        s.id,
                        s.started_at,
                        s.status,
                        "" if s.pain is None else s.pain,
                        "" if s.pain_during is None else s.pain_during,
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


def _cell(value):
    """A text that a spreadsheet would run as a formula (a name like "=HYPERLINK(...)" typed on a kiosk, or sent
    to the clinic's collector) is written with a leading apostrophe, so it is shown as text, never run."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


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


def _migrate(db: sqlite3.Connection) -> None:
    """Bring the schema forward one version at a time, each step all or nothing."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    for number in range(version, SCHEMA_VERSION):
        with _Transaction(db):
            for statement in MIGRATIONS[number].split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute(f"PRAGMA user_version = {number + 1}")


def _empty_database() -> sqlite3.Connection:
    """An empty history in memory, standing in while the file cannot be used: reads show nothing done yet."""
    db = sqlite3.connect(":memory:", isolation_level=None)
    _migrate(db)
    return db


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error: all of an exercise's row, or none of it."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self):
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            try:
                self.db.execute("COMMIT")
                return False
            except sqlite3.Error:  # a full disk can fail the commit itself: leave no transaction open
                self.db.execute("ROLLBACK")
                raise
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")
        return False


def _private_dirs(folder: Path) -> None:
    """Create the folder and any missing parents 0700 (only the ones created here are touched)."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir(mode=0o700)
        _tighten(path, 0o700)


def _tighten(path: Path, mode: int) -> None:
    """Make a file or folder we own private; someone else's is left as it is."""
    try:
        if path.stat().st_uid == os.getuid() and path.stat().st_mode & 0o777 != mode:
            path.chmod(mode)
    except OSError:
        pass


def _write_whole(path: Path, value: object) -> None:
    """JSON to a private file, written to a temporary name and renamed over: a power cut leaves old or new."""
    part = path.with_name(path.name + ".part")
    try:
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(value, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(part, path)
    except OSError:
        part.unlink(missing_ok=True)
        raise
    with contextlib.suppress(OSError):  # the rename is done; making it durable at once is the best we can do
        _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` survive a power cut."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _op_to_json(op: tuple, ids: dict[int, int]) -> list:
    kind, key, *rest = op
    if kind == "result":
        rest = [asdict(rest[0]), rest[1]]
    return [kind, ids.get(key, key), *rest]


def _result_from_fields(fields: dict) -> ExerciseResult:
    """A result from its fields as kept (a database row, a write kept on disk), its holds as plain dicts."""
    return ExerciseResult(**{**fields, "holds": [HoldRecord(**h) for h in fields["holds"]]})


def _op_from_json(item: list) -> tuple:
    kind, key, *rest = item
    if kind == "result":
        rest = [_result_from_fields(rest[0]), rest[1]]
    if kind not in ("begin", "result", "end", "pain", "pain_during"):
        raise ValueError(f"unknown write {kind!r}")
    return (kind, int(key), *rest)
