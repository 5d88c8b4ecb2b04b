"""A virtual body for the mock sensor: poses over time, as a person on a mat or ball moves.

Body frame: x to the person's right, y towards the head, z out of the belly. A pose is
(pitch, roll, yaw) in degrees: pitch leans the body back about x (0 standing, 90 lying on the
back), roll turns the pelvis about the head-toe axis (negative = knees dropped to the left),
yaw turns about the vertical. World frame: z up.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# Standing: body x -> world x, body y (head) -> world up, body z (front) -> world -y.
R_STAND = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, -1.0], [0.0, 1.0, 0.0]])

STANDING = (0.0, 0.0)
SITTING = (8.0, 0.0)
SUPINE = (90.0, 0.0)
OVER_BALL = (62.0, 0.0)
KEEP_PAST_S = 10.0  # keyframes a replan keeps behind now: more than the mock sensor ever generates late


def _rot(axis: int, deg: np.ndarray) -> np.ndarray:
    """Rotation matrices (N x 3 x 3) about one axis by angles in degrees."""
    a = np.radians(np.asarray(deg, dtype=float))
    c, s = np.cos(a), np.sin(a)
    r = np.zeros((*a.shape, 3, 3))
    i, j = [(1, 2), (2, 0), (0, 1)][axis]
    r[..., axis, axis] = 1.0
    r[..., i, i] = c
    r[..., j, j] = c
    r[..., i, j] = -s
    r[..., j, i] = s
    return r


def body_to_world(pitch, roll, yaw) -> np.ndarray:
    """R_wb for arrays of poses: maps body-frame vectors to the world frame."""
    return _rot(2, yaw) @ R_STAND @ _rot(0, -np.asarray(pitch)) @ _rot(1, roll)


def random_rotation(rng: np.random.Generator) -> np.ndarray:
    """A uniformly random rotation: how a clip may sit on a waistband, upside down included."""
    q = rng.normal(size=4)
    w, x, y, z = q / np.linalg.norm(q)
    return np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ]
    )


def standing() -> Timeline:
    """A body standing still in front of the kiosk: where every live simulation starts."""
    return Timeline(poses=[(STANDING[0], STANDING[1], 0.0)])


@dataclass
class Timeline:
    """Keyframed poses with smooth (ease in, ease out) moves between them, plus bounces of walking."""

    times: list[float] = field(default_factory=lambda: [0.0])
    poses: list[tuple[float, float, float]] = field(default_factory=lambda: [(0.0, 0.0, 0.0)])
    bounces: list[tuple[float, float, float]] = field(default_factory=list)  # (start, end, g)
    wobbles: list[tuple[float, float, float, float]] = field(default_factory=list)  # (start, end, deg, Hz): a ball
    sway_deg: float = 0.4  # breathing, about 15 breaths a minute
    tremor_deg: float = 0.05
    _arrays: tuple[np.ndarray, np.ndarray] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def end(self) -> float:
        return self.times[-1]

    def add(self, t: float, pose: tuple[float, float, float]) -> None:
        if t <= self.times[-1]:
            raise ValueError("keyframes must move forward in time")
        self.times.append(t)
        self.poses.append(pose)
        self._arrays = None

    def _keyframes(self) -> tuple[np.ndarray, np.ndarray]:
        """The keyframes as arrays, rebuilt only after a change (pose() runs every frame)."""
        if self._arrays is None:
            self._arrays = (np.asarray(self.times), np.asarray(self.poses))
        return self._arrays

    def replan(self, t: float) -> tuple[float, float, float]:
        """Forget the keyframes after t and pin the pose at t: a live performer changes its mind.

        Keyframes older than KEEP_PAST_S are forgotten too (all but the one in force then), so a
        live session of any length keeps a timeline of a few keyframes and pose() stays as fast."""
        pitch, roll, yaw = (float(x) for x in self._interpolate(np.array([t]))[0])
        base = (pitch, roll, yaw)
        oldest = max(0, int(np.searchsorted(self.times, t - KEEP_PAST_S, side="right")) - 1)
        keep = [i for i in range(oldest, len(self.times)) if self.times[i] < t]
        self.times = [self.times[i] for i in keep] + [t]
        self.poses = [self.poses[i] for i in keep] + [base]
        self._arrays = None
        return base

    def _interpolate(self, t: np.ndarray) -> np.ndarray:
        times, poses = self._keyframes()
        k = np.clip(np.searchsorted(times, t, side="right") - 1, 0, len(times) - 1)
        k1 = np.minimum(k + 1, len(times) - 1)
        span = np.where(k1 > k, times[k1] - times[k], 1.0)
        u = np.clip((t - times[k]) / span, 0.0, 1.0)
        ease = u * u * (3 - 2 * u)
        return poses[k] + (poses[k1] - poses[k]) * ease[:, None]

    def pose(self, t) -> np.ndarray:
        """Poses (N x 3: pitch, roll, yaw) at times t; the last pose holds after the end."""
        t = np.atleast_1d(np.asarray(t, dtype=float))
        out = self._interpolate(t)
        out[:, 0] += self.sway_deg * np.sin(2 * np.pi * 0.25 * t) + self.tremor_deg * np.sin(2 * np.pi * 8.3 * t)
        out[:, 1] += 0.3 * self.sway_deg * np.sin(2 * np.pi * 0.25 * t + 1.0)
        for start, end, deg, hz in self.wobbles:  # rolling back and forth, and side to side a little slower
            inside = (t >= start) & (t < end)
            out[inside, 0] += deg * np.sin(2 * np.pi * hz * t[inside])
            out[inside, 1] += deg * np.sin(2 * np.pi * 0.7 * hz * t[inside] + 0.7)
        return out

    def linear_accel(self, t) -> np.ndarray:
        """World-frame acceleration in g beyond gravity (the vertical bounce of walking)."""
        t = np.atleast_1d(np.asarray(t, dtype=float))
        out = np.zeros((len(t), 3))
        for start, end, g in self.bounces:
            inside = (t >= start) & (t < end)
            out[inside, 2] += g * np.sin(2 * np.pi * 1.8 * t[inside])
        return out
