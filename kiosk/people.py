"""The people who use a kiosk: names, their own routine targets, and removal with all their history.

People live in the history database (`profiles`), so a person's sessions, streak and pain scores
are theirs alone, and removing a person removes every session they did, in one transaction, with
a message asking the clinic's collector to do the same (their data, their right). Targets a
therapist sets for one person (6 tilts, 45 s holds) replace the routine's for that person only.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from datetime import datetime

from backstretch.errors import PeopleError

from . import outbox
from .history import History
from .routine import Exercise, Routine

NAME_MAX = 20  # fits a tile read from 3 m
TARGET_KEYS = {"reps": "reps", "hold": "hold_s"}  # what a therapist may set per person, by kind of exercise


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    targets: dict[str, dict[str, float]] = field(default_factory=dict)  # exercise id -> {"reps": 6} or {"hold_s": 45}


def everyone(history: History) -> list[Person]:
    rows = history.db.execute("SELECT id, name, targets FROM profiles ORDER BY id").fetchall()
    return [Person(i, name, json.loads(targets)) for i, name, targets in rows]


def find(history: History, name: str) -> Person | None:
    return next((p for p in everyone(history) if p.name.casefold() == name.strip().casefold()), None)


def named(history: History, name: str) -> Person:
    """The person called `name`, or an error that lists who there is."""
    person = find(history, name)
    if person is None:
        known = ", ".join(p.name for p in everyone(history)) or "nobody yet"
        raise PeopleError(f"no person called {name!r} in {history.path}; known: {known}")
    return person


def check_name(history: History, name: str, other_than: int | None = None) -> str:
    name = " ".join(name.split())
    if not name or len(name) > NAME_MAX or not name.isprintable():
        raise PeopleError(f"a name must be 1 to {NAME_MAX} printable characters, not {name!r}")
    same = find(history, name)
    if same and same.id != other_than:
        raise PeopleError(f"there is already a person called {same.name!r}")
    return name


def add(history: History, name: str) -> Person:
    name = check_name(history, name)
    with history.transaction() as db:
        cur = db.execute(
            "INSERT INTO profiles (name, created_at) VALUES (?, ?)",
            (name, datetime.now().isoformat(timespec="seconds")),
        )
    return Person(cur.lastrowid, name)


def rename(history: History, person: Person, name: str) -> Person:
    """Past sessions follow the person, at the clinic's collector too (people are known there by name)."""
    name = check_name(history, name, other_than=person.id)
    with history.transaction() as db:
        db.execute("UPDATE profiles SET name = ? WHERE id = ?", (name, person.id))
        if history.outbox and name != person.name:
            history.outbox.rename(db, person.id, person.name, name)
    return dataclasses.replace(person, name=name)


def remove(history: History, person: Person) -> int:
    """The person and every session of theirs, at once; returns how many sessions went.

    Gone from the file too, not only from the tables: SQLite's secure delete overwrites what the rows
    held, and a checkpoint moves that into the database file, so the bytes cannot be read back from it.
    Their fleet messages go as well, sent or not (sent ones are otherwise kept a week)."""
    history.db.execute("PRAGMA secure_delete = ON")
    with history.transaction() as db:
        ids = [r[0] for r in db.execute("SELECT id FROM sessions WHERE profile_id = ?", (person.id,))]
        db.executemany("DELETE FROM exercise_results WHERE session_id = ?", [(i,) for i in ids])
        db.execute("DELETE FROM sessions WHERE profile_id = ?", (person.id,))
        db.execute("DELETE FROM profiles WHERE id = ?", (person.id,))
        aliases = outbox.unsent_old_names(db, person.id)  # the collector knows them by a name it was not told of
        db.execute("DELETE FROM outbox WHERE profile_id = ?", (person.id,))  # also when the fleet is off now
        if history.outbox:
            history.outbox.forget(db, person.name, aliases)
    history.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # busy with a reader: SQLite does it at a later commit
    if history.person == person.id:
        history.person = None
    return len(ids)


def set_target(history: History, person: Person, exercise: Exercise, value: float | None) -> Person:
    """The person's own target for one exercise (reps, or hold seconds); None goes back to the routine's."""
    key = TARGET_KEYS[exercise.detect]
    targets = {k: dict(v) for k, v in person.targets.items()}
    if value is None:
        targets.pop(exercise.id, None)
    else:
        check = next(f for f in dataclasses.fields(Exercise) if f.name == key).metadata["check"]
        problem = check(value)
        if problem:
            raise PeopleError(f"{exercise.id}.{key} = {value} for {person.name}: {problem}")
        targets[exercise.id] = {key: value}
    with history.transaction() as db:
        db.execute("UPDATE profiles SET targets = ? WHERE id = ?", (json.dumps(targets), person.id))
    return dataclasses.replace(person, targets=targets)


def routine_for(routine: Routine, person: Person | None) -> Routine:
    """The routine with the person's own targets; a guest (None) gets the routine as it is."""
    if person is None or not person.targets:
        return routine
    exercises = []
    for ex in routine.exercises:
        own = person.targets.get(ex.id, {})
        key = TARGET_KEYS[ex.detect]
        exercises.append(dataclasses.replace(ex, **{key: own[key]}) if key in own else ex)
    return dataclasses.replace(routine, exercises=tuple(exercises))


def target_words(target: dict) -> list[str]:
    """{"reps": 6} as "6 reps", {"hold_s": 45} as "45 s holds"."""
    return [f"{v:g} reps" if k == "reps" else f"{v:g} s holds" for k, v in target.items()]
