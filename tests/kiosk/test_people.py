"""People: per-person history and targets, removal with all their data, and the commands for them."""

import csv
import io
import json
import subprocess
import sys
from datetime import date

import pytest

from backstretch.errors import PeopleError
from backstretch.kiosk import people
from backstretch.kiosk.history import History
from backstretch.kiosk.outbox import Outbox, mark_sent, oldest_unsent
from backstretch.kiosk.routine import load_routine

from .helpers import tilt


def session(h: History, person, day: str, reps: int = 8) -> int:
    h.person = person.id if person else None
    sid = h.begin_session(f"{day}T08:00:00", "Back stretches")
    h.add_result(sid, tilt(reps=reps))
    h.end_session(sid, f"{day}T08:10:00", "completed")
    return sid


def test_each_person_has_their_own_sessions_and_streak(tmp_path):
    h = History(tmp_path / "h.sqlite3")
    me = people.named(h, "me")  # the first person, who owns the sessions from before people existed
    anna = people.add(h, "  Anna  ")
    assert anna.name == "Anna" and [p.name for p in people.everyone(h)] == ["Me", "Anna"]
    for day in ("2026-11-20", "2026-11-21", "2026-11-22"):
        session(h, anna, day)
    session(h, me, "2026-11-22")
    session(h, None, "2026-11-22")  # a guest
    assert h.streak(date(2026, 11, 22), anna.id) == 3 and h.streak(date(2026, 11, 22), me.id) == 1
    assert [s.person for s in h.sessions()].count("Anna") == 3 and None in [s.person for s in h.sessions()]
    out = io.StringIO()
    assert h.export_csv(out, "anna") == 3
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert {r["person"] for r in rows} == {"Anna"}
    h.close()


def test_a_name_a_spreadsheet_would_run_as_a_formula_is_exported_as_text(tmp_path):
    h = History(tmp_path / "h.sqlite3")
    for name in ("=HYPERLINK(1)", "+1", "@SUM(1)", "-2"):
        session(h, people.add(h, name), "2026-11-20")
    out = io.StringIO()
    h.export_csv(out)
    names = {r["person"] for r in csv.DictReader(io.StringIO(out.getvalue()))}
    assert names == {"'=HYPERLINK(1)", "'+1", "'@SUM(1)", "'-2"}
    row = next(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["reps_done"] == "8" and row["range_deg"].replace(".", "").isdigit()  # numbers stay numbers
    h.close()


def test_names_are_checked_and_unique(tmp_path):
    h = History(tmp_path / "h.sqlite3")
    with pytest.raises(PeopleError, match="already a person called 'Me'"):
        people.add(h, "ME")
    with pytest.raises(PeopleError, match="1 to 20 printable"):
        people.add(h, "x" * 21)
    with pytest.raises(PeopleError, match="known: Me"):
        people.named(h, "Bob")
    renamed = people.rename(h, people.named(h, "Me"), "Grandad")
    assert people.named(h, "grandad").id == renamed.id
    h.close()


def test_a_therapist_sets_targets_for_one_person_only(tmp_path):
    h = History(tmp_path / "h.sqlite3")
    routine = load_routine()
    tilt_ex = next(e for e in routine.exercises if e.id == "pelvic_tilt")
    ball = next(e for e in routine.exercises if e.id == "swiss_ball")
    anna = people.add(h, "Anna")
    anna = people.set_target(h, anna, tilt_ex, 6)
    anna = people.set_target(h, anna, ball, 45)
    ben = people.set_target(h, people.add(h, "Ben"), tilt_ex, 10)
    mine = people.routine_for(routine, people.named(h, "Anna"))  # read back from the database
    assert [e.reps for e in mine.exercises if e.id == "pelvic_tilt"] == [6]
    assert [e.hold_s for e in mine.exercises if e.id == "swiss_ball"] == [45]
    assert [e.reps for e in people.routine_for(routine, ben).exercises if e.id == "pelvic_tilt"] == [10]
    assert people.routine_for(routine, None) is routine  # a guest does the routine as written
    with pytest.raises(PeopleError, match="whole number between 1 and 100"):
        people.set_target(h, anna, tilt_ex, 0)
    anna = people.set_target(h, anna, tilt_ex, None)
    assert "pelvic_tilt" not in anna.targets
    h.close()


def test_removing_a_person_removes_their_history_and_tells_the_clinic(tmp_path):
    h = History(tmp_path / "h.sqlite3", Outbox("k"))
    anna = people.add(h, "Anna")
    session(h, anna, "2026-11-20")
    kept = session(h, people.named(h, "Me"), "2026-11-20")
    h.db.execute("DELETE FROM outbox")
    session(h, anna, "2026-11-21")  # not yet sent when she is removed
    assert people.remove(h, anna) == 2
    assert [s.id for s in h.sessions()] == [kept] and people.find(h, "Anna") is None
    assert h.db.execute("SELECT count(*) FROM exercise_results").fetchone()[0] == 1
    [payload] = [r[0] for r in h.db.execute("SELECT payload FROM outbox")]
    assert '"type":"forget"' in payload and '"person":"Anna"' in payload  # her unsent results are not sent
    assert oldest_unsent(h.db) is not None
    h.close()


def test_a_removed_person_cannot_be_read_back_from_the_database_file(tmp_path):
    path = tmp_path / "h.sqlite3"
    h = History(path, Outbox("k"))
    zelda = people.add(h, "Zelda Quux")
    for day in ("2026-11-20", "2026-11-21"):
        session(h, zelda, day)
    mark_sent(h.db, oldest_unsent(h.db).seq)  # sent messages are kept a week: hers must go too
    h.close()
    h = History(path)  # the fleet turned off since: her messages are still in the outbox
    on_disk = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("h.sqlite3"))
    assert b"Zelda Quux" in on_disk
    h.db.execute("PRAGMA secure_delete = OFF")  # Debian builds SQLite with it on; other builds do not
    people.remove(h, people.named(h, "Zelda Quux"))
    on_disk = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("h.sqlite3"))
    assert b"Zelda Quux" not in on_disk
    assert h.db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0
    h.close()


