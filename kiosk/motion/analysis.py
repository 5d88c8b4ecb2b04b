"""Offline analysis: run the live pipeline over a recording and report what it found."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from backstretch.drivers.recording import RecordingReader
from backstretch.drivers.sample import Sample

from .events import HoldEnded, MotionEvent, RepCounted
from .orientation import FRAME_HZ
from .pipeline import MotionPipeline, params_for

LIVE_BATCH = 4  # samples per feed, as the kiosk gets them at 100 Hz and 30 frames a second
UNUSABLE_MAX_S = 1.0  # s: more of the recording than this with no gravity direction, and a rep may hide in it


def run_pipeline(
    samples: Sequence[Sample] | np.ndarray,
    exercise: str,
    hold_s: float | None = None,
    first_side: str = "left",
    batch: int = LIVE_BATCH,
    trace: bool = False,
) -> tuple[list[MotionEvent], MotionPipeline]:
    pipeline = MotionPipeline(replace(params_for(exercise, hold_s), first_side=first_side))
    if trace:
        pipeline.trace = []
    events: list[MotionEvent] = []
    for i in range(0, len(samples), batch):
        events += pipeline.feed(samples[i : i + batch])
    events += pipeline.finish()
    return events, pipeline


def summarize(
    exercise: str, events: list[MotionEvent], duration: float, confidence: str = "high", unusable_s: float = 0.0
) -> dict:
    """The JSON form of DESIGN.md: exercise, reps, holds, duration and how sure the rep count is; `unusable_s`,
    how much of the recording gave no gravity direction (readings zero, not finite, out of range, or cancelling
    out). More than UNUSABLE_MAX_S of it and the count cannot be sure, whatever the counters agree on."""
    holds = [
        {
            "side": e.side,
            "start": round(e.start, 2),
            "end": round(e.end, 2),
            "seconds": round(e.seconds, 1),
            "completed": e.completed,
        }
        for e in events
        if isinstance(e, HoldEnded)
    ]
    reps = sum(isinstance(e, RepCounted) for e in events)
    return {
        "exercise": exercise,
        "reps": reps,
        "holds": holds,
        "duration": round(duration, 2),
        "confidence": "low" if _unreadable(unusable_s) else confidence,
        "unusable_s": round(unusable_s, 2),
    }


def analyze_path(
    path: str | Path, exercise: str, hold_s: float | None = None, first_side: str = "left", trace: bool = False
) -> tuple[dict, list[MotionEvent], MotionPipeline]:
    """A recording read and analysed chunk by chunk: no object per sample, memory flat in its length."""
    pipeline = MotionPipeline(replace(params_for(exercise, hold_s), first_side=first_side))
    if trace:
        pipeline.trace = []
    events: list[MotionEvent] = []
    samples = 0
    with RecordingReader(path) as reader:
        for chunk in reader.chunks():
            samples += len(chunk)
            events += pipeline.feed(chunk)
        duration = reader.last_t - reader.first_t
    events += pipeline.finish()
    orientation = pipeline.orientation
    unusable_s = orientation.binner.rejected / max(samples, 1) * duration + orientation.cancelled / FRAME_HZ
    return summarize(exercise, events, duration, pipeline.confidence, unusable_s), events, pipeline


def describe(path: str, result: dict) -> str:
    """A readable summary for a person at a terminal."""
    lines = [f"{path}: {result['exercise'].replace('_', ' ')}, {result['duration']:.0f} s"]
    if result["unusable_s"]:
        lines.append(
            f"  {result['unusable_s']:.1f} s of it had no usable accelerometer reading (zero, not finite, out of "
            "range or cancelling out) and was left out"
        )
    if result["exercise"] in ("pelvic_tilt", "reps"):
        unsure = "" if result["confidence"] == "high" else " (low confidence: " + _why_unsure(result) + ")"
        lines.append(f"  reps: {result['reps']}{unsure}")
    if result["holds"] or result["exercise"] in ("spinal_twist", "swiss_ball"):
        lines.append(f"  holds: {len(result['holds'])}")
        for h in result["holds"]:
            side = f"{h['side']:<5} " if h["side"] else ""
            status = "completed" if h["completed"] else "broken"
            lines.append(f"    {side}{h['start']:7.1f} s to {h['end']:7.1f} s  {h['seconds']:5.1f} s in zone  {status}")
    return "\n".join(lines)


def _unreadable(unusable_s: float) -> bool:
    """So much of the recording gave no gravity direction that a rep may have happened in it unseen."""
    return unusable_s > UNUSABLE_MAX_S


def _why_unsure(result: dict) -> str:
    if _unreadable(result["unusable_s"]):
        return f"more than {UNUSABLE_MAX_S:g} s of the recording could not be read"
    return "two independent counters did not count the same reps"
