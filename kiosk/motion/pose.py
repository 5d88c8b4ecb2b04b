"""The start pose and where the body is relative to it: angle, direction and side.

The start pose is the gravity direction averaged over a still spell, so how the clip sits on
the waistband does not matter. Left and right come from the body itself: the pose the person
stood in before lying down gives the head-to-toe axis in the sensor's frame, and with the
lying pose that fixes which way is the person's right. Without a standing pose (a recording
that starts on the mat), the first hold is taken to be the side the routine asked for first.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from . import tuning as k
from .events import Calibrated
from .orientation import FRAME_HZ
from .vector import Vec, angle_deg, cross, dot, norm, unit

UPRIGHT_MIN_DEG = 55.0  # a remembered pose this far from the lying pose was upright
UPRIGHT_MAX_DEG = 125.0


@dataclass
class _Capture:
    since: float
    total: list[float]
    n: int
    first: Vec
    spread: float


class StartPose:
    def __init__(self, capture_s: float = 2.0, wait_s: float | None = None):
        """wait_s: when nobody keeps still this long, take the quietest stretch seen instead (None: wait on)."""
        self.capture_s = capture_s
        self.wait_s = wait_s
        self._since: float | None = None  # when the capture in progress began
        self._seen: deque[tuple[float, Vec, float]] = deque(maxlen=int(k.QUIET_POSE_MEMORY_S * FRAME_HZ))
        self.up: Vec | None = None  # the calibrated gravity direction
        self.right: Vec | None = None  # the person's right, when the body told us
        self._capture: _Capture | None = None
        self._upright: list[tuple[float, Vec]] = []  # recent still poses, newest last
        self._side_ref: Vec | None = None  # direction of the first hold, when sides are learned from it
        self._first_side = "left"

    @property
    def calibrated(self) -> bool:
        return self.up is not None

    def remember_still_pose(self, t: float, up: Vec) -> None:
        """Keep a few recent still poses; one of them may be the person standing before lying down."""
        if not self._upright or angle_deg(self._upright[-1][1], up) > 10.0:
            self._upright = [*self._upright[-4:], (t, up)]

    def capture(self, t: float, up: Vec, still: bool, rate_dps: float = 0.0) -> Calibrated | None:
        """Feed frames; when the body has been still for capture_s, the mean becomes the start pose. When it
        never is, after wait_s the quietest stretch seen becomes the start pose: never "no pose, no holds"."""
        if self._since is None:
            self._since = t
        self._seen.append((t, up, rate_dps))
        if self.wait_s is not None and t - self._since >= self.wait_s and (not still or self._capture is None):
            return self.quietest(t)
        if not still:
            self._capture = None
            return None
        c = self._capture
        if c is None:
            self._capture = _Capture(t, list(up), 1, up, 0.0)
            return None
        c.total = [c.total[0] + up[0], c.total[1] + up[1], c.total[2] + up[2]]
        c.n += 1
        c.spread = max(c.spread, angle_deg(c.first, up))
        if t - c.since < self.capture_s:
            return None
        self.cancel_capture()
        self.set(unit((c.total[0], c.total[1], c.total[2])))
        quality = "good" if c.spread < 1.0 else "fair" if c.spread < 3.0 else "poor"
        return Calibrated(t, quality, round(c.spread, 2))

    def quietest(self, t: float) -> Calibrated | None:
        """The start pose from the capture_s stretch with the lowest mean angular speed seen while capturing;
        None when nothing was seen."""
        if not self._seen:
            return None
        rates = np.array([r for _, _, r in self._seen])
        ups = np.array([u for _, u, _ in self._seen])
        width = max(1, min(len(rates), int(self.capture_s * FRAME_HZ)))
        i = int(np.argmin(np.convolve(rates, np.ones(width) / width, mode="valid")))
        stretch = ups[i : i + width]
        mean = stretch.mean(axis=0)
        pose = unit((float(mean[0]), float(mean[1]), float(mean[2])))
        spread = max(angle_deg(pose, (float(u[0]), float(u[1]), float(u[2]))) for u in stretch)
        self.cancel_capture()
        self.set(pose)
        return Calibrated(t, "poor", round(spread, 2))

    def capture_progress(self, t: float) -> float:
        """0 while moving, rising to 1 over the still spell the start pose needs."""
        return min(1.0, (t - self._capture.since) / self.capture_s) if self._capture else 0.0

    def cancel_capture(self) -> None:
        self._capture = None
        self._since = None
        self._seen.clear()

    def set(self, up: Vec) -> None:
        """A new start pose. The body's right is worked out again, or kept from the last start pose
        when the person has not stood up since (the standing pose may have left the memory)."""
        previous_right, previous_up = self.right, self.up
        self.up = up
        self._side_ref = None
        self.right = None
        for _, pose in reversed(self._upright):
            if UPRIGHT_MIN_DEG <= angle_deg(pose, up) <= UPRIGHT_MAX_DEG:
                head = _perpendicular(pose, up)
                if head is not None:
                    self.right = unit(cross(head, up))
                break
        if (
            self.right is None
            and previous_right is not None
            and previous_up is not None
            and angle_deg(previous_up, up) < UPRIGHT_MIN_DEG
        ):
            self.right = _perpendicular(previous_right, up)

    def angle(self, up: Vec) -> float:
        assert self.up is not None, "angle() needs a start pose"
        return angle_deg(self.up, up)

    def side(self, up: Vec, first_side: str = "left") -> str | None:
        """Which side the body has turned to; None when it has hardly turned."""
        assert self.up is not None, "side() needs a start pose"
        d = _perpendicular(up, self.up)
        if d is None:
            return None
        if self.right is not None:
            # Turning the belly to the left puts the ceiling on the body's right.
            return "left" if dot(d, self.right) > 0 else "right"
        if self._side_ref is None:
            self._side_ref, self._first_side = d, first_side
            return first_side
        other = "right" if self._first_side == "left" else "left"
        return self._first_side if dot(d, self._side_ref) > 0 else other

    @property
    def side_source(self) -> str:
        return "body" if self.right is not None else "routine"


def _perpendicular(v: Vec, axis: Vec) -> Vec | None:
    """The part of v at right angles to axis, as a unit vector (None when v is along axis)."""
    k = dot(v, axis)
    p = (v[0] - k * axis[0], v[1] - k * axis[1], v[2] - k * axis[2])
    return unit(p) if norm(p) > 1e-3 else None
