"""History under SIGKILL: a kiosk process writing sessions is killed at random moments, again and again.

Each round starts a writer on the same database that finishes sessions (begin, three results, end,
pain) and says "done N" after each one returns, as the screen would move on. In some rounds the
disk is full for a stretch (the writer's connection may not grow the file), so writes wait in memory
and in the list beside the database. The writer is killed with SIGKILL a random moment after a
random number of sessions; then the database is checked (PRAGMA integrity_check) and opened as the
kiosk opens it (which writes what the list kept). Every session a writer said done must then be
there exactly once, completed, with its three results and its pain score: `lost` and `duplicated`
must be 0.

Run: .venv/bin/python benchmarks/history_kills.py [--kills N] [--seed S]
Prints one line per 50 kills and one JSON object on its last line.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

from backstretch.kiosk.history import History

WRITER = """
import sys, random
from datetime import datetime, timedelta
from backstretch.kiosk.history import History
from backstretch.kiosk.results import ExerciseResult

path, first, seed, full_share = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
rng = random.Random(seed)
ticks = iter(range(10**9))
h = History(path, clock=lambda: next(ticks) * 0.5)  # a retry's back-off passes within a few writes
n = first
while True:
    full = rng.random() < full_share
    pages = h.db.execute("PRAGMA page_count").fetchone()[0]
    h.db.execute(f"PRAGMA max_page_count = {pages if full else 10**6}")
    started = (datetime(2026, 1, 1) + timedelta(minutes=n)).isoformat(timespec="seconds")
    sid = h.begin_session(started, "kill")
    for p in range(3):
        h.add_result(sid, ExerciseResult("pelvic_tilt", "Pelvic tilt", "reps", p + 1, "completed", 8, 8,
                                         calibration="x" * rng.choice([10, 5000])))
    h.end_session(sid, started, "completed")
    h.set_pain(sid, n % 11)
    h.retry()
    print("done", n, flush=True)
    n += 1
"""


def started_at(n: int) -> str:
    """The writer's n-th session starts a minute after the one before."""
    return (datetime(2026, 1, 1) + timedelta(minutes=n)).isoformat(timespec="seconds")


def check(path: Path, done: set[int]) -> dict:
    """Integrity, then what the kiosk sees once it has opened the file (and written what waited)."""
    import sqlite3

    db = sqlite3.connect(path)
    ok = db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    history = History(path)
    sessions = [s for s in history.sessions() if s.routine == "kill"]
    history.close()
    counts = Counter(s.started_at for s in sessions)
    by_start = {s.started_at: s for s in sessions}
    duplicated = sum(c - 1 for c in counts.values())  # any session twice, said done or cut short by the kill
    lost = wrong = 0
    for n in done:
        s = by_start.get(started_at(n))
        if s is None:
            lost += 1
        elif s.status != "completed" or len(s.results) != 3 or s.pain != n % 11:
            wrong += 1
    return {"corrupt": not ok, "lost": lost, "duplicated": duplicated, "wrong": wrong}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # "writing N write(s) kept" on each reopen is the point, not news
    rng = random.Random(args.seed)
    totals = Counter()
    done: set[int] = set()
    wall0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "history.sqlite3"
        History(path).close()
        first = 0
        for kill in range(1, args.kills + 1):
            full_share = rng.choice([0.0, 0.3, 0.7])
            proc = subprocess.Popen(
                [sys.executable, "-c", WRITER, str(path), str(first), str(rng.randrange(10**6)), str(full_share)],
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,  # its warnings about the full disk are expected
                text=True,
            )
            for _ in range(rng.randint(0, 4)):
                if not proc.stdout.readline().startswith("done"):
                    break  # the writer ended by itself: the check below says what it left
                done.add(first)
                first += 1
            time.sleep(rng.uniform(0, 0.03))  # somewhere inside the next session's writes
            proc.send_signal(signal.SIGKILL)
            # A "done" printed before the kill landed, whole or cut short by it: either way session `first`
            # had returned (the writer counts up from `first`, so the number itself is not needed).
            for line in proc.stdout.read().split("\n"):
                if line.startswith("done"):
                    done.add(first)
                    first += 1
            proc.wait()
            first += 1  # the killed session's start time is never used again
            figures = check(path, done)
            if figures["corrupt"]:
                totals["corrupt_rounds"] += 1
            if kill % 50 == 0 or kill == args.kills:
                print(f"{kill} kills, {len(done)} sessions said done: {figures}", flush=True)
        final = check(path, done)
    result = {
        "kills": args.kills,
        "sessions_done": len(done),
        "corrupt_rounds": totals["corrupt_rounds"],
        "lost": final["lost"],
        "duplicated": final["duplicated"],
        "wrong": final["wrong"],
        "wall_s": round(time.perf_counter() - wall0, 1),
    }
    print(json.dumps(result))
    return 0 if not (result["corrupt_rounds"] or result["lost"] or result["duplicated"] or result["wrong"]) else 1


if __name__ == "__main__":
    sys.exit(main())
