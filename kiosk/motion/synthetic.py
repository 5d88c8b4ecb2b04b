"""Labelled synthetic recordings of the routine's exercises, made with the mock sensor's physics.

There is no public labelled data for these exercises, so this generator covers what real
people do: random clip mounting, breathing sway, slow and fast transitions, holds broken early,
the wrong side first, long rests, fidgeting, walking up and standing up, the noise and bias of
an MPU-6050, 25 to 200 Hz, and sometimes no gyro. Every set comes from a fixed seed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from backstretch.drivers.recording import RecordingWriter
from backstretch.drivers.sample import Sample
from backstretch.kiosk.simulator.body import OVER_BALL, SITTING, STANDING, SUPINE
from backstretch.kiosk.simulator.mock import ImuModel
from backstretch.kiosk.simulator.script import Script

RATES = (25.0, 50.0, 100.0, 200.0)


@dataclass
class SyntheticSet:
    name: str
    samples: list[Sample]
    has_gyro: bool
    labels: dict

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.name}.csv"
        with open(path, "w", encoding="utf-8") as out:
            RecordingWriter(
                out,
                self.has_gyro,
                [f"synthetic: {self.labels['scenario']}, seed {self.labels['seed']}, {self.labels['rate_hz']:g} Hz"],
            ).write(self.samples)
        (folder / f"{self.name}.labels.json").write_text(json.dumps(self.labels, indent=1) + "\n")
        return path


class _Session:
    """A Script plus the stretches of it where the person is not exercising."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.s = Script(start=STANDING, rng=rng)
        self.idle: list[list[float]] = []

    def off_mat(self, fn, *args, **kw) -> None:
        start = self.s.t
        fn(*args, **kw)
        self.idle.append([round(start, 2), round(self.s.t, 2)])

    def arrive(self, pose: tuple[float, float]) -> None:
        r = self.rng
        self.off_mat(self.s.walk, r.uniform(3, 6))
        self.off_mat(self.s.still, r.uniform(1.5, 3))
        self.off_mat(self.s.move, r.uniform(2.5, 5), pitch=pose[0], roll=pose[1])
        if r.random() < 0.6:
            self.off_mat(self.s.fidget, r.uniform(1.5, 4))
        self.s.still(r.uniform(3, 5))  # settling into position: the kiosk calibrates here

    def leave(self) -> None:
        r = self.rng
        self.s.still(r.uniform(2, 6))
        if r.random() < 0.5:
            self.off_mat(self.s.fidget, r.uniform(1.5, 3))
        self.off_mat(self.s.move, r.uniform(2.5, 4), pitch=STANDING[0], roll=0.0)
        self.off_mat(self.s.walk, r.uniform(2, 4))


def pelvic_tilt(rng: np.random.Generator) -> tuple[Script, list, dict]:
    ses = _Session(rng)
    ses.arrive(SUPINE)
    for _block in range(rng.integers(1, 3)):
        ses.s.tilt_reps(
            int(rng.integers(5, 11)),
            amplitude_deg=rng.uniform(4, 15),
            period_s=rng.uniform(3, 6),
            pause_s=rng.uniform(0.3, 2.0),
            jitter=0.2,
        )
        ses.s.still(rng.uniform(4, 15))  # a long rest between sets
        if rng.random() < 0.4:
            ses.off_mat(ses.s.fidget, rng.uniform(1.5, 3), size_deg=3.0)
            ses.s.still(2.5)
    ses.leave()
    return ses.s, ses.idle, {}


def spinal_twist(rng: np.random.Generator) -> tuple[Script, list, dict]:
    ses = _Session(rng)
    ses.arrive(SUPINE)
    first = "left" if rng.random() < 0.75 else "right"  # a quarter start on the wrong side
    target = 30.0
    for i in range(int(rng.integers(2, 5))):
        side = first if i % 2 == 0 else ("right" if first == "left" else "left")
        seconds = rng.uniform(8, 15) if rng.random() < 0.2 else rng.uniform(31, 38)  # some break early
        ses.s.twist_hold(side, rng.uniform(25, 55), seconds, transition_s=rng.uniform(1.5, 4))
        ses.s.still(rng.uniform(3, 10))
    ses.leave()
    return ses.s, ses.idle, {"first_side_asked": "left", "hold_target_s": target}


def swiss_ball(rng: np.random.Generator) -> tuple[Script, list, dict]:
    ses = _Session(rng)
    ses.arrive(SITTING)
    target = 30.0
    for _ in range(int(rng.integers(2, 4))):
        seconds = rng.uniform(8, 15) if rng.random() < 0.2 else rng.uniform(31, 60)
        start = ses.s.t
        ses.s.lean_hold(OVER_BALL[0] + rng.uniform(-12, 10), seconds, transition_s=rng.uniform(2.5, 5))
        ses.s.timeline.wobbles.append((start, ses.s.t, rng.uniform(0.5, 2.0), rng.uniform(0.3, 1.0)))
        ses.s.still(rng.uniform(3, 8))
    ses.leave()
    return ses.s, ses.idle, {"hold_target_s": target}


def mixed_reps(rng: np.random.Generator) -> tuple[Script, list, dict]:
    """The generic counter's hard case: 60-degree and 5-degree reps in one set."""
    ses = _Session(rng)
    ses.arrive(SUPINE)
    sizes = [60.0, 5.0] if rng.random() < 0.5 else [5.0, 60.0]
    for size in sizes:
        ses.s.tilt_reps(
            int(rng.integers(5, 9)),
            amplitude_deg=size * rng.uniform(0.9, 1.1),
            period_s=rng.uniform(3, 5) if size > 20 else rng.uniform(2, 4),
            pause_s=rng.uniform(0.5, 1.5),
        )
        ses.s.still(rng.uniform(20, 30))  # a rest between the blocks of the set
    ses.leave()
    return ses.s, ses.idle, {}


