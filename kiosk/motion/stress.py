"""Stress copies of a labelled recording: the same reps, made harder the ways new people and sensors differ.

Each copy keeps the recording's rep count and changes one thing (on top of a random sensor rotation):
- rotation: only the random rotation of the sensor on the body;
- sway1.5 / sway3: the body sways 1.5 or 3 degrees about a horizontal axis at 0.25 to 0.6 Hz throughout
  (breathing, a ball under the person);
- strays: one 20 to 45 degree out-and-back movement about a random horizontal axis in every pause;
- short-pauses: every pause between sets cut to about 3 s;
- mid-rep: the recording starts 30 to 45 % into the first rep (its far end and return still in it).
Used by benchmarks/accuracy.py and by the regression tests; a copy is generated from a seed, never stored.
"""

from __future__ import annotations

import itertools

import numpy as np

from backstretch.kiosk.simulator.body import random_rotation

STRESSES = ("rotation", "sway1.5", "sway3", "strays", "short-pauses", "mid-rep")
PAUSE_S = 6.0  # s: a still stretch at least this long between movements is a pause between sets
STILL_GYRO_DPS = 2.0  # deg/s: one-second mean angular speed below which the person is between sets
SHORT_PAUSE_S = 3.0  # s: what the short-pauses copy leaves of each pause
STRAY_S = 2.5  # s: how long a stray movement takes, out and back


def stress_copy(data: np.ndarray, labels: dict, kind: str, seed: int) -> tuple[np.ndarray, dict] | None:
    """A stressed copy of an N x 7 recording (with gyro) and its labels; None when the kind does not apply."""
    rng = np.random.default_rng(seed)
    data = rotate(data.copy(), random_rotation(rng))
    t = data[:, 0]
    if kind == "rotation":
        return data, labels
    if kind.startswith("sway"):
        amplitude = float(kind[4:])
        freq = rng.uniform(0.25, 0.6)
        angle = amplitude * np.sin(2 * np.pi * freq * t + rng.uniform(0, 2 * np.pi))
        return _turn(data, _horizontal(data[:, 1:4].mean(axis=0), rng), angle), labels
    pauses = find_pauses(data, labels)
    if kind == "strays":
        if not pauses:
            return None
        angle = np.zeros(len(t))
        for a, b in pauses:
            start = (a + b) / 2 - STRAY_S / 2
            inside = (t >= start) & (t <= start + STRAY_S)
            angle[inside] = rng.uniform(20, 45) * np.sin(np.pi * (t[inside] - start) / STRAY_S) ** 2
            axis = _horizontal(data[inside, 1:4].mean(axis=0), rng)
            data[inside] = _turn(data[inside], axis, angle[inside])
        return data, labels
    if kind == "short-pauses":
        if not pauses:
            return None
        keep = np.ones(len(t), bool)
        shift = np.zeros(len(t))
        for a, b in pauses:
            cut_a, cut_b = a + SHORT_PAUSE_S / 2, b - SHORT_PAUSE_S / 2
            keep &= ~((t > cut_a) & (t < cut_b))
            shift[t >= cut_b] += cut_b - cut_a
        data[:, 0] -= shift
        return data[keep], labels
    if kind == "mid-rep":
        reps = labels.get("rep_intervals")
        if not reps:
            return None
        first = reps[0]
        cut = first["start"] + rng.uniform(0.30, 0.45) * (first["end"] - first["start"])
        out = data[t >= cut]
        out[:, 0] -= out[0, 0]
        return out, labels
    raise ValueError(f"unknown stress {kind!r}; choose one of {', '.join(STRESSES)}")


def rotate(data: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """The same recording from a sensor mounted another way round."""
    data[:, 1:4] = data[:, 1:4] @ matrix.T
    data[:, 4:7] = data[:, 4:7] @ matrix.T
    return data


def find_pauses(data: np.ndarray, labels: dict) -> list[tuple[float, float]]:
    """Gaps of at least PAUSE_S between labelled reps; without rep times, still stretches seen by the gyro."""
    t = data[:, 0]
    reps = labels.get("rep_intervals")
    if reps:
        gaps = [(a["end"], b["start"]) for a, b in itertools.pairwise(reps)]
        return [(a, b) for a, b in gaps if b - a >= PAUSE_S]
    rate = len(t) / max(t[-1] - t[0], 1e-9)
    width = max(1, int(rate))
    speed = np.convolve(np.linalg.norm(data[:, 4:7], axis=1), np.ones(width) / width, mode="same")
    still = speed < STILL_GYRO_DPS
    edges = np.flatnonzero(np.diff(still.astype(int)))
    runs = np.split(np.arange(len(t)), edges + 1)
    pauses = []
    for i, run in enumerate(runs):
        if 0 < i < len(runs) - 1 and still[run[0]] and t[run[-1]] - t[run[0]] >= PAUSE_S:
            pauses.append((float(t[run[0]]), float(t[run[-1]])))
    return pauses


def _turn(data: np.ndarray, axis: np.ndarray, angle_deg: np.ndarray) -> np.ndarray:
    """The body turns by angle(t) about a fixed axis: gravity turns with it, the gyro sees the rate."""
    theta = np.radians(angle_deg)
    c, s = np.cos(theta)[:, None], np.sin(theta)[:, None]
    for cols in (slice(1, 4), slice(4, 7)):
        v = data[:, cols]
        data[:, cols] = v * c + np.cross(axis, v) * s + axis * (v @ axis)[:, None] * (1 - c)
    t = data[:, 0]
    rate = np.gradient(angle_deg, t) if len(t) > 1 else np.zeros(len(t))
    data[:, 4:7] -= rate[:, None] * axis  # gravity turning by +theta about the axis is the body turning by -theta
    return data


def _horizontal(gravity: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A random axis at right angles to gravity."""
    g = gravity / np.linalg.norm(gravity)
    v = rng.normal(size=3)
    v -= g * (v @ g)
    return v / np.linalg.norm(v)
