"""Sensor-layer throughput: how many samples per second each stage can deliver on one core.

Run: .venv/bin/python benchmarks/sensor_layer.py   (or `make bench`)
Prints figures; it asserts nothing, so a busy machine cannot make it fail.
"""

from __future__ import annotations

import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "drivers"))

from backstretch.drivers.fake_i2c import FakeBus, FakeMpu  # noqa: E402
from backstretch.drivers.i2c_source import I2CSource  # noqa: E402
from backstretch.drivers.mpu6050 import Mpu6050  # noqa: E402
from backstretch.drivers.recording import read_recording  # noqa: E402
from backstretch.kiosk.simulator.body import SUPINE  # noqa: E402
from backstretch.kiosk.simulator.mock import MockSource  # noqa: E402
from backstretch.kiosk.simulator.script import Script  # noqa: E402


def per_second(count: int, seconds: float) -> str:
    return f"{count / seconds:>12,.0f} samples/s"


def bench_fifo_decode(n_batches: int = 2000) -> str:
    t = [0.0]
    chip = FakeMpu(fifo_capacity=4096)
    source = I2CSource(FakeBus({0x68: chip}), Mpu6050, None, 1000, 4, 500, clock=lambda: t[0])
    source.open()
    count, spent = 0, 0.0
    for _ in range(n_batches):
        for i in range(40):
            chip.push(i, -i, 8192, 3, 2, 1)
        t[0] += 0.04
        start = time.perf_counter()
        count += len(source.read())
        spent += time.perf_counter() - start
    return f"MPU-6050 FIFO read+decode (fake bus, 40/batch) {per_second(count, spent)}"


def bench_mock(seconds: float = 600.0) -> str:
    script = Script(start=SUPINE).tilt_reps(60, 10.0).still(seconds)
    t = [0.0]
    source = MockSource(script.timeline, rate_hz=100, clock=lambda: t[0])
    source.open()
    count, start = 0, time.perf_counter()
    while t[0] < seconds:
        t[0] += 1 / 30  # one display frame
        count += len(source.read())
    return f"mock sensor at 100 Hz, read per 30 fps frame   {per_second(count, time.perf_counter() - start)}"


def bench_recording() -> str:
    path = ROOT.parent / "shared" / "data" / "uci-pt" / "uci-s1-e1.csv"
    if not path.exists():
        return "recording parse: shared data not present"
    start = time.perf_counter()
    rec = read_recording(path)
    return f"recording parse ({path.name})             {per_second(len(rec.data), time.perf_counter() - start)}"


def bench_startup() -> str:
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "backstretch.kiosk.cli", "config"], cwd=ROOT, capture_output=True, check=True
        )
        runs.append(time.perf_counter() - start)
    runs.sort()
    return f"CLI start-up (`backstretch config`)          median {runs[2] * 1000:.0f} ms, best {runs[0] * 1000:.0f} ms"


def main() -> None:
    tracemalloc.start()
    for line in (bench_fifo_decode(), bench_mock(), bench_recording()):
        print(line)
    _, peak = tracemalloc.get_traced_memory()
    print(f"peak traced memory of the above              {peak / 1e6:.1f} MB")
    print(bench_startup())


if __name__ == "__main__":
    main()