def tilts_with_hip_rolls(rng: np.random.Generator) -> tuple[Script, list, dict]:
    """Harder: already on the mat (no standing pose tells the axes apart), hip rolls between the sets of tilts."""
    ses = _Session(rng)
    ses.s = Script(start=SUPINE, rng=rng)
    ses.s.still(rng.uniform(3, 5))
    base = ses.s.pose[1]
    for _block in range(2):
        ses.s.tilt_reps(int(rng.integers(5, 11)), rng.uniform(6, 15), rng.uniform(3, 6), rng.uniform(0.3, 2.0), 0.2)
        ses.s.still(rng.uniform(3, 6))
        for _roll in range(int(rng.integers(1, 3))):  # a shuffle of the hips: a roll out and back
            side = rng.choice([-1.0, 1.0])
            ses.off_mat(ses.s.move, rng.uniform(1.0, 2.0), roll=base + side * rng.uniform(8, 20))
            ses.off_mat(ses.s.move, rng.uniform(1.0, 2.0), roll=base)
            ses.s.still(rng.uniform(2, 4))
    return ses.s, ses.idle, {}


def ball_that_never_stops(rng: np.random.Generator) -> tuple[Script, list, dict]:
    """Harder: the ball wobbles up to 5 degrees at 0.3 to 1 Hz from the moment the person sits until they stand."""
    ses = _Session(rng)
    ses.off_mat(ses.s.walk, rng.uniform(3, 6))
    ses.off_mat(ses.s.move, rng.uniform(2.5, 4), pitch=SITTING[0], roll=SITTING[1])
    on_ball = ses.s.t
    ses.s.still(rng.uniform(2, 4))
    target = 30.0
    for _ in range(int(rng.integers(2, 4))):
        seconds = rng.uniform(8, 15) if rng.random() < 0.2 else rng.uniform(31, 60)
        ses.s.lean_hold(OVER_BALL[0] + rng.uniform(-12, 10), seconds, transition_s=rng.uniform(2.5, 5))
        ses.s.still(rng.uniform(3, 8))
    ses.s.timeline.wobbles.append((on_ball, ses.s.t, rng.uniform(2.0, 5.0), rng.uniform(0.3, 1.0)))
    ses.off_mat(ses.s.move, rng.uniform(2.5, 4), pitch=STANDING[0], roll=0.0)
    ses.off_mat(ses.s.walk, rng.uniform(2, 4))
    return ses.s, ses.idle, {"hold_target_s": target}


def reps_right_after_lying_down(rng: np.random.Generator) -> tuple[Script, list, dict]:
    """Harder: a big move into position and the first rep straight after it, no still moment between."""
    ses = _Session(rng)
    ses.off_mat(ses.s.walk, rng.uniform(3, 6))
    ses.off_mat(ses.s.still, rng.uniform(1.5, 3))
    ses.off_mat(ses.s.move, rng.uniform(2.0, 3.5), pitch=SUPINE[0], roll=SUPINE[1])
    ses.s.tilt_reps(int(rng.integers(6, 11)), rng.uniform(8, 25), rng.uniform(2.5, 5), rng.uniform(0.2, 1.0), 0.2)
    ses.leave()
    return ses.s, ses.idle, {}


SCENARIOS = {"pelvic_tilt": pelvic_tilt, "spinal_twist": spinal_twist, "swiss_ball": swiss_ball, "reps": mixed_reps}
HARD_SCENARIOS = {
    "pelvic_tilt": tilts_with_hip_rolls,
    "swiss_ball": ball_that_never_stops,
    "reps": reps_right_after_lying_down,
}


def generate(exercise: str, seed: int, rate_hz: float | None = None, hard: bool = False) -> SyntheticSet:
    """One labelled set; `hard` picks the exercise's harder scenario (HARD_SCENARIOS)."""
    rng = np.random.default_rng(seed)
    script, idle, extra = (HARD_SCENARIOS if hard else SCENARIOS)[exercise](rng)
    rate = rate_hz or float(rng.choice(RATES))
    has_gyro = rng.random() > 0.15  # some boards have an accelerometer only
    imu = ImuModel(rng, rate_hz=rate, has_gyro=has_gyro)
    t = np.arange(0.0, script.t, 1.0 / rate)
    values = imu.measure(script.timeline, t)
    jitter = rng.normal(0, 0.05 / rate, len(t))  # timestamps of a real bus are not perfectly even
    times = np.maximum.accumulate(t + jitter)
    times[1:] = np.maximum(times[1:], times[:-1] + 1e-4)
    rows = np.column_stack([times - times[0], values])
    samples = [Sample(*r) if has_gyro else Sample(*r[:4]) for r in rows.tolist()]
    labels = script.labels(exercise)
    labels.update(extra)
    scenario = f"{exercise} (harder)" if hard else exercise
    labels.update({"non_exercise": idle, "scenario": scenario, "seed": seed, "rate_hz": rate, "gyro": has_gyro})
    for hold in labels["holds"]:
        hold["completed"] = hold["end"] - hold["start"] >= extra.get("hold_target_s", 30.0)
    return SyntheticSet(f"synth-{'hard-' if hard else ''}{exercise}-{seed}", samples, has_gyro, labels)
