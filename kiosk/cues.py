"""What the kiosk says and when: every state change and milestone becomes a cue.

A cue has a kind (the UI picks a tone for it) and words (spoken when a voice is available,
and shown on screen). Words are short: they are heard by someone lying on a mat.
"""

from __future__ import annotations

from dataclasses import dataclass

SIDE_MOVE = {"spinal_twist": "Lower your knees to the {side}", "default": "Stretch to the {side}"}
HOLD_MOVE = {"swiss_ball": "Lean back over the ball", "default": "Into the stretch"}


@dataclass(frozen=True)
class Cue:
    kind: str  # intro | position | ready | count | countdown | hold | progress | done | broken | switch | rest
    #           | next | well_done | pause | resume | sensor | still_there | pain | stop | info
    words: str


def intro(name: str, first_line: str) -> Cue:
    return Cue("intro", f"{name}. {first_line}")


def hold_move(motion: str, side: str | None) -> Cue:
    if side:
        return Cue("position", SIDE_MOVE.get(motion, SIDE_MOVE["default"]).format(side=side) + ".")
    return Cue("position", HOLD_MOVE.get(motion, HOLD_MOVE["default"]) + ".")


def progress(seconds: int, target: float) -> Cue | None:
    """Every ten seconds, and five before the end."""
    left = round(target - seconds)
    if left == 5 and target >= 10:
        return Cue("progress", "5 more seconds")
    if seconds % 10 == 0 and 0 < seconds < target:
        return Cue("progress", f"{seconds} seconds")
    return None
