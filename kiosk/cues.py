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


# What may go unsaid: a count or "20 seconds" overtaken in the voice's queue by a newer one of its
# kind (the newer is the truth). Everything else (safety, completion, the countdown, what to do) is said.
MAY_DROP = frozenset({Kind.COUNT, Kind.PROGRESS})


@dataclass(frozen=True)
class Cue:
    kind: str  # a Kind
    words: str

    @property
    def keep(self) -> bool:
        """True when the cue must be heard even if it comes late (safety, completion, a countdown)."""
        return self.kind not in MAY_DROP
