import signal
import sqlite3
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from backstretch.errors import HistoryError
from backstretch.kiosk.history import SCHEMA_VERSION, History, database_path
from backstretch.kiosk.results import ExerciseResult, HoldRecord

from ..conftest import FakeClock
from .helpers import twist

ROOT = Path(__file__).resolve().parents[2]


def result(position=1, reps=8):
    return ExerciseResult(
        "pelvic_tilt",
        "Pelvic tilt",
        "reps",
        position,
        "completed",
        reps,
        8,
        range_deg=9.5,
        duration_s=60.0,
        calibration="good",
    )


def test_round_trip(tmp_path):
    h = History(tmp_path / "h.sqlite3")
    sid = h.begin_session("2026-11-20T09:00:00", "Back stretches")
    h.add_result(sid, result())
    h.add_result(sid, twist())
    h.set_pain(sid, 3)
    h.end_session(sid, "2026-11-20T09:12:00", "partial")
    [s] = h.sessions()
    assert (s.status, s.pain, s.ended_at) == ("partial", 3, "2026-11-20T09:12:00")
    assert s.results[0] == result()
    assert s.results[1].holds == twist().holds and s.results[1].seconds_on("right") == 12.5
    journal = h.db.execute("PRAGMA journal_mode").fetchone()[0]
    assert journal == "wal"
    h.close()


def test_streak_and_weekly_totals(tmp_path):
    h = History(tmp_path / "h.sqlite3")
    for day in ("2026-11-16", "2026-11-17", "2026-11-18", "2026-11-20", "2026-11-23"):
        sid = h.begin_session(f"{day}T08:00:00", "r")
        h.add_result(sid, result(reps=5))
        h.end_session(sid, f"{day}T08:10:00", "completed")
    skipped = h.begin_session("2026-11-22T08:00:00", "r")
    h.add_result(skipped, ExerciseResult("pelvic_tilt", "Pelvic tilt", "reps", 1, "skipped"))
    h.end_session(skipped, "2026-11-22T08:10:00", "partial")
    assert h.streak(date(2026, 11, 18)) == 3
    assert h.streak(date(2026, 11, 19)) == 3  # today not done yet: yesterday's run still counts
    assert h.streak(date(2026, 11, 23)) == 1
    weeks = h.weekly_totals()
    assert weeks[0] == {"week": "2026-W48", "sessions": 1, "reps": 5, "hold_minutes": 0.0}
    assert weeks[1]["sessions"] == 5 and weeks[1]["reps"] == 20
    h.close()


def test_csv_has_one_row_per_exercise_result(tmp_path):
    import csv
    import io

    h = History(tmp_path / "h.sqlite3")
    sid = h.begin_session("2026-11-20T09:00:00", "r")
    h.add_result(sid, result())
    h.add_result(sid, twist())
    out = io.StringIO()
    assert h.export_csv(out) == 2
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows[1]["seconds_left"] == "31.0" and rows[1]["holds_completed"] == "1" and rows[1]["pain"] == ""
    h.close()


def test_a_session_left_open_by_a_crash_is_marked_interrupted(tmp_path):
    h = History(tmp_path / "h.sqlite3")
    sid = h.begin_session("2026-11-20T09:00:00", "r")
    h.add_result(sid, result())
    h.close()  # no end_session: the process died (the kernel lets go of its session lock)
    h = History(tmp_path / "h.sqlite3")
    [s] = h.sessions()
    assert s.status == "interrupted" and len(s.results) == 1
    h.close()


def test_history_read_beside_a_running_kiosk_neither_marks_nor_counts_its_session(tmp_path):
    kiosk = History(tmp_path / "h.sqlite3")
    sid = kiosk.begin_session("2026-11-20T09:00:00", "r")
    kiosk.add_result(sid, result())
    reader = History(tmp_path / "h.sqlite3", readonly=True)  # `backstretch history` while the session runs
    [s] = reader.sessions()
    assert s.status == "in_progress" and reader.weekly_totals() == []
    kiosk.end_session(sid, "2026-11-20T09:10:00", "completed")
    assert reader.weekly_totals()[0]["sessions"] == 1
    reader.close()
    kiosk.close()


