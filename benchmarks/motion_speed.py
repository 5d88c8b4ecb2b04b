"""Cost of the motion code: `backstretch analyze` as a developer waits for it, and the live pipeline.

Run: .venv/bin/python benchmarks/motion_speed.py
Writes one hour and four hours of 100 Hz accelerometer and gyro data (synthetic pelvic-tilt
sessions laid end to end) to a temporary folder, then prints:
- the wall time of the whole `backstretch analyze` process on the hour (best and median of 3), its CPU time
  (user + system, steadier than wall time on a busy machine) and its peak resident memory, as pelvic tilt and
  as the generic exercise;
- the peak resident memory of `analyze` on the four hours (flat in the recording's length);
- the CPU time of the live pipeline fed 4 samples at a time (100 Hz at 30 frames a second)
  over the hour, and the memory it allocates while running (its state does not grow).
It asserts nothing.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backstretch.drivers.sample import Sample  # noqa: E402
from backstretch.kiosk.motion.pipeline import MotionPipeline, params_for  # noqa: E402
from backstretch.kiosk.motion.synthetic import generate  # noqa: E402

HOUR_S = 3600.0
RATE_HZ = 100.0
BACKSTRETCH = Path(sys.executable).with_name("backstretch")


def hours_of_data(hours: float) -> np.ndarray:
    """Synthetic pelvic-tilt sessions with a gyro at 100 Hz laid end to end, as an N x 7 array."""
    parts, offset, seed = [], 0.0, 1
    while offset < hours * HOUR_S:
        s = generate("pelvic_tilt", seed, rate_hz=RATE_HZ)
        seed += 1
        if not s.has_gyro:
            continue
        a = np.array(s.samples, dtype=float)
        a[:, 0] += offset
        parts.append(a)
        offset = a[-1, 0] + 1.0 / RATE_HZ
    data = np.concatenate(parts)
    return data[data[:, 0] < hours * HOUR_S]


def write_csv(path: Path, data: np.ndarray) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.write("# benchmark: synthetic pelvic-tilt sessions, 100 Hz\nt,ax,ay,az,gx,gy,gz\n")
        np.savetxt(out, data, fmt=["%.4f", "%.5f", "%.5f", "%.5f", "%.3f", "%.3f", "%.3f"], delimiter=",")


def analyze(path: Path, exercise: str = "pelvic_tilt") -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak resident MB of one whole `backstretch analyze` process."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [str(BACKSTRETCH), "analyze", str(path), "--exercise", exercise, "--json"], stdout=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"analyze failed with status {proc.returncode}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0  # kB on Linux


def live_cpu(samples: list[Sample]) -> float:
    """CPU seconds of the pipeline fed as the kiosk feeds it: a list of 4 samples per frame."""
    pipeline = MotionPipeline(params_for("pelvic_tilt"))
    start = time.process_time()
    for i in range(0, len(samples), 4):
        pipeline.feed(samples[i : i + 4])
    pipeline.finish()
    return time.process_time() - start


def write_files(folder: Path) -> None:
    """The hour and the four hours, written by a child process, so that this one stays small: a child's peak
    resident memory counts what it inherited from its parent before it ran analyze."""
    hour = hours_of_data(1.0)
    write_csv(folder / "hour.csv", hour)
    shift = np.array([HOUR_S, 0, 0, 0, 0, 0, 0])
    write_csv(folder / "four-hours.csv", np.concatenate([hour + k * shift for k in range(4)]))


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--write":
        write_files(Path(sys.argv[2]))
        return
    with tempfile.TemporaryDirectory() as tmp:
        one, four = Path(tmp) / "hour.csv", Path(tmp) / "four-hours.csv"
        subprocess.run([sys.executable, __file__, "--write", tmp], check=True)
        runs = [analyze(one) for _ in range(3)]
        walls = [w for w, _, _ in runs]
        print(
            f"analyze, 1 h of 100 Hz 6-axis data ({one.stat().st_size / 1e6:.0f} MB of CSV), whole process: "
            f"best {min(walls):.2f} s, median {statistics.median(walls):.2f} s wall "
            f"({min(c for _, c, _ in runs):.2f} s CPU); peak RSS {max(m for _, _, m in runs):.0f} MB"
        )
        generic = [analyze(one, "reps") for _ in range(3)]
        print(
            "the same hour as the generic exercise (--exercise reps, its own two counters): "
            f"best {min(w for w, _, _ in generic):.2f} s, median {statistics.median(w for w, _, _ in generic):.2f} s "
            f"wall ({min(c for _, c, _ in generic):.2f} s CPU)"
        )
        wall, _, rss = analyze(four)
        print(f"analyze, 4 h ({four.stat().st_size / 1e6:.0f} MB of CSV): peak RSS {rss:.0f} MB, {wall:.2f} s wall")
    hour = hours_of_data(1.0)
    samples = [Sample(*row) for row in hour.tolist()]
    cpu = min(live_cpu(samples) for _ in range(2))
    print(f"live pipeline, 4 samples per feed: {cpu:.2f} s CPU for the hour ({len(hour) / cpu:,.0f} samples/s)")
    tracemalloc.start()
    pipeline = MotionPipeline(params_for("pelvic_tilt"))
    for i in range(0, len(samples), 4):
        pipeline.feed(samples[i : i + 4])
    _, peak = tracemalloc.get_traced_memory()
    print(f"live pipeline, peak memory allocated over the hour: {peak / 1e3:.0f} kB (state does not grow with time)")


if __name__ == "__main__":
    main()
