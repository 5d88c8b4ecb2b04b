"""`backstretch screenshots`: every screen, rendered headless from made-up but realistic state."""

from __future__ import annotations

import os
from pathlib import Path

import pygame

from backstretch.drivers.phone import PhoneStatus
from backstretch.drivers.sample import Health
from backstretch.kiosk.engine import ACTIVE, CALIBRATE, IDLE, INTRO, REST, SUMMARY, SWITCH, Freeze, View
from backstretch.kiosk.motion.pipeline import MotionState
from backstretch.kiosk.results import ExerciseResult, HoldRecord, SessionRecord
from backstretch.kiosk.routine import Routine, load_routine

from .canvas import Canvas
from .screens import SCREENS, Extras, draw

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


def states(routine: Routine) -> dict[str, tuple[View, Extras]]:
    """One View (and its extras) per screen name."""
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
            sample_results(),
        )
        for i in range(1, 9)
    ]
    return {
        "idle": (View(phase=IDLE, **base), Extras(t=2.0, streak=4)),
        "intro": (View(phase=INTRO, exercise=twist, exercise_index=1, **base), Extras(t=1.0)),
        "calibrate": (
            View(phase=CALIBRATE, exercise=tilt, motion=MotionState(still=True, capture=0.6), **base),
            Extras(),
        ),
        "reps": (
            View(
                phase=ACTIVE,
                exercise=tilt,
                reps=6,
                reps_target=tilt.reps or 8,
                rep_sizes=[9.5, 11.0, 8.2, 10.4, 12.1, 9.8],
                motion=MotionState(angle_deg=7.5),
                **base,
            ),
            Extras(),
        ),
        "hold": (
            View(
                phase=ACTIVE,
                exercise=twist,
                exercise_index=1,
                side="left",
                holding=True,
                hold_seconds=18,
                hold_target=twist.hold_s or 30,
                holds_done=2,
                holds_wanted=twist.holds_wanted or 10,
                motion=MotionState(angle_deg=41.0, in_zone=True),
                **base,
            ),
            Extras(),
        ),
        "switch": (View(phase=SWITCH, exercise=twist, side="right", **base), Extras()),
        "rest": (
            View(phase=REST, exercise=ball, next_name=ball.name, remaining_s=14.2, exercise_index=2, **base),
            Extras(),
        ),
        "summary": (View(phase=SUMMARY, session_status="completed", results=sample_results(), **base), Extras()),
        "history": (View(phase=IDLE, **base), Extras(show_history=True, streak=4, sessions=sessions)),
        "sensor-lost": (
            View(phase=ACTIVE, exercise=tilt, frozen={Freeze.SENSOR_LOST}, **base),
            Extras(
                sensor=Health(last_error="Remote I/O error (errno 121): the sensor does not answer, check its cable")
            ),
        ),
        "phone": (
            View(phase=IDLE, **base),
            Extras(show_phone=True, phone=PhoneStatus("http://192.168.1.50:8765/push/k7mxq2ab", "k7mxq2ab", True)),
        ),
        "config-error": (
            View(**base),
            Extras(
                problems=[
                    "sensor.rate_hz = 5000 (/etc/backstretch/config.toml): must be a whole number between 10 and 1000",
                    "display.rotate = 45 (/etc/backstretch/config.toml): must be one of 0, 90, 180, 270",
                ]
            ),
        ),
    }


def render(name: str, size: tuple[int, int], routine: Routine | None = None) -> Canvas:
    view, extras = states(routine or load_routine())[name]
    canvas = Canvas.for_surface(pygame.Surface(size))
    drawn = draw(canvas, view, extras)
    assert drawn == name, f"state for {name} drew {drawn}"
    return canvas


def write_all(out: Path, sizes=SIZES) -> list[Path]:
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    pygame.font.init()
    out.mkdir(parents=True, exist_ok=True)
    routine = load_routine()
    paths = []
    for size in sizes:
        for name in SCREENS:
            canvas = render(name, size, routine)
            path = out / f"{name}-{size[0]}x{size[1]}.png"
            pygame.image.save(canvas.surface, str(path))
            paths.append(path)
    return paths