def test_a_session_with_nothing_done_earns_no_streak_day(tmp_path):
    h = History(tmp_path / "h.sqlite3")
    sid = h.begin_session("2026-11-20T09:00:00", "r")
    h.add_result(sid, result(reps=0))  # timed out at "still there?" before the first rep
    h.add_result(
        sid, ExerciseResult("twist", "Spinal twist", "hold", 2, "partial", holds=[HoldRecord("left", 4, False)])
    )
    h.end_session(sid, "2026-11-20T09:05:00", "partial")
    assert h.streak(date(2026, 11, 20)) == 0
    sid = h.begin_session("2026-11-20T10:00:00", "r")
    h.add_result(
        sid, ExerciseResult("twist", "Spinal twist", "hold", 2, "partial", holds=[HoldRecord("left", 30, True)])
    )
    h.end_session(sid, "2026-11-20T10:05:00", "partial")
    assert h.streak(date(2026, 11, 20)) == 1
    h.close()


def test_pain_during_and_at_the_end_are_kept_apart(tmp_path):
    import csv
    import io

    h = History(tmp_path / "h.sqlite3")
    sid = h.begin_session("2026-11-20T09:00:00", "r")
    h.add_result(sid, result())
    h.set_pain(sid, 4, during=True)
    h.set_pain(sid, 2)
    h.end_session(sid, "2026-11-20T09:10:00", "completed")
    [s] = h.sessions()
    assert (s.pain_during, s.pain) == (4, 2)
    out = io.StringIO()
    h.export_csv(out)
    row = next(csv.DictReader(io.StringIO(out.getvalue())))
    assert (row["pain_during"], row["pain"]) == ("4", "2")
    h.close()


def test_old_schema_is_migrated_and_newer_is_refused(tmp_path):
    path = tmp_path / "h.sqlite3"
    db = sqlite3.connect(path)
    from backstretch.kiosk.history import MIGRATIONS

    db.executescript(MIGRATIONS[0])
    db.execute("PRAGMA user_version = 1")
    db.execute("INSERT INTO sessions (started_at, routine, status) VALUES ('2026-01-01T00:00:00', 'r', 'completed')")
    db.commit()
    db.close()
    h = History(path)
    assert h.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert h.sessions()[0].status == "completed"
    h.close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    with pytest.raises(HistoryError, match="newer backstretch"):
        History(path)


def test_not_a_database_is_a_clear_error(tmp_path):
    path = tmp_path / "h.sqlite3"
    path.write_text("this is not sqlite " * 100)
    with pytest.raises(HistoryError, match="cannot use the history database"):
        History(path)


def test_data_dir_order(tmp_path, monkeypatch):
    monkeypatch.delenv("BACKSTRETCH_DATA_DIR", raising=False)
    monkeypatch.setenv("STATE_DIRECTORY", str(tmp_path / "state"))
    assert database_path() == tmp_path / "state" / "history.sqlite3"
    assert database_path(configured=str(tmp_path / "c.db")) == tmp_path / "c.db"
    monkeypatch.setenv("BACKSTRETCH_DATA_DIR", str(tmp_path / "env"))
    assert database_path(configured=str(tmp_path / "c.db")) == tmp_path / "env" / "history.sqlite3"
    assert database_path(str(tmp_path / "arg")) == tmp_path / "arg" / "history.sqlite3"


WRITER = """
import sys, itertools
sys.path.insert(0, {root!r})
from backstretch.kiosk.history import History
from backstretch.kiosk.results import ExerciseResult
h = History({path!r})
print("ready", flush=True)
for n in itertools.count():
    sid = h.begin_session("2026-11-21T08:00:00", "crash test")
    for p in range(3):
        h.add_result(sid, ExerciseResult("pelvic_tilt", "Pelvic tilt", "reps", p + 1, "completed", n, 8))
    h.end_session(sid, "2026-11-21T08:10:00", "completed")
    print("wrote", flush=True)
"""


