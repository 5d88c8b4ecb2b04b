"""Soak: 25 whole sessions of the seed routine in one process, on a virtual clock, resident memory sampled.

The real session (motion pipeline, routine engine, SQLite history) with the simulator's virtual person
and mock sensor at 100 Hz, stepped at 30 frames per virtual second as fast as the CPU allows.
Resident memory (VmRSS) is read after every session; the kiosk passes when it stays flat within 5 MB
from the second session to the last (the first one warms caches, imports and the SQLite page cache).

Run: .venv/bin/python benchmarks/soak.py [--sessions N]    (not in CI: it takes a minute or two)
Prints figures and one JSON object on its last line.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import time
from pathlib import Path

from backstretch.kiosk.app import simulation
from backstretch.kiosk.engine import SUMMARY
from backstretch.kiosk.history import History
from backstretch.kiosk.routine import load_routine
from backstretch.kiosk.session import KioskSession

FRAME_S = 1 / 30
FLAT_MB = 5.0
SESSION_LIMIT_S = 3600.0  # virtual seconds: a session that has not ended by then is stuck


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class VirtualClock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=25)
    args = parser.parse_args()
    clock = VirtualClock()
    with tempfile.TemporaryDirectory() as tmp:
        history = History(Path(tmp) / "history.sqlite3")
        sim = simulation("auto", 1, 100.0, clock)
        sim.open()
        kiosk = KioskSession(load_routine(), sim.source, clock, history, sim.observers)
        samples, frames, wall0 = [], 0, time.perf_counter()
        for n in range(args.sessions):
            kiosk.engine.command("start")
            started = clock.t
            while kiosk.sessions_done <= n and clock.t - started < SESSION_LIMIT_S:
                kiosk.step()
                view = kiosk.engine.view
                if view.phase == SUMMARY and view.pain is None:
                    kiosk.engine.command("pain", n % 4)
                clock.t += FRAME_S
                frames += 1
            gc.collect()
            samples.append(rss_mb())
            status = kiosk.engine.view.session_status
            print(f"session {n + 1:>2}: {status:<10} {clock.t - started:6.0f} virtual s, resident {samples[-1]:.1f} MB")
        wall = time.perf_counter() - wall0
        stored = len(history.sessions())
        sim.close()
        history.close()
    growth = max(samples[1:]) - min(samples[1:]) if len(samples) > 1 else 0.0
    result = {
        "sessions": args.sessions,
        "stored": stored,
        "virtual_s": round(clock.t),
        "wall_s": round(wall, 1),
        "frames_per_wall_s": round(frames / wall),
        "rss_first_mb": round(samples[0], 1),
        "rss_last_mb": round(samples[-1], 1),
        "rss_spread_after_first_mb": round(growth, 2),
        "flat": growth <= FLAT_MB,
    }
    print(
        f"{args.sessions} sessions ({stored} stored) in {wall:.0f} s of CPU, {result['virtual_s']} virtual s; "
        f"resident {samples[0]:.1f} -> {samples[-1]:.1f} MB, spread after the first {growth:.2f} MB "
        f"({'flat' if result['flat'] else 'NOT flat'} within {FLAT_MB:g} MB)"
    )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
