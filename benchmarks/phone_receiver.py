"""The phone receiver's cost: what a phone pushing 100 Hz costs the kiosk, and how many pushes it can take.

Run: .venv/bin/python benchmarks/phone_receiver.py   (or `make bench`)
Prints figures; it asserts nothing, so a busy machine cannot make it fail.

1. accept(): a push body checked, merged and queued, without HTTP (the receiver's own work).
2. The same pushes over a loopback keep-alive connection, client and server in this process (an
   upper bound: the client's JSON encoding is counted too), as fast as they go.
From these: the share of one core a 100 Hz phone (accelerometer and gyroscope) costs at one push a
second and at ten a second.
3. A flood: two threads posting with a wrong token as fast as they can from another address
   (127.0.0.2) while a phone pushes a 0.1 s batch every 0.1 s for 5 s: what the phone loses, how
   long its pushes take, and how the receiver answered the flood (all in one process: an upper bound).
"""

from __future__ import annotations

import http.client
import statistics
import sys
import threading
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


def bench_flood(seconds: float = 5.0) -> dict:
    source = PhoneSource("127.0.0.1:0", TOKEN)  # the limits a kiosk runs with
    source.open()
    stop = threading.Event()
    attempts = [0, 0]

    def flood(slot: int) -> None:
        while not stop.is_set():
            conn = http.client.HTTPConnection("127.0.0.1", source.port, timeout=5, source_address=("127.0.0.2", 0))
            try:
                conn.request("POST", "/push/wrongtoken", b"{}")
                conn.getresponse().read()
            except (OSError, http.client.HTTPException):
                pass
            finally:
                conn.close()
            attempts[slot] += 1

    flooders = [threading.Thread(target=flood, args=(i,), daemon=True) for i in range(2)]
    for t in flooders:
        t.start()
    phone = FakePhone(source.port, TOKEN)
    data = bodies(0.1, int(seconds / 0.1))
    took, got, statuses = [], 0, []
    cpu, wall = time.process_time(), time.perf_counter()
    for i, body in enumerate(data):
        due = wall + (i + 1) * 0.1
        time.sleep(max(0.0, due - time.perf_counter()))
        t0 = time.perf_counter()
        statuses.append(phone.post(body)[0])
        took.append(time.perf_counter() - t0)
        got += len(source.read())
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    stop.set()
    for t in flooders:
        t.join(5)
    got += len(source.read())
    refused = source.status().refused
    phone.close()
    source.close()
    took_ms = sorted(x * 1000 for x in took)
    return {
        "sent": len(data) * 10,
        "delivered": got,
        "phone_ok": statuses.count(200),
        "pushes": len(data),
        "push_ms_p50": statistics.median(took_ms),
        "push_ms_p95": took_ms[int(0.95 * (len(took_ms) - 1))],
        "push_ms_max": took_ms[-1],
        "flood_per_s": sum(attempts) / wall,
        "refused": dict(refused),
        "cpu": cpu / wall,
    }


def main() -> None:
    print(f"phone receiver, {RATE} Hz accelerometer and gyroscope (Android style, 2 entries a sample)")
    for every in (1.0, 0.1):
        per = bench_accept(every)
        print(f"  accept() only, a push every {every:g} s: {per * 100:.2f} % of a core")
    print("  over loopback HTTP (client and server in one process; an upper bound):")
    for every in (1.0, 0.1):
        rate, per = bench_http(every)
        print(f"    a push every {every:g} s: {per * 100:.2f} % of a core; {rate:,.0f} pushes/s at most")
    f = bench_flood()
    print("  a wrong-token flood from another address (two threads, as fast as they go) during 5 s of a phone:")
    print(
        f"    phone: {f['phone_ok']}/{f['pushes']} pushes answered 200, "
        f"{f['delivered']}/{f['sent']} samples delivered; "
        f"a push took p50 {f['push_ms_p50']:.1f} ms, p95 {f['push_ms_p95']:.1f} ms, max {f['push_ms_max']:.1f} ms"
    )
    print(
        f"    flood: {f['flood_per_s']:,.0f} requests/s, answered {f['refused']}; "
        f"the whole process (flood, phone and receiver) used {f['cpu'] * 100:.0f} % of a core"
    )


if __name__ == "__main__":
    main()