def test_killed_while_writing_history_loses_nothing_already_written(tmp_path):
    path = tmp_path / "h.sqlite3"
    h = History(path)
    for day in ("2026-11-18", "2026-11-19"):
        sid = h.begin_session(f"{day}T08:00:00", "earlier")
        h.add_result(sid, result())
        h.end_session(sid, f"{day}T08:10:00", "completed")
    h.close()
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER.format(root=str(ROOT), path=str(path))], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "ready"
    for _ in range(20):  # let it write a while, then pull the plug mid-write
        assert proc.stdout.readline().strip() == "wrote"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    h = History(path)
    sessions = h.sessions()
    earlier = [s for s in sessions if s.routine == "earlier"]
    assert [s.status for s in earlier] == ["completed", "completed"]
    assert all(len(s.results) == 1 for s in earlier)
    crashed = [s for s in sessions if s.routine == "crash test"]
    assert len(crashed) > 1
    assert all(s.status in ("completed", "interrupted") for s in crashed)
    assert all(len(s.results) == 3 for s in crashed if s.status == "completed")
    h.close()


# -- storage that never takes the kiosk down ---------------------------------------------------


def test_a_write_while_another_process_holds_the_lock_is_kept_and_written_later(tmp_path):
    clock = FakeClock(0.0)
    h = History(tmp_path / "h.sqlite3", clock=clock)
    sid = h.begin_session("2026-11-20T09:00:00", "r")
    other = sqlite3.connect(tmp_path / "h.sqlite3", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock (for as long as it likes)
    h.add_result(sid, result())  # returns at once: no exception, no five-second wait
    h.end_session(sid, "2026-11-20T09:10:00", "completed")
    assert h.unsaved.startswith("History not saved yet (database is locked)")
    other.execute("COMMIT")
    h.retry()  # the back-off is not over yet
    assert h.unsaved
    clock.t += 2.0
    h.retry()
    assert h.unsaved == ""
    [s] = h.sessions()
    assert s.status == "completed" and s.results == [result()]
    h.close()


def test_a_full_disk_mid_session_loses_nothing_even_across_a_restart(tmp_path):
    path = tmp_path / "h.sqlite3"
    h = History(path)
    sid = h.begin_session("2026-11-20T09:00:00", "r")
    pages = h.db.execute("PRAGMA page_count").fetchone()[0]
    h.db.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full from here on
    long_twist = replace(twist(), calibration="x" * 20_000)  # needs pages the disk no longer has
    h.add_result(sid, long_twist)
    h.set_pain(sid, 3)
    h.end_session(sid, "2026-11-20T09:10:00", "partial")
    second = h.begin_session("2026-11-20T10:00:00", "r")
    h.add_result(second, result())
    assert "full" in h.unsaved
    h.close()  # still full: what is unwritten goes beside the database
    assert (tmp_path / "h.sqlite3.pending.json").exists()
    h = History(path)  # space again: written at the next start
    assert h.unsaved == "" and not (tmp_path / "h.sqlite3.pending.json").exists()
    first, later = sorted(h.sessions(), key=lambda s: s.started_at)
    assert (first.status, first.pain, first.results) == ("partial", 3, [long_twist])
    assert later.results == [result()] and later.status == "in_progress"
    h.close()


def test_history_opens_read_only_and_marks_nothing(tmp_path):
    import hashlib

    path = tmp_path / "h.sqlite3"
    h = History(path)
    h.begin_session("2026-11-20T09:00:00", "r")  # the kiosk is in the middle of a session
    h.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    ro = History(path, readonly=True)
    assert [s.status for s in ro.sessions()] == ["in_progress"]
    with pytest.raises(HistoryError, match="read-only"):
        ro.begin_session("2026-11-20T10:00:00", "r")
    ro.close()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_history_reads_a_database_on_read_only_media(tmp_path, monkeypatch):
    import os

    path = tmp_path / "h.sqlite3"
    h = History(path)
    h.add_result(h.begin_session("2026-11-20T09:00:00", "r"), result())
    h.close()
    monkeypatch.setattr(os, "access", lambda *a, **k: False)  # a folder nobody may write: no -shm can be made
    ro = History(path, readonly=True)
    assert len(ro.sessions()[0].results) == 1
    ro.close()


def test_a_newer_schema_is_left_truly_untouched(tmp_path):
    import hashlib

    path = tmp_path / "h.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE future (x)")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(HistoryError, match="left untouched"):
        History(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before  # not switched to WAL, not written at all
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h.sqlite3"]


def test_the_database_is_private_and_so_is_the_folder_made_for_it(tmp_path):
    path = tmp_path / "new" / "deeper" / "h.sqlite3"
    History(path).close()
    assert path.stat().st_mode & 0o777 == 0o600  # pain scores are health data
    assert (tmp_path / "new").stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "new" / "deeper").stat().st_mode & 0o777 == 0o700
    loose = tmp_path / "loose.sqlite3"
    History(loose).close()
    loose.chmod(0o644)
    History(loose).close()
    assert loose.stat().st_mode & 0o777 == 0o600


