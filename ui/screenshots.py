"""`backstretch screenshots`: every screen, rendered headless from made-up but realistic state."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pygame

from backstretch.drivers.phone import PhoneStatus
from backstretch.drivers.sample import Health
from backstretch.kiosk.engine import (
    ACTIVE,
    CALIBRATE,
    COUNTDOWN,
    DONE,
    IDLE,
    INTRO,
    REST,
    SUMMARY,
    SWITCH,
    Freeze,
    View,
)
from backstretch.kiosk.motion.pipeline import MotionState
from backstretch.kiosk.results import ExerciseResult, HoldRecord, SessionRecord
from backstretch.kiosk.routine import Routine, load_routine

from .canvas import Canvas
from .pairing import wear_picture
from .screens import Extras, draw

SIZES = ((800, 480), (720, 1280), (480, 320), (240, 240))


def sample_results() -> list[ExerciseResult]:
    return [
        ExerciseResult("pelvic_tilt", "Pelvic tilt", "reps", 1, "completed", 8, 8, range_deg=11.0, duration_s=62),
        ExerciseResult(
            "spinal_twist",
            "Spinal twist",
            "hold",
            2,
            "completed",
            hold_target_s=30,
            holds_wanted=4,
            holds=[
                HoldRecord("left", 31, True),
                HoldRecord("right", 30.5, True),
                HoldRecord("left", 18, False),
                HoldRecord("right", 31, True),
            ],
            range_deg=42,
        ),
        ExerciseResult(
            "swiss_ball",
            "Swiss ball stretch",
            "hold",
            3,
            "partial",
            hold_target_s=45,
            holds_wanted=3,
            holds=[HoldRecord(None, 46, True), HoldRecord(None, 45.5, True)],
            range_deg=61,
        ),
    ]


def states(routine: Routine) -> dict[str, tuple[View, Extras, str]]:
    """One View (with its extras, and the screen it shows) per state worth a picture."""
    tilt, twist, ball = (routine.exercises + routine.exercises * 3)[:3]
    n = len(routine.exercises)
    base = {"exercise_count": n}
    sessions = [
        SessionRecord(
            i,
            f"2026-11-{23 - i:02d}T08:{10 + i:02d}:00",
            None,
            "completed" if i % 3 else "partial",
            "Back stretches",
            2,
            4 if i == 2 else None,
            _older(sample_results(), i),
        )
        for i in range(1, 9)
    ]

    def hold(**kw) -> View:
        values = {
            "phase": ACTIVE,
            "exercise": twist,
            "exercise_index": 1,
            "side": "left",
            "holding": True,
            "hold_seconds": 18,
            "hold_target": twist.hold_s or 30,
            "holds_done": 2,
            "holds_wanted": twist.holds_wanted or 10,
            "motion": MotionState(angle_deg=41.0, in_zone=True),
            **base,
        }
        values.update(kw)
        return View(**values)

    def reps(**kw) -> View:
        values = {
            "phase": ACTIVE,
            "exercise": tilt,
            "reps": 6,
            "reps_target": tilt.reps or 8,
            "rep_sizes": [9.5, 11.0, 8.2, 10.4, 12.1, 9.8],
            "motion": MotionState(angle_deg=7.5),
            **base,
        }
        values.update(kw)
        return View(**values)

    results = sample_results()
    return {
        "idle": (View(phase=IDLE, **base), Extras(t=2.0, streak=4), "idle"),
        "intro": (View(phase=INTRO, exercise=twist, exercise_index=1, **base), Extras(t=1.0), "intro"),
        "calibrate": (
            View(phase=CALIBRATE, exercise=tilt, motion=MotionState(still=True, capture=0.6), **base),
            Extras(),
            "calibrate",
        ),
        "reps": (reps(), Extras(), "reps"),
        "countdown": (
            hold(phase=COUNTDOWN, holding=False, hold_seconds=0, countdown=2, motion=MotionState()),
            Extras(),
            "hold",
        ),
        "hold": (hold(), Extras(), "hold"),
        "out-of-position": (hold(motion=MotionState(angle_deg=8.0, in_zone=False)), Extras(), "hold"),
        "hold-done": (hold(hold_seconds=30, hold_complete=True), Extras(), "hold"),
        "done": (reps(phase=DONE, reps=8), Extras(), "done"),
        "switch": (View(phase=SWITCH, exercise=twist, side="right", **base), Extras(), "switch"),
        "rest": (
            View(phase=REST, exercise=twist, next_name=ball.name, remaining_s=14.2, just_done=results[1], **base),
            Extras(),
            "rest",
        ),
        "summary": (
            View(phase=SUMMARY, session_status="completed", results=results, pain_during=3, **base),
            Extras(sessions=sessions),
            "summary",
        ),
        "pain-stop": (
            View(phase=SUMMARY, session_status="stopped_pain", results=results[:1], pain_during=8, **base),
            Extras(sessions=sessions),
            "summary",
        ),
        "history": (View(phase=IDLE, **base), Extras(show_history=True, streak=4, sessions=sessions), "history"),
        "paused": (reps(frozen={Freeze.PAUSED}), Extras(), "reps"),
        "it-hurts": (hold(frozen={Freeze.PAIN_PROMPT}), Extras(), "hold"),
        "still-there": (reps(frozen={Freeze.STILL_THERE}), Extras(), "reps"),
        "skip-ask": (hold(frozen={Freeze.SKIP_ASK}), Extras(), "hold"),
        "sensor-lost": (
            View(phase=ACTIVE, exercise=tilt, frozen={Freeze.SENSOR_LOST}, **base),
            Extras(
                sensor=Health(last_error="Remote I/O error (errno 121): the sensor does not answer, check its cable")
            ),
            "sensor-lost",
        ),
        "phone": (
            View(phase=IDLE, **base),
            Extras(show_phone=True, phone=PhoneStatus("http://192.168.1.50:8765/push/k7mxq2ab", "k7mxq2ab", True)),
            "phone",
        ),
        "config-error": (
            View(**base),
            Extras(
                problems=[
                    "sensor.rate_hz = 5000 (/etc/backstretch/config.toml): must be a whole number between 10 and 1000",
                    "display.rotate = 45 (/etc/backstretch/config.toml): must be one of 0, 90, 180, 270",
                ]
            ),
            "config-error",
        ),
        "trouble": (View(**base), Extras(trouble=True), "trouble"),
    }


def _older(results: list[ExerciseResult], sessions_ago: int) -> list[ExerciseResult]:
    """The same results a few sessions back, with a little less range: a believable trend."""
    return [replace(r, range_deg=round(r.range_deg * (1 - 0.04 * sessions_ago), 1)) for r in results]


def render(name: str, size: tuple[int, int], routine: Routine | None = None, t: float | None = None) -> Canvas:
    view, extras, screen = states(routine or load_routine())[name]
    if t is not None:
        extras.t = t
    canvas = Canvas.for_surface(pygame.Surface(size))
    drawn = draw(canvas, view, extras)
    assert drawn == screen, f"state {name} drew {drawn}, not {screen}"
    return canvas


def write_all(out: Path, sizes=SIZES) -> list[Path]:
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    pygame.font.init()
    out.mkdir(parents=True, exist_ok=True)
    routine = load_routine()
    paths = []
    for size in sizes:
        for name in states(routine):
            canvas = render(name, size, routine)
            path = out / f"{name}-{size[0]}x{size[1]}.png"
            pygame.image.save(canvas.surface, str(path))
            paths.append(path)
    return paths


def write_wear_picture(out: Path) -> Path:
    """The README's picture of where the phone goes (docs/wear-phone.png is this file)."""
    path = out / "wear-phone.png"
    pygame.image.save(wear_picture(), str(path))
    return path
