"""Fleet figures: what a history write with the outbox costs the display loop, and how fast a kiosk catches up.

Needs Mosquitto (Debian package `mosquitto`); started here on a free loopback port with persistence.
A week offline is made as 7 days x 3 sessions (3 results, an end and a pain score each); the catch-up
is timed from the publisher's start until the collector has stored every message, exactly once.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from backstretch.kiosk.collector import Collector
from backstretch.kiosk.fleet import FleetPublisher
from backstretch.kiosk.history import History
from backstretch.kiosk.mqtt import parse_broker
from backstretch.kiosk.outbox import Outbox, unsent_count
from backstretch.kiosk.results import ExerciseResult, HoldRecord


def result(position: int) -> ExerciseResult:
    holds = [HoldRecord("left", 30.5, True), HoldRecord("right", 29.0, True)]
    return ExerciseResult("spinal_twist", "Spinal twist", "hold", position, "completed", 0, 0, 30, 2, holds, 41.0)


def write_cost(folder: Path, outbox: Outbox | None, n: int) -> list[float]:
    """Microseconds per add_result on the display thread, with or without the outbox in the transaction."""
    h = History(folder / ("with.sqlite3" if outbox else "without.sqlite3"), outbox)
    sid = h.begin_session("2026-11-20T08:00:00", "Back stretches")
    times = []
    for i in range(n):
        t0 = time.perf_counter()
        h.add_result(sid, result(i))
        times.append((time.perf_counter() - t0) * 1e6)
    h.close()
    return times


def start_broker(folder: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    conf = folder / "mosquitto.conf"
    conf.write_text(
        f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location {folder}/\n"
    )
    mosquitto = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    broker = subprocess.Popen([mosquitto, "-c", str(conf)], stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.02)
    return broker, f"mqtt://127.0.0.1:{port}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--writes", type=int, default=300, help="history writes timed for the display-loop cost")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        plain = write_cost(folder, None, args.writes)
        with_outbox = write_cost(folder, Outbox("bench"), args.writes)
        p95 = sorted(with_outbox)[int(0.95 * args.writes)]
        print(
            f"add_result on the display thread ({args.writes} writes, WAL, synchronous=FULL): "
            f"median {statistics.median(plain):.0f} us without the outbox, "
            f"{statistics.median(with_outbox):.0f} us with it; p95 {p95:.0f} us"
        )
        kiosk = History(folder / "kiosk.sqlite3", Outbox("bench"))
        for day in range(args.days):
            for k in range(3):
                sid = kiosk.begin_session(f"2026-11-{day + 1:02d}T{8 + k:02d}:00:00", "Back stretches")
                for position in (1, 2, 3):
                    kiosk.add_result(sid, result(position))
                kiosk.end_session(sid, f"2026-11-{day + 1:02d}T{8 + k:02d}:20:00", "completed")
                kiosk.set_pain(sid, 2)
        waiting = unsent_count(kiosk.db)
        kiosk.close()
        broker, url = start_broker(folder)
        try:
            collector = Collector(parse_broker(url), folder / "clinic.sqlite3", "bench-collector")
            subscribed = threading.Event()
            collector.client.on_subscribe = lambda *_: subscribed.set()
            collector.start()
            subscribed.wait(10)  # the collector's queue on the broker exists from its first subscription
            publisher = FleetPublisher(parse_broker(url), "bench", folder / "kiosk.sqlite3", discovery_prefix="")
            t0 = time.perf_counter()
            publisher.start()
            with collector.changed:
                done = collector.changed.wait_for(lambda: collector.stored >= waiting, 120)
            seconds = time.perf_counter() - t0
            publisher.stop()
            collector.stop()
        finally:
            broker.terminate()
            broker.wait()
        print(
            f"a week offline ({args.days} days x 3 sessions = {waiting} messages): caught up in {seconds:.2f} s "
            f"({waiting / seconds:.0f} messages/s, one at a time, each acknowledged before the next), "
            f"stored {collector.stored}, repeats {collector.repeats}" + ("" if done else " (NOT all arrived)")
        )


if __name__ == "__main__":
    sys.exit(main())