def fill_disk(h):
    """From here on the database cannot grow (as on a full disk); the lock and the file stay usable."""
    pages = h.db.execute("PRAGMA page_count").fetchone()[0]
    h.db.execute(f"PRAGMA max_page_count = {pages}")


def test_what_waits_is_on_disk_at_once_and_a_crash_before_its_list_is_cleared_writes_nothing_twice(tmp_path):
    clock = FakeClock(0.0)
    path, waiting = tmp_path / "h.sqlite3", tmp_path / "h.sqlite3.pending.json"
    h = History(path, clock=clock)
    fill_disk(h)
    long_twist = replace(twist(), calibration="x" * 20_000)
    sid = h.begin_session("2026-11-20T09:00:00", "r")
    h.add_result(sid, long_twist)
    h.end_session(sid, "2026-11-20T09:10:00", "partial")
    assert waiting.exists()  # not only in memory: a power cut from here on loses nothing
    left_behind = waiting.read_bytes()
    h.db.execute("PRAGMA max_page_count = 1000000")  # room again
    clock.t += 2.0
    h.retry()
    assert h.unsaved == "" and not waiting.exists()
    waiting.write_bytes(left_behind)  # the power went between the last commit and removing the list
    h.db.close()
    h = History(path)
    [s] = h.sessions()
    assert (s.status, s.results) == ("partial", [long_twist])
    assert not waiting.exists()
    h.close()


def test_a_list_written_only_in_part_at_start_is_not_replayed_again_later(tmp_path):
    clock = FakeClock(0.0)
    path, waiting = tmp_path / "h.sqlite3", tmp_path / "h.sqlite3.pending.json"
    h = History(path, clock=clock)
    fill_disk(h)
    sid = h.begin_session("2026-11-20T09:00:00", "r")
    h.add_result(sid, replace(twist(), calibration="x" * 20_000))
    h.close()
    assert waiting.exists()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # at the next start another process holds the lock
    h = History(path, clock=clock)
    assert h.unsaved
    other.execute("COMMIT")
    clock.t += 2.0
    h.retry()
    assert h.unsaved == "" and not waiting.exists()
    h.add_result(h.begin_session("2026-11-20T10:00:00", "r"), result(position=2))
    h.close()
    h = History(path)
    assert sorted(len(s.results) for s in h.sessions()) == [1, 1]
    h.close()


