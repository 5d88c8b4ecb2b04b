"""One exercise's motion pipeline: samples in, events and a live state out.

The kiosk feeds it each frame's batch; `backstretch analyze` feeds it a whole recording; it is
the same object either way, so what is measured offline is what the kiosk does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from backstretch.drivers.sample import Sample

from .agreement import Agreement
from .cycles import CycleCounter, CycleParams
from .events import ActivityChanged, Calibrated, MotionEvent, SideChanged, StillChanged
from .holds import HoldParams, HoldTimer
from .orientation import Frame, Orientation
from .peaks import PeakCounter
from .pose import StartPose
from .reps import RepCounter, RepParams
from .tuning import QUIET_POSE_WAIT_S
from .vector import Vec
from .window import FrameWindow

EXERCISES = ("pelvic_tilt", "spinal_twist", "swiss_ball", "reps")

STILL_DPS = 4.0
STILL_DYN_G = 0.04
STILL_S = 1.0
MOVING_DYN_G = 0.12  # sustained bouncing above this: walking about, not on the mat
MOVING_S = 1.0
RECALIBRATE_DEG = 70.0  # settling this far from the start pose: a new position (lay down, stood up)


@dataclass(frozen=True)
class MotionParams:
    exercise: str = "reps"
    hold: HoldParams = HoldParams()
    reps: RepParams = RepParams()
    cycles: CycleParams = CycleParams()  # the second, independent counter
    posture_max_deg: float = 30.0  # reps count only this close to the start pose (still lying down)
    first_side: str = "left"
    calibrate_s: float = 2.0
    auto_calibrate: bool = True  # calibrate at the first still spell, as `analyze` needs


def params_for(exercise: str, hold_s: float | None = None) -> MotionParams:
    """Defaults that suit each exercise of the seed routine."""
    if exercise not in EXERCISES:
        raise ValueError(f"unknown exercise {exercise!r}; choose one of {', '.join(EXERCISES)}")
    p = MotionParams(exercise=exercise)
    if exercise == "pelvic_tilt":
        # tilts are slow and can be small; the routine says when they happen, so count at once
        p = replace(p, reps=replace(p.reps, min_amplitude_deg=2.0, min_duration_s=2.0, neighbour_s=0.0, doubt_frac=0.6))
        p = replace(p, cycles=CycleParams(min_set_reps=1, learn_axis_reps=2))
    elif exercise == "spinal_twist":
        p = replace(p, hold=replace(p.hold, zone_min_deg=15.0, zone_max_deg=80.0))
    elif exercise == "swiss_ball":
        # the ball wobbles: allow more motion before the timer pauses
        p = replace(p, hold=replace(p.hold, zone_min_deg=25.0, zone_max_deg=90.0, still_dps=12.0, grace_s=2.5))
    if hold_s is not None:
        p = replace(p, hold=replace(p.hold, target_s=hold_s))
    return p


@dataclass
class MotionState:
    """What the screen shows live."""

    t: float = 0.0
    calibrated: bool = False
    angle_deg: float = 0.0
    side: str | None = None
    in_zone: bool = False
    still: bool = False
    moving_about: bool = False
    reps: int = 0
    holding: bool = False
    hold_seconds: float = 0.0
    capture: float = 0.0  # how far the start pose capture has got, 0 to 1
    confidence: str = "high"  # the rep count's: "low" when the two independent counters disagree


class MotionPipeline:
    def __init__(self, params: MotionParams):
        self.p = params
        self.orientation = Orientation()
        self.pose = StartPose(params.calibrate_s, QUIET_POSE_WAIT_S if params.auto_calibrate else None)
        self._new_counters(None, 0.0)
        self.hold = HoldTimer(params.hold)
        self.state = MotionState()
        self._still_since: float | None = None
        self._quiet = False
        self._moving_since: float | None = None
        self._capturing = _captures_by_itself(params)
        self._last_side: str | None = None
        self._ready = True  # False between an exercise switch and its start pose
        self.trace: list[tuple[float, float]] | None = None  # (t, angle) per frame, when asked for

    @property
    def exercise(self) -> str:
        return self.p.exercise

    def calibrate(self, force: bool = False) -> None:
        """Capture a new start pose at the next still spell (the routine's 'get into position'); with force
        (the person could not keep still), take the quietest stretch seen while capturing, else the pose now."""
        if force and self.orientation.filter.up is not None:
            if self.pose.quietest(self.state.t) is None:
                self.pose.set(self.orientation.filter.up)
            self._new_start_pose(self.state.t)
            self._capturing = False
        else:
            self._capturing = True

    def switch(self, params: MotionParams) -> None:
        """The next exercise: new detectors, same body (its orientation and what it told us of sides)."""
        self.p = params
        self.hold = HoldTimer(params.hold)
        self._new_counters(self.pose.up, self.state.t)
        self.state.reps, self.state.holding, self.state.hold_seconds = 0, False, 0.0
        self._last_side = None
        self._ready = params.auto_calibrate  # otherwise detection waits for this exercise's start pose
        self._capturing = _captures_by_itself(params)

    def _new_counters(self, anchor: Vec | None, t: float) -> None:
        """The independent rep counters, two for each exercise. The generic exercise counts with CycleCounter,
        which generalizes better (benchmarks/accuracy.py), checked by PeakCounter; pelvic tilt with RepCounter,
        which knows the mat, checked by CycleCounter. In the routine, which says when a set is under way, both
        count from the first rep; for a tilt CycleCounter is given the tilt's direction when the body told us
        the person's right, and learns it from the first tilts if not."""
        p = self.p
        self.reps = RepCounter(p.reps, anchor, t, expected_axis=self.pose.right)
        cycles = p.cycles if p.auto_calibrate else replace(p.cycles, min_set_reps=1)
        tilt_axis = self.pose.right if p.exercise == "pelvic_tilt" else None
        self._window = FrameWindow() if p.exercise == "reps" else None  # fed to both alike: measured once for both
        self.cycles = CycleCounter(cycles, anchor, t, expected_axis=tilt_axis, window=self._window)
        self.peaks = PeakCounter(cycles.min_set_reps, anchor, t, window=self._window)
        self.agreement = Agreement()

    def _new_start_pose(self, t: float) -> None:
        self._new_counters(self.pose.up, t)
        self.hold = HoldTimer(self.p.hold)
        self.state.calibrated, self.state.reps = True, 0
        self._ready = True

    def feed(self, samples: Sequence[Sample] | np.ndarray) -> list[MotionEvent]:
        return self._frames(self.orientation.feed(samples), self.trace)

    def finish(self) -> list[MotionEvent]:
        """End of a recording: close what is still open (the last, partial frame is not traced)."""
        events = self._frames(self.orientation.flush(), None)
        closing = self.cycles.finish(self.state.t)
        if self.p.exercise == "reps":
            self.agreement.add(closing, self.peaks.finish(self.state.t))
            events += closing
            self.state.reps, self.state.confidence = self.cycles.count, self.confidence
        else:
            self.agreement.add([], closing)
        return events + self.hold.finish()

    @property
    def confidence(self) -> str:
        """How sure the rep count is: 'high' when the second, independent counter counted the same reps."""
        return "high" if self.agreement.same else "low"

    def _frames(self, frames: list[Frame], trace: list[tuple[float, float]] | None) -> list[MotionEvent]:
        if self.p.exercise == "reps":
            return self._generic(frames, trace)
        events: list[MotionEvent] = []
        for frame in frames:
            events += self._step(frame)
            if trace is not None:
                trace.append((frame.t, self.state.angle_deg))
        return events

    def _generic(self, frames: list[Frame], trace: list[tuple[float, float]] | None) -> list[MotionEvent]:
        """The generic exercise over a batch of frames (offline, a whole chunk of a recording): each frame goes
        through the same steps as one at a time, but what the screen shows is set once, from the last frame,
        since nothing reads it in between. It needs no start pose: it takes one only when the routine asks."""
        events: list[MotionEvent] = []
        if not frames:
            return events
        if not self._capturing:
            self.pose.cancel_capture()  # a capture can only begin between batches (calibrate)
        assert self._window is not None  # the generic exercise's counters share one
        self._window.expect(frames)
        peaks, cycles, agreement = self.peaks, self.cycles, self.agreement
        for f in frames:
            events += self._activity(f)
            if self._capturing:
                done = self._capture(f)
                if done:
                    events.append(done)
                    peaks, cycles, agreement = self.peaks, self.cycles, self.agreement
            checks = peaks.update(f)
            counted = cycles.update(f)
            if counted or checks:
                agreement.add(counted, checks)
                events += counted
            if trace is not None:
                trace.append((f.t, cycles.angle_from_start(f.up)))
        s = self.state
        s.t, s.reps, s.confidence = f.t, cycles.count, self.confidence
        s.angle_deg = cycles.angle_from_start(f.up)
        return events

    def _capture(self, f: Frame) -> Calibrated | None:
        """One frame of the start pose capture; a new start pose when it is done."""
        done = self.pose.capture(f.t, f.up, self._quiet, f.rate_dps)
        self.state.capture = 1.0 if done else self.pose.capture_progress(f.t)
        if done:
            self._capturing = False
            self._new_start_pose(f.t)
        return done

    def _step(self, f: Frame) -> list[MotionEvent]:
        """One frame of pelvic tilt or a hold."""
        s = self.state
        s.t = f.t
        events = self._activity(f)
        angle = self.pose.angle(f.up) if self.pose.calibrated else 0.0
        # Offline, a settled pose far from the start pose is a new position.
        moved_on = self.p.auto_calibrate and angle > RECALIBRATE_DEG and not self.hold.holding
        done = None
        if self._capturing or moved_on:
            done = self._capture(f)
            if done:
                events.append(done)
        else:
            self.pose.cancel_capture()
        if not (self.pose.calibrated and self._ready):
            return events
        s.angle_deg = self.pose.angle(f.up) if done else angle
        if self.p.exercise == "pelvic_tilt":
            events += self._tilt(f)
        else:
            events += self._holds(f)
        return events

    def _activity(self, f: Frame) -> list[MotionEvent]:
        s = self.state
        events: list[MotionEvent] = []
        quiet = self._quiet = f.rate_dps < STILL_DPS and f.dyn_g < STILL_DYN_G
        since = self._still_since = (self._still_since or f.t) if quiet else None
        still = since is not None and f.t - since >= STILL_S
        if still != s.still:
            s.still = still
            events.append(StillChanged(f.t, still))
        if quiet:
            self.pose.remember_still_pose(f.t, f.up)
        busy = f.dyn_g > MOVING_DYN_G
        busy_since = self._moving_since = (self._moving_since or f.t) if busy else None
        moving = busy_since is not None and f.t - busy_since >= MOVING_S
        if moving != s.moving_about and (moving or still):
            s.moving_about = moving
            events.append(ActivityChanged(f.t, moving))
        return events

    def _tilt(self, f: Frame) -> list[MotionEvent]:
        s = self.state
        if s.angle_deg > self.p.posture_max_deg or s.moving_about:
            self.reps.reset(None, f.t)  # sat up or walked off: start again from the next pose
            self.cycles.reset(None, f.t)
            return []
        checks = self.cycles.update(f)
        counted = self.reps.update(f)
        self.agreement.add(counted, checks)
        s.reps, s.confidence = self.reps.count, self.confidence
        return list(counted)

    def _holds(self, f: Frame) -> list[MotionEvent]:
        s = self.state
        s.in_zone = self.hold.in_zone(s.angle_deg)
        s.side = None
        if s.in_zone and self.p.exercise == "spinal_twist":
            s.side = self.pose.side(f.up, self.p.first_side)
        events = self.hold.update(f.t, s.angle_deg, f.rate_dps, s.side)
        if self.hold.holding and self.hold.side and self.hold.side != self._last_side:
            if self._last_side is not None:
                events.append(SideChanged(f.t, self.hold.side))
            self._last_side = self.hold.side
        s.holding, s.hold_seconds = self.hold.holding, self.hold.seconds
        return events


def _captures_by_itself(params: MotionParams) -> bool:
    """Offline analysis takes the first still spell as the start pose; the generic counter needs none."""
    return params.auto_calibrate and params.exercise != "reps"
