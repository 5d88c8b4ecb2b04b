"""The phone receiver's cost: what a phone pushing 100 Hz costs the kiosk, and how many pushes it can take.

Run: .venv/bin/python benchmarks/phone_receiver.py   (or `make bench`)
Prints figures; it asserts nothing, so a busy machine cannot make it fail.

1. accept(): a push body checked, merged and queued, without HTTP (the receiver's own work).
2. The same pushes over a loopback keep-alive connection, client and server in this process (an
   upper bound: the client's JSON encoding is counted too), as fast as they go.
From these: the share of one core a 100 Hz phone (accelerometer and gyroscope) costs at one push a
second and at ten a second.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backstretch.drivers.phone import PhoneSource, PushLimits, PushReceiver  # noqa: E402
from backstretch.kiosk.simulator.phone import payload_entries, push_body  # noqa: E402
from tests.drivers.fake_phone import FakePhone  # noqa: E402

RATE = 100
TOKEN = "b3nchmrk"


def bodies(seconds_per_push: float, count: int) -> list[bytes]:
    n = int(RATE * seconds_per_push)
    out = []
    for i in range(count):
        t = (i * n + np.arange(n)) / RATE
        rows = np.column_stack([t, np.zeros((n, 2)), np.ones(n), np.full((n, 3), 0.5)])
        out.append(push_body(payload_entries(rows), message_id=i))
    return out


def bench_accept(seconds_per_push: float, count: int = 400) -> float:
    """CPU seconds per pushed second of phone data, receiver only."""
    now = [0.0]
    receiver = PushReceiver(clock=lambda: now[0])
    data = bodies(seconds_per_push, count)
    start = time.process_time()
    for body in data:
        now[0] += seconds_per_push
        status, _ = receiver.accept(body)
        assert status == 200
        receiver.drain()
    return (time.process_time() - start) / (count * seconds_per_push)


def bench_http(seconds_per_push: float, count: int = 300) -> tuple[float, float]:
    """(pushes a second, CPU seconds per pushed second) over loopback HTTP, client included."""
    source = PhoneSource("127.0.0.1:0", TOKEN, limits=PushLimits(requests_per_s=1e6))  # no flood limit here
    source.open()
    phone = FakePhone(source.port, TOKEN)
    data = bodies(seconds_per_push, count)
    wall, cpu = time.perf_counter(), time.process_time()
    for body in data:
        status, _ = phone.post(body)
        assert status == 200
        source.read()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    phone.close()
    source.close()
    return count / wall, cpu / (count * seconds_per_push)


def main() -> None:
    print(f"phone receiver, {RATE} Hz accelerometer and gyroscope (Android style, 2 entries a sample)")
    for every in (1.0, 0.1):
        per = bench_accept(every)
        print(f"  accept() only, a push every {every:g} s: {per * 100:.2f} % of a core")
    print("  over loopback HTTP (client and server in one process; an upper bound):")
    for every in (1.0, 0.1):
        rate, per = bench_http(every)
        print(f"    a push every {every:g} s: {per * 100:.2f} % of a core; {rate:,.0f} pushes/s at most")


if __name__ == "__main__":
    main()