def test_an_unreadable_list_is_moved_aside_never_overwritten(tmp_path):
    path, waiting = tmp_path / "h.sqlite3", tmp_path / "h.sqlite3.pending.json"
    History(path).close()
    waiting.write_text('[["begin", -1, "2026-11-20T09:00:00"')  # cut short
    h = History(path)
    fill_disk(h)
    h.add_result(h.begin_session("2026-11-20T11:00:00", "r"), replace(twist(), calibration="x" * 20_000))
    h.close()
    [aside] = tmp_path.glob("h.sqlite3.pending.json.unreadable-*")
    assert aside.read_text() == '[["begin", -1, "2026-11-20T09:00:00"'
    assert "spinal_twist" in waiting.read_text()


def test_a_kiosk_whose_database_cannot_be_opened_runs_on_and_writes_everything_once_it_can(tmp_path):
    from backstretch.kiosk.history import MIGRATIONS

    clock = FakeClock(0.0)
    path = tmp_path / "h.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(MIGRATIONS[0])
    db.execute("PRAGMA user_version = 1")  # an older schema: opening it means migrating, which needs the lock
    db.execute("BEGIN IMMEDIATE")  # and another process holds the lock as the kiosk starts
    with pytest.raises(HistoryError, match="locked"):
        History(path, clock=clock)  # the commands that only manage the file still say so and stop
    h = History(path, clock=clock, wait_for_file=True)
    assert h.unsaved.startswith("History not saved yet (") and "database is locked" in h.unsaved
    assert h.sessions() == [] and h.streak(date(2026, 11, 20)) == 0  # reads show nothing rather than fail
    sid = h.begin_session("2026-11-20T09:00:00", "r")
    h.add_result(sid, result())
    h.end_session(sid, "2026-11-20T09:10:00", "completed")
    assert (tmp_path / "h.sqlite3.pending.json").exists()
    db.execute("COMMIT")
    db.close()
    clock.t += 2.0
    h.retry()
    assert h.unsaved == "" and not (tmp_path / "h.sqlite3.pending.json").exists()
    [s] = h.sessions()
    assert (s.status, s.results, s.person) == ("completed", [result()], "Me")
    h.close()


def test_a_newer_or_damaged_database_is_left_untouched_while_the_kiosk_runs_and_what_is_done_waits_beside_it(tmp_path):
    import hashlib

    for content in (None, b"this is not sqlite " * 100):
        folder = tmp_path / ("newer" if content is None else "damaged")
        folder.mkdir()
        path = folder / "h.sqlite3"
        if content is None:
            db = sqlite3.connect(path)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
            db.commit()
            db.close()
            path.chmod(0o644)
        else:
            path.write_bytes(content)
        before = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mode)
        clock = FakeClock(0.0)
        h = History(path, clock=clock, wait_for_file=True)
        h.add_result(h.begin_session("2026-11-20T09:00:00", "r"), result())
        clock.t += 100.0
        h.retry()  # tried again: still not usable
        h.close()
        assert (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mode) == before
        assert sorted(p.name for p in folder.iterdir()) == ["h.sqlite3", "h.sqlite3.pending.json"]
        path.unlink()  # the file is replaced (or backstretch upgraded): the next start writes what waited
        h = History(path)
        assert [s.results for s in h.sessions()] == [[result()]]
        h.close()


def test_writers_killed_again_and_again_through_a_full_disk_lose_and_double_nothing():
    """benchmarks/history_kills.py in a short run (the benchmark itself does 200 kills)."""
    import json

    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "history_kills.py"), "--kills", "12", "--seed", "3"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.stdout.strip(), proc.stderr[-3000:]  # the benchmark itself failed: say how
    figures = json.loads(proc.stdout.splitlines()[-1])
    assert figures["sessions_done"] > 12
    assert (figures["corrupt_rounds"], figures["lost"], figures["duplicated"], figures["wrong"]) == (0, 0, 0, 0)
    assert proc.returncode == 0


