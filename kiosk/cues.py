"""What the kiosk says and when: every state change and milestone becomes a cue.

A cue has a kind (the UI picks a tone for it, and whether it may be dropped when late) and
words from the phrase catalogue (spoken when a voice is available, and shown on screen).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    INTRO = "intro"
    POSITION = "position"
    READY = "ready"
    COUNT = "count"
    COUNTDOWN = "countdown"
    HOLD = "hold"
    PROGRESS = "progress"
    DONE = "done"
    BROKEN = "broken"
    SWITCH = "switch"
    REST = "rest"
    WELL_DONE = "well_done"
    PAUSE = "pause"
    RESUME = "resume"
    SENSOR = "sensor"
    STILL_THERE = "still_there"
    PAIN = "pain"
    STOP = "stop"
    INFO = "info"


# Safety and completion: said however late, never dropped from the voice's queue.
KEEP = frozenset(
    {Kind.DONE, Kind.WELL_DONE, Kind.SENSOR, Kind.STILL_THERE, Kind.PAIN, Kind.STOP, Kind.HOLD, Kind.COUNTDOWN}
)


@dataclass(frozen=True)
class Cue:
    kind: str  # a Kind
    words: str

    @property
    def keep(self) -> bool:
        """True when the cue must be heard even if it comes late (safety, completion, a countdown)."""
        return self.kind in KEEP
