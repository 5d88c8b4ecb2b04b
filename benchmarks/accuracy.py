"""Accuracy of the motion pipeline on labelled recordings: is the count one a person can trust?

Run: .venv/bin/python benchmarks/accuracy.py [FILE.csv|DIR ...] [--synthetic N] [--quiet]
Default: every labelled recording in ../shared/data/, the stored sets in tests/data/synthetic/,
and N (default 25) generated synthetic sets per exercise with fixed seeds. Prints per file and in
total: exact-count rate, mean absolute count error, hold count and side agreement, hold start and
end error, and reps counted in non-exercise segments. It asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backstretch.drivers.recording import read_recording  # noqa: E402
from backstretch.kiosk.motion.analysis import run_pipeline, summarize  # noqa: E402
from backstretch.kiosk.motion.events import RepCounted  # noqa: E402
from backstretch.kiosk.motion.synthetic import SCENARIOS, generate  # noqa: E402

HOLD_TOLERANCE_S = 1.0


@dataclass
class Tally:
    sets: int = 0
    exact: int = 0
    abs_error: int = 0
    holds_labelled: int = 0
    holds_found: int = 0
    sides_right: int = 0
    sides_judged: int = 0
    edge_errors: list[float] = field(default_factory=list)
    false_reps: int = 0

    def add(self, other: Tally) -> None:
        for name in (
            "sets",
            "exact",
            "abs_error",
            "holds_labelled",
            "holds_found",
            "sides_right",
            "sides_judged",
            "false_reps",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.edge_errors += other.edge_errors

    def lines(self, title: str) -> list[str]:
        out = [
            f"{title}: {self.sets} sets, exact count {self.exact}/{self.sets} "
            f"({100 * self.exact / max(self.sets, 1):.0f}%), "
            f"mean abs error {self.abs_error / max(self.sets, 1):.3f} reps"
        ]
        if self.holds_labelled:
            within = sum(e <= HOLD_TOLERANCE_S for e in self.edge_errors)
            mean = sum(self.edge_errors) / max(len(self.edge_errors), 1)
            out.append(
                f"  holds found {self.holds_found}/{self.holds_labelled}, right side {self.sides_right}/"
                f"{self.sides_judged}, start/end within {HOLD_TOLERANCE_S:g} s: {within}/{len(self.edge_errors)} "
                f"(mean error {mean:.2f} s, worst {max(self.edge_errors, default=0):.2f} s)"
            )
        out.append(f"  reps counted in non-exercise segments: {self.false_reps}")
        return out


def score(exercise: str, samples, labels: dict, duration: float) -> tuple[Tally, str]:
    events, _ = run_pipeline(samples, exercise, labels.get("hold_target_s"))
    result = summarize(exercise, events, duration)
    t = Tally(sets=1)
    err = result["reps"] - labels.get("reps", 0)
    t.exact, t.abs_error = int(err == 0), abs(err)
    found = list(result["holds"])
    for want in labels.get("holds", []):
        t.holds_labelled += 1
        best = max(found, key=lambda h: _overlap(h, want), default=None)
        if best is None or _overlap(best, want) <= 0:
            continue
        found.remove(best)
        t.holds_found += 1
        t.edge_errors += [abs(best["start"] - want["start"]), abs(best["end"] - want["end"])]
        if want.get("side") is not None:
            t.sides_judged += 1
            t.sides_right += best["side"] == want["side"]
    idle = labels.get("non_exercise", [])
    t.false_reps = sum(isinstance(e, RepCounted) and any(a <= e.t <= b for a, b in idle) for e in events)
    t.holds_found -= len(found)  # holds that were not there count against
    detail = f"reps {result['reps']}/{labels.get('reps', 0)}"
    if labels.get("holds"):
        detail += f", holds {len(result['holds'])}/{len(labels['holds'])}"
    if t.false_reps:
        detail += f", {t.false_reps} false"
    return t, detail


def _overlap(a: dict, b: dict) -> float:
    return min(a["end"], b["end"]) - max(a["start"], b["start"])


def labelled_files(paths: list[Path]) -> list[Path]:
    files = []
    for p in paths:
        files += sorted(p.rglob("*.csv")) if p.is_dir() else [p]
    return [
        f
        for f in files
        if f.with_suffix("").with_suffix(".labels.json").exists() or Path(str(f)[:-4] + ".labels.json").exists()
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--synthetic", type=int, default=25, help="generated sets per exercise (0 for none)")
    parser.add_argument("--quiet", action="store_true", help="totals only")
    args = parser.parse_args()
    paths = args.paths or [ROOT.parent / "shared" / "data", ROOT / "tests" / "data" / "synthetic"]
    groups: dict[str, Tally] = {}

    def record(group: str, name: str, tally: Tally, detail: str) -> None:
        groups.setdefault(group, Tally()).add(tally)
        if not args.quiet:
            mark = (
                "ok "
                if tally.exact
                and tally.holds_found == tally.holds_labelled
                and not tally.false_reps
                and all(e <= HOLD_TOLERANCE_S for e in tally.edge_errors)
                and tally.sides_right == tally.sides_judged
                else "MISS"
            )
            print(f"{mark} {name:<40} {detail}")

    for f in labelled_files([p for p in paths if p.exists()]):
        labels = json.loads(Path(str(f)[:-4] + ".labels.json").read_text())
        rec = read_recording(f)
        exercise = labels.get("exercise", "reps")
        tally, detail = score(exercise, rec.samples(), labels, rec.duration)
        record(f"{f.parent.name} ({exercise})", f.name, tally, detail)
    for exercise in SCENARIOS:
        for seed in range(1000, 1000 + args.synthetic):
            s = generate(exercise, seed)
            tally, detail = score(exercise, s.samples, s.labels, s.labels["duration"])
            record(f"generated {exercise}", s.name, tally, detail)
    print()
    total = Tally()
    for name, tally in groups.items():
        print("\n".join(tally.lines(name)))
        total.add(tally)
    print("\n".join(total.lines("all")))


if __name__ == "__main__":
    main()
