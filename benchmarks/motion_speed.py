"""Cost of the live motion pipeline: one hour of 100 Hz 6-axis data, fed as the kiosk feeds it.

Run: .venv/bin/python benchmarks/motion_speed.py
Prints samples per second of CPU time for sample-by-sample feeding and for a frame's batch
(4 samples, 100 Hz at 30 fps), the CPU seconds for the hour, and peak memory. Asserts nothing.
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backstretch.kiosk.motion.pipeline import MotionPipeline, params_for  # noqa: E402
from backstretch.kiosk.motion.synthetic import generate  # noqa: E402

HOUR_S = 3600.0


def hour_of_samples() -> list:
    """Synthetic pelvic-tilt sessions at 100 Hz laid end to end until they fill an hour."""
    samples, offset = [], 0.0
    seed = 1
    while offset < HOUR_S:
        chunk = generate("pelvic_tilt", seed, rate_hz=100.0).samples
        samples += [s._replace(t=s.t + offset) for s in chunk]
        offset = samples[-1].t + 0.01
        seed += 1
    return [s for s in samples if s.t < HOUR_S]


def run(samples: list, batch: int) -> float:
    pipeline = MotionPipeline(params_for("pelvic_tilt"))
    start = time.process_time()
    if batch == 1:
        for s in samples:
            pipeline.feed((s,))
    else:
        for i in range(0, len(samples), batch):
            pipeline.feed(samples[i : i + batch])
    pipeline.finish()
    return time.process_time() - start


def main() -> None:
    samples = hour_of_samples()
    print(f"input: {len(samples):,} samples (one hour at 100 Hz, accel and gyro)")
    for batch, label in ((1, "sample by sample"), (4, "4 per feed (a 30 fps frame)")):
        cpu = min(run(samples, batch) for _ in range(3))
        print(f"{label:<30} {cpu:6.2f} s CPU for the hour, {len(samples) / cpu:>10,.0f} samples/s")
    tracemalloc.start()
    pipeline = MotionPipeline(params_for("pelvic_tilt"))
    for i in range(0, len(samples), 4):
        pipeline.feed(samples[i : i + 4])
    _, peak = tracemalloc.get_traced_memory()
    print(f"peak memory allocated while running the hour: {peak / 1e3:.0f} kB (state does not grow with time)")


if __name__ == "__main__":
    main()