def cli(*args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "backstretch.kiosk.cli", *map(str, args)], capture_output=True, text=True, input=stdin
    )


def test_with_a_fleet_the_people_commands_tell_the_clinic(tmp_path):
    config = tmp_path / "fleet.toml"
    config.write_text('[fleet]\nmqtt_url = "mqtt://127.0.0.1:1"\nkiosk_id = "desk"\n')
    for command in (["add", "Anna"], ["rename", "Anna", "Bea"], ["remove", "Bea", "--yes"]):
        done = cli("--config", config, "people", "--data-dir", tmp_path, *command)
        assert done.returncode == 0, done.stderr
    h = History(tmp_path / "history.sqlite3")
    sent = [json.loads(p) for (p,) in h.db.execute("SELECT payload FROM outbox ORDER BY id")]
    h.close()
    # the rename went with Bea's other messages; the forget asks the collector to delete what it has of her
    assert [(m["type"], m["person"], m["kiosk_id"]) for m in sent] == [("forget", "Bea", "desk")]


def test_the_people_commands(tmp_path):
    assert cli("people", "--data-dir", tmp_path, "add", "Anna").stdout == "added Anna\n"
    assert (
        cli("people", "--data-dir", tmp_path, "target", "Anna", "pelvic_tilt", "6").stdout
        == "Anna: pelvic_tilt 6 reps\n"
    )
    bad = cli("people", "--data-dir", tmp_path, "target", "Anna", "pelvic_tilt", "six")
    assert bad.returncode == 2 and "whole number of reps" in bad.stderr
    listing = cli("people", "--data-dir", tmp_path).stdout
    assert "Anna: 0 session(s), streak 0 day(s); own targets: pelvic_tilt 6 reps" in listing
    refused = cli("people", "--data-dir", tmp_path, "remove", "Anna", stdin="")
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert "removed Anna and 0 session(s)" in cli("people", "--data-dir", tmp_path, "remove", "Anna", "--yes").stdout
    missing = cli("people", "--data-dir", tmp_path, "rename", "Anna", "Bea")
    assert missing.returncode == 2 and "no person called 'Anna'" in missing.stderr and missing.stderr[-1] == "\n"


def test_the_report_command_writes_a_png_and_refuses_bad_input_in_one_line(tmp_path):
    h = History(tmp_path / "history.sqlite3")
    session(h, people.named(h, "Me"), "2026-11-20")
    people.add(h, "Anna")
    h.close()
    out = tmp_path / "me.png"
    made = cli("report", "--data-dir", tmp_path, "--person", "me", "--out", str(out))
    assert made.returncode == 0 and "1 session(s) of Me" in made.stdout and out.stat().st_size > 10_000
    who = cli("report", "--data-dir", tmp_path, "--out", str(out))
    assert who.returncode == 2 and "--person is needed" in who.stderr and "Me, Anna" in who.stderr
    pdf = cli("report", "--data-dir", tmp_path, "--person", "Me", "--out", str(tmp_path / "r.pdf"))
    assert pdf.returncode == 2 and "PNG" in pdf.stderr