def damaged_history(folder):
    """A history whose middle pages were overwritten, as a failing SD card leaves one."""
    path = folder / "history.sqlite3"
    h = History(path)
    for i in range(30):
        sid = h.begin_session(f"2026-01-01T00:{i:02d}:00", "r")
        h.add_result(sid, replace(result(), calibration="x" * 3000))
        h.end_session(sid, f"2026-01-01T00:{i:02d}:30", "completed")
    h.close()
    with open(path, "r+b") as f:
        f.seek(4096 * 3)
        f.write(b"\xa5" * 4096 * 6)
    return path


@pytest.mark.parametrize("command", [["history"], ["history", "--csv"], ["report", "--out", "r.png"]])
def test_a_damaged_history_is_one_line_naming_the_file_never_an_internal_error(tmp_path, command):
    path = damaged_history(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "backstretch.kiosk.cli", *command, "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert proc.returncode == 1
    assert proc.stderr == f"backstretch: {path}: cannot read the history database: database disk image is malformed\n"


def test_a_history_that_cannot_be_read_mid_run_leaves_the_kiosk_running_on_the_stand_in(tmp_path):
    clock = FakeClock(0.0)
    path = tmp_path / "h.sqlite3"
    h = History(path, clock=clock, wait_for_file=True)
    h.add_result(h.begin_session("2026-11-20T09:00:00", "r"), result())
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("UPDATE exercise_results SET holds = 'not json'")  # a row backstretch never wrote
    assert h.sessions() == [] and h.streak(date(2026, 11, 20)) == 0
    assert "cannot read the history database" in h.unsaved
    sid = h.begin_session("2026-11-20T10:00:00", "r")
    h.add_result(sid, result(position=2))  # kept: nothing raised
    other.execute("UPDATE exercise_results SET holds = '[]'")  # mended
    other.close()
    clock.t += 2.0
    h.retry()
    assert h.unsaved == ""
    assert sorted(len(s.results) for s in h.sessions()) == [1, 1]
    h.close()


def test_a_pipe_or_a_folder_named_as_the_database_is_refused_and_never_made_private(tmp_path):
    import os
    import re

    fifo = tmp_path / "pipe.sqlite3"
    os.mkfifo(fifo, 0o644)
    folder = tmp_path / "folder.sqlite3"
    folder.mkdir(0o755)
    for path, what in ((fifo, r"not a regular file \(a pipe, device or socket\)"), (folder, "a directory")):
        for readonly in (False, True):
            with pytest.raises(HistoryError, match=f"{path.name}: {what}; history.database names the SQLite file"):
                History(path, readonly=readonly)
        h = History(path, wait_for_file=True)  # the kiosk runs on
        assert re.search(what, h.unsaved)
        h.close()
    assert (fifo.stat().st_mode & 0o777, folder.stat().st_mode & 0o777) == (0o644, 0o755)


def test_a_write_the_database_refuses_for_what_it_says_is_set_aside_and_holds_nothing_back(tmp_path):
    import json

    from backstretch.kiosk.history import _op_to_json

    path = tmp_path / "h.sqlite3"
    History(path).close()
    waiting = [  # left from a database that was replaced since: session 999 is not in this one
        ("result", 999, result(), "2026-11-19T09:00:00"),
        ("begin", -1, "2026-11-20T09:00:00", "r", 1),
        ("result", -1, result(), "2026-11-20T09:05:00"),
    ]
    (tmp_path / "h.sqlite3.pending.json").write_text(json.dumps([_op_to_json(op, {}) for op in waiting]))
    h = History(path)
    assert h.unsaved == "" and not (tmp_path / "h.sqlite3.pending.json").exists()
    [s] = h.sessions()
    assert s.results == [result()]
    [refused] = json.loads((tmp_path / "h.sqlite3.refused.json").read_text())
    assert refused["write"][:2] == ["result", 999] and "FOREIGN KEY" in refused["refused"]
    h.add_result(s.id, result(position=2))  # and the kiosk writes on as before
    assert len(h.sessions()[0].results) == 2
    h.close()
