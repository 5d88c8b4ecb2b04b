"""Exercise results the history, outbox, fleet and people tests write and read back."""

from __future__ import annotations

from backstretch.kiosk.results import ExerciseResult, HoldRecord


def tilt(position: int = 1, reps: int = 8) -> ExerciseResult:
    """A pelvic tilt finished with `reps` of its 8 reps."""
    return ExerciseResult("pelvic_tilt", "Pelvic tilt", "reps", position, "completed", reps, 8, range_deg=9.0)


def twist() -> ExerciseResult:
    """A partial spinal twist, one hold completed and one not: both kinds go through every round trip."""
    return ExerciseResult(
        "spinal_twist",
        "Spinal twist",
        "hold",
        2,
        "partial",
        hold_target_s=30,
        holds_wanted=2,
        holds=[HoldRecord("left", 31.0, True), HoldRecord("right", 12.5, False)],
        range_deg=41.0,
    )
