"""How soon the second counter agrees: the kiosk says "about N" when it has not within CONFIRM_S of a count.

Run: .venv/bin/python benchmarks/second_count.py [DIR ...]
For every labelled recording of the generic `reps` exercise (default: ../shared/data), fed as the kiosk feeds
it (4 samples at a time), in two ways:
- offline, as `backstretch analyze` runs (no start pose; CycleCounter's counts after the first 65 s, as the
  first set of a recording waits for the quiet level, which takes a minute, offline only);
- as the routine runs it: the start pose taken at the first still spell, then sets of one rep.
Prints, for CycleCounter's counts (the ones shown and said): how many are confirmed within CONFIRM_S
(PeakCounter has counted the same reps: kiosk/motion/agreement.py), and when PeakCounter's nearest count came
relative to CycleCounter's (median, 10th and 90th percentiles; negative is earlier). It asserts nothing.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backstretch.drivers.recording import read_recording  # noqa: E402
from backstretch.kiosk.engine import CONFIRM_S  # noqa: E402
from backstretch.kiosk.motion.analysis import LIVE_BATCH  # noqa: E402
from backstretch.kiosk.motion.pipeline import MotionPipeline, params_for  # noqa: E402

OFFLINE_AFTER_S = 65.0


def counts_over_time(data: np.ndarray, routine: bool) -> np.ndarray:
    """(t, CycleCounter's count, PeakCounter's count, 1 if they counted the same reps) after every batch."""
    params = replace(params_for("reps"), auto_calibrate=not routine)
    pipeline = MotionPipeline(params)
    if routine:
        pipeline.calibrate()
    rows = []
    for i in range(0, len(data), LIVE_BATCH):
        pipeline.feed(data[i : i + LIVE_BATCH])
        rows.append((pipeline.state.t, pipeline.cycles.count, pipeline.peaks.count, pipeline.agreement.same))
    return np.array(rows)


def measure(files: list[Path], routine: bool) -> str:
    agreed = total = 0
    offsets: list[float] = []
    for f in files:
        h = counts_over_time(read_recording(f).data, routine)
        counted = h[1:][np.diff(h[:, 1]) > 0, 0]  # when CycleCounter's count went up
        peaks = h[1:][np.diff(h[:, 2]) > 0, 0]
        for t in counted[counted > (0.0 if routine else h[0, 0] + OFFLINE_AFTER_S)]:
            total += 1
            window = h[(h[:, 0] >= t) & (h[:, 0] <= t + CONFIRM_S)]
            agreed += bool(window[:, 3].any())
            if len(peaks):
                offsets.append(float(peaks[np.argmin(np.abs(peaks - t))] - t))
    o = np.array(offsets)
    mode = "as the routine runs it" if routine else f"offline, counts after {OFFLINE_AFTER_S:g} s"
    return (
        f"{mode}: {total} counts, the second counter counted the same reps within {CONFIRM_S:g} s for {agreed}/{total} "
        f"({100 * agreed / max(total, 1):.0f}%); its nearest count comes median {np.median(o):+.2f} s, "
        f"10th percentile {np.percentile(o, 10):+.2f} s, 90th {np.percentile(o, 90):+.2f} s"
    )


def main() -> None:
    shared = next((p / "shared" / "data" for p in ROOT.parents if (p / "shared" / "data").is_dir()), ROOT)
    dirs = [Path(a) for a in sys.argv[1:]] or [shared]
    files = [
        f
        for d in dirs
        for f in sorted(d.rglob("*.csv"))
        if Path(str(f)[:-4] + ".labels.json").exists()
        and json.loads(Path(str(f)[:-4] + ".labels.json").read_text()).get("exercise", "reps") == "reps"
    ]
    print(f"{len(files)} recordings of the generic exercise")
    for routine in (False, True):
        print(measure(files, routine))


if __name__ == "__main__":
    main()
