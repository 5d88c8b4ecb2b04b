"""What the motion detectors report, each with the time (seconds, sensor clock) it refers to."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MotionEvent:
    t: float


@dataclass(frozen=True)
class Calibrated(MotionEvent):
    quality: str  # good | fair | poor
    wobble_deg: float  # spread of the pose while it was captured


@dataclass(frozen=True)
class RepCounted(MotionEvent):
    count: int
    start: float
    amplitude_deg: float  # range of motion of this rep
    far: float  # when it turned at its far end (two counters' reps with the same far end are the same rep)


@dataclass(frozen=True)
class HoldStarted(MotionEvent):
    side: str | None


@dataclass(frozen=True)
class HoldProgress(MotionEvent):
    side: str | None
    seconds: float  # time in the zone so far


@dataclass(frozen=True)
class HoldCompleted(MotionEvent):
    side: str | None
    seconds: float


@dataclass(frozen=True)
class HoldBroken(MotionEvent):
    side: str | None
    seconds: float


@dataclass(frozen=True)
class HoldEnded(MotionEvent):
    """The record of one hold, sent when the person leaves the zone for good."""

    side: str | None
    start: float
    end: float
    seconds: float
    completed: bool
    peak_deg: float


@dataclass(frozen=True)
class SideChanged(MotionEvent):
    side: str


@dataclass(frozen=True)
class StillChanged(MotionEvent):
    still: bool


@dataclass(frozen=True)
class ActivityChanged(MotionEvent):
    """Moving about (walking, getting up) versus on the mat; no rep is counted while moving about."""

    moving_about: bool
