"""Scripted movements for the mock sensor, with the ground truth of what was done.

A Script builds a Timeline move by move (get down on the mat, tilt reps, twist holds per
side, fidget, walk) and records labels in the recording format of DESIGN.md, so the same
script drives the simulator and generates labelled test data.
"""

from __future__ import annotations

import numpy as np

from .body import STANDING, Timeline


class Script:
    def __init__(self, start: tuple[float, float] = STANDING, rng: np.random.Generator | None = None):
        self.timeline = Timeline(poses=[(start[0], start[1], 0.0)])
        self.rng = rng or np.random.default_rng(0)
        self.reps: list[tuple[float, float]] = []
        self.holds: list[dict] = []

    @property
    def t(self) -> float:
        return self.timeline.end

    @property
    def pose(self) -> tuple[float, float, float]:
        return self.timeline.poses[-1]

    def still(self, seconds: float) -> Script:
        self.timeline.add(self.t + seconds, self.pose)
        return self

    def move(
        self, seconds: float, pitch: float | None = None, roll: float | None = None, yaw: float | None = None
    ) -> Script:
        p, r, y = self.pose
        self.timeline.add(
            self.t + seconds, (p if pitch is None else pitch, r if roll is None else roll, y if yaw is None else yaw)
        )
        return self

    def tilt_reps(
        self, count: int, amplitude_deg: float, period_s: float = 4.0, pause_s: float = 1.0, jitter: float = 0.0
    ) -> Script:
        """Rock the pelvis about the left-right axis and back, `count` times; each is a labelled rep."""
        base = self.pose
        for _ in range(count):
            amp = amplitude_deg * (1 + jitter * self.rng.uniform(-1, 1))
            half = period_s / 2 * (1 + jitter * self.rng.uniform(-1, 1))
            start = self.t
            self.move(half, pitch=base[0] - amp)
            self.move(half, pitch=base[0])
            self.reps.append((start, self.t))
            if pause_s > 0:
                self.still(pause_s * (1 + jitter * self.rng.uniform(-1, 1)))
        return self

    def twist_hold(self, side: str, angle_deg: float, seconds: float, transition_s: float = 3.0) -> Script:
        """Drop the knees to one side (roll), hold, come back; the hold is labelled from arrival to leaving."""
        sign = -1.0 if side == "left" else 1.0
        base_roll = self.pose[1]
        self.move(transition_s, roll=base_roll + sign * angle_deg)
        start = self.t
        self.still(seconds)
        self.holds.append({"side": side, "start": round(start, 3), "end": round(self.t, 3)})
        self.move(transition_s, roll=base_roll)
        return self

    def lean_hold(self, pitch_deg: float, seconds: float, transition_s: float = 4.0) -> Script:
        """Lean back to a pitch (over the Swiss ball), hold, come back up."""
        base_pitch = self.pose[0]
        self.move(transition_s, pitch=pitch_deg)
        start = self.t
        self.still(seconds)
        self.holds.append({"side": None, "start": round(start, 3), "end": round(self.t, 3)})
        self.move(transition_s, pitch=base_pitch)
        return self

    def fidget(self, seconds: float, size_deg: float = 6.0) -> Script:
        """Small restless moves in every axis, ending where they began."""
        p, r, y = self.pose
        end = self.t + seconds
        while self.t < end - 0.6:
            step = min(self.rng.uniform(0.3, 0.9), end - self.t)
            self.move(
                step,
                pitch=p + self.rng.normal(0, size_deg),
                roll=r + self.rng.normal(0, size_deg),
                yaw=y + self.rng.normal(0, 2 * size_deg),
            )
        return self.move(max(end - self.t, 0.3), pitch=p, roll=r, yaw=y)

    def walk(self, seconds: float) -> Script:
        """Walking up to the kiosk: hip sway and turns, with the vertical bounce of each step."""
        start = self.t
        self.timeline.bounces.append((start, start + seconds, 0.25))
        p, r, y = self.pose
        while self.t < start + seconds - 0.5:
            side = 1 if len(self.timeline.times) % 2 else -1
            self.move(0.55, pitch=p + self.rng.normal(0, 3), roll=r + 4 * side, yaw=y + self.rng.normal(0, 15))
        return self.move(0.5, pitch=p, roll=r)

    def labels(self, exercise: str) -> dict:
        return {"exercise": exercise, "reps": len(self.reps), "holds": list(self.holds), "duration": round(self.t, 3)}
