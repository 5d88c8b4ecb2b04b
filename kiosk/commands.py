"""The names of everything a person can ask of the kiosk, in one place.

Touch, keys and GPIO buttons all become one of these; the engine answers ENGINE's, the app
answers the rest (which screen to show).
"""

from __future__ import annotations

from enum import StrEnum


class Command(StrEnum):
    START = "start"
    NEXT = "next"
    PAUSE = "pause"
    RESUME = "resume"
    SKIP = "skip"
    REPEAT = "repeat"
    STOP = "stop"
    TOUCH = "touch"  # anywhere that is not a button: wakes the screen, answers "still there?"
    PAIN = "pain"  # with a score 0..10 it records it; without, "it hurts" asks for one
    CANCEL = "cancel"  # closes a question ("it hurts", "skip the whole exercise?") without an answer
    HOME = "home"  # back to the start screen (after a summary, or from history)
    HISTORY = "history"
    PHONE = "phone"  # the "Use your phone" screen: the push URL, its QR code and the app's steps


ENGINE = frozenset(Command) - {Command.HISTORY, Command.PHONE}
