"""Every word the kiosk says or shows, in one catalogue.

The engine speaks from here and the screens read from here, so a phrase is written once: what
the voice says and what the screen shows cannot drift apart, a translator has one file to
read, and the voice can render every phrase a routine can say before the first session
(`spoken`). Words are short: they are heard by someone lying on a mat and read from 3 m.
"""

from __future__ import annotations

from collections.abc import Iterable

# -- spoken (and shown as the last thing said) -------------------------------------------------
GET_INTO_POSITION = "Get into position and keep still."
KEEP_STILL_LONGER = "Keep still a moment longer."
READY = "Ready."
HOLD = "Hold."
REST = "Rest."
WELL_DONE = "Well done."
RELAX = "Well done. Relax."
RELAX_NOW = "Hold done. Relax now, the next one starts from the middle."
HOLD_BROKEN = "Hold broken. Back into the stretch."
TRY_AGAIN = "Let's try that again."
WELCOME_BACK = "Welcome back."
CARRY_ON = "Carry on."
PAUSED = "Paused. Tap to carry on."
SENSOR_LOST = "Sensor lost. Check the clip's cable."
SENSOR_BACK = "Sensor back. Carry on."
STILL_THERE = "Still there? Touch the screen to carry on."
PAIN_ASK = "How bad is the pain? Tap a number from 0 to 10."
PAIN_GENTLY = "Take it gently. Stop if it gets worse."
PAIN_STOP = "Please stop now. If the pain stays, see a doctor or physiotherapist."
ROUTINE_DONE = "That's the routine. Well done!"
SESSION_SAVED = "Session saved."
END_ASK = "How is your back? Tap a number from 0 to 10."
THANK_YOU = "Thank you."
FIVE_MORE = "5 more seconds"
SIDES = ("left", "right")

SIDE_MOVE = {"spinal_twist": "Lower your knees to the {side}", "default": "Stretch to the {side}"}
HOLD_MOVE = {"swiss_ball": "Lean back over the ball", "default": "Into the stretch"}


def intro(name: str, lines: Iterable[str]) -> str:
    """The exercise's name and all of its instruction lines: someone on the mat cannot read them."""
    return " ".join([f"{name}.", *lines])


def hold_move(motion: str, side: str | None) -> str:
    if side:
        return SIDE_MOVE.get(motion, SIDE_MOVE["default"]).format(side=side) + "."
    return HOLD_MOVE.get(motion, HOLD_MOVE["default"]) + "."


def progress(seconds: int, target: float) -> str | None:
    """Every ten seconds, and five before the end."""
    left = round(target - seconds)
    if left == 5 and target >= 10:
        return FIVE_MORE
    if seconds % 10 == 0 and 0 < seconds < target:
        return f"{seconds} seconds"
    return None


def count(n: int) -> str:
    return str(n)


def reps_begin(target: int) -> str:
    return f"{target} reps. Begin."


def set_done(n: int) -> str:
    return f"Set {n} done."


def wrong_side(side: str) -> str:
    return f"That's your {side} side. It counts."


def switch_to(side: str) -> str:
    return f"Switch to the {side} side."


def skipping(name: str) -> str:
    return f"Skipping {name}."


def again(name: str) -> str:
    return f"Again: {name}."


def rest_next(name: str) -> str:
    return f"Rest. Next: {name}."


def spoken(routine) -> list[str]:
    """Every phrase this routine can make the kiosk say, so the voice can prepare them all at start-up."""
    fixed = [
        GET_INTO_POSITION,
        KEEP_STILL_LONGER,
        READY,
        HOLD,
        REST,
        WELL_DONE,
        RELAX,
        RELAX_NOW,
        HOLD_BROKEN,
        TRY_AGAIN,
        WELCOME_BACK,
        CARRY_ON,
        PAUSED,
        SENSOR_LOST,
        SENSOR_BACK,
        STILL_THERE,
        PAIN_ASK,
        PAIN_GENTLY,
        PAIN_STOP,
        ROUTINE_DONE,
        SESSION_SAVED,
        END_ASK,
        THANK_YOU,
    ]
    words = list(fixed)
    countdown = max(routine.settings.countdown_s, 3)
    words += [count(n) for n in range(1, countdown + 1)]
    for i, ex in enumerate(routine.exercises):
        words += [intro(ex.name, ex.instructions), skipping(ex.name), again(ex.name)]
        if i:
            words.append(rest_next(ex.name))
        if ex.detect == "reps":
            words += [count(n) for n in range(1, ex.reps + 1)]
            words += [reps_begin(ex.reps)] + [set_done(n) for n in range(1, ex.sets)]
            continue
        sides = ex.sides or [None]
        words += [hold_move(ex.motion, side) for side in sides]
        words += [progress(s, ex.hold_s) for s in range(1, int(ex.hold_s) + 1)]
        if ex.sides:
            words += [switch_to(s) for s in SIDES] + [wrong_side(s) for s in SIDES]
    return list(dict.fromkeys(w for w in words if w))
