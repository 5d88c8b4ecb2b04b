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
HOLDING = "You're holding it. Keep going."  # the countdown ended with the hold's count already running
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
PHONE_LOST = "Sensor lost. Wake the phone and keep the app recording."
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


def count(n: int, sure: bool = True) -> str:
    """A count as spoken: a count the kiosk is not sure of says so."""
    return str(n) if sure else f"about {n}"


def rep_count(done: int, target: int, sure: bool = True) -> str:
    """The reps screen's count."""
    return f"{count(done, sure)}/{target}"


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


def skip_ask(name: str) -> str:
    return f"Skip the whole {name}?"


def rest_next(name: str) -> str:
    return f"Rest. Next: {name}."


def spoken(routine) -> list[str]:
    """Every phrase this routine can make the kiosk say, so the voice can prepare them all at start-up."""
    fixed = [
        GET_INTO_POSITION,
        KEEP_STILL_LONGER,
        READY,
        HOLD,
        HOLDING,
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
        PHONE_LOST,
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
        words += [intro(ex.name, ex.instructions), skipping(ex.name), again(ex.name), skip_ask(ex.name)]
        if i:
            words.append(rest_next(ex.name))
        if ex.detect == "reps":
            words += [count(n, sure) for n in range(1, ex.reps + 1) for sure in (True, False)]
            words += [reps_begin(ex.reps)] + [set_done(n) for n in range(1, ex.sets)]
            continue
        sides = ex.sides or [None]
        words += [hold_move(ex.motion, side) for side in sides]
        words += [progress(s, ex.hold_s) for s in range(1, int(ex.hold_s) + 1)]
        if ex.sides:
            words += [switch_to(s) for s in SIDES] + [wrong_side(s) for s in SIDES]
    return list(dict.fromkeys(w for w in words if w))


# -- shown (screens, buttons) ------------------------------------------------------------------
START = "Start"
HISTORY = "History"
IM_READY = "I'm ready"
SKIP = "Skip"
SKIP_IT = "Skip it"
PAUSE = "Pause"
IT_HURTS = "It hurts"
NEXT = "Next"
SKIP_REST = "Skip rest"
CARRY_ON_BUTTON = "Carry on"
STOP = "Stop"
IM_HERE = "I'm here"
CANCEL = "Cancel"
DONE = "Done"
BACK = "Back"
USE_PHONE = "Use your phone"
BUTTON_LABELS = (START, HISTORY, IM_READY, SKIP, SKIP_IT, PAUSE, IT_HURTS, NEXT, SKIP_REST)
BUTTON_LABELS += (CARRY_ON_BUTTON, STOP, IM_HERE, CANCEL, DONE, BACK, USE_PHONE)
GRID_LABELS = (CANCEL, DONE)  # the buttons that sit in the 0-10 pain grid

IDLE_LINES = "Clip the sensor to your waistband.\nTap Start, then follow the voice."
TAP_TO_START = "Tap to start"
NO_STREAK = "Start your streak today"
NO_GPIO = "No GPIO buttons: use the screen"
KEYBOARD_HINT = "Simulator: Down lies down, Up sits up, Left/Right twist, K keeps still"
GETTING_READY = "getting ready"
KEEP_STILL_SHORT = "Keep still"
GET_INTO_POSITION_SHOWN = "Get into position and keep still"
SETTING_START = "Setting your start position"
STILL_GOOD = "Keeping still: good"
STILL_MOVING = "Moving: keep still"
RANGE = "Range of movement"
LAST_REPS = "Last reps"
GET_INTO_STRETCH = "Get into the stretch"
MOVE_INTO_POSITION = "Move into position"
OUT_OF_POSITION = "Out of position: timer paused"
HOLD_DONE = "Done: relax"
HOLD_STEADY = "In position: hold it there"
SECONDS_LEFT = "seconds left"
SWITCH_TITLE = "switch sides"
SWITCH_TO_THE = "Switch to the"
REST_TITLE = "Rest"
ROUTINE_DONE_TITLE = "Well done!"
STOPPED_TITLE = "Stopped: take care"
SAVED_TITLE = "Session saved"
NOTHING_FINISHED = "No exercise finished"
END_QUESTION = "How is your back? 0 = no pain, 10 = worst"
PAIN_QUESTION = "How bad is the pain?"
PAUSED_TITLE = "Paused"
PAUSED_LINE = "Tap Carry on when you are ready."
STILL_THERE_TITLE = "Still there?"
STILL_THERE_LINE = "Touch the screen to carry on."
HISTORY_TITLE = "History"
NO_SESSIONS = "No sessions yet"
RANGE_TREND = "Range of movement, last sessions"
SENSOR_NOT_FOUND = "Sensor not found"
CHECK_CABLE = "Check the clip's cable"
WAKE_PHONE = "Wake the phone and keep the app recording on Wi-Fi"
CARRIES_ON = "The routine carries on when the sensor is back."
WAITING_FOR_SENSOR = "waiting for the sensor"
CONFIG_PROBLEM = "Configuration problem"
SOMETHING_WRONG = "Something went wrong, back to the start"
SOMETHING_WRONG_LINE = "What you did so far is saved."


def streak(days: int) -> str:
    return f"{days} day streak" if days else NO_STREAK


def of(done: int | str, total: int, what: str) -> str:
    return f"{done} of {total} {what}"


def exercise_of(index: int, count: int) -> str:
    return f"{index} of {count}"


def set_of(n: int, sets: int) -> str:
    return f"set {n} of {sets}" if sets > 1 else ""


def hold_of(n: int, wanted: int) -> str:
    return f"hold {n} of {wanted}"


def seconds_to_go(seconds: float) -> str:
    return f"{max(0, int(seconds))} s to go"


def next_up(name: str) -> str:
    return f"Next: {name}"


def now_side(side: str) -> str:
    return f"Now {side.upper()}"


def side_label(side: str | None) -> str:
    return side.upper() if side else "HOLD"


def pain_saved(during: int | None, end: int | None) -> str:
    """Both scores, each named: the therapist reads them apart."""
    parts = []
    if during is not None:
        parts.append(f"pain during {during}/10")
    if end is not None:
        parts.append(f"pain at the end {end}/10")
    return ", ".join(parts).capitalize()


def result_line(r) -> str:
    """One exercise's result in words: what was done against what was asked, and how far."""
    if r.status == "skipped":
        return "skipped"
    if r.detect == "reps":
        done = count(r.reps_done, sure=r.confidence != "low")
        return f"{of(done, r.reps_target, 'reps')}, range {r.range_deg:.0f}°"
    sides = [f"{side} {r.seconds_on(side):.0f} s" for side in SIDES if r.seconds_on(side)]
    if r.seconds_on(None):
        sides.append(f"{r.seconds_on(None):.0f} s in all")
    return of(r.holds_completed, r.holds_wanted, "holds") + (": " + ", ".join(sides) if sides else "")


def just_done(r) -> str:
    return f"{r.name}: {result_line(r)}"


def session_parts(s) -> list[str]:
    """One past session as its heading (when, how it ended, pain) and then each exercise in words."""
    when = s.started_at[5:16].replace("T", " ")
    status = {"in_progress": "in progress"}.get(s.status, s.status.replace("_", " "))
    pain = pain_saved(s.pain_during, s.pain)
    heading = f"{when}  {status}" + (f", {pain.lower()}" if pain else "")
    return [heading, *(f"{r.name} {result_line(r)}" for r in s.results)] if s.results else [heading, NOTHING_FINISHED]


def session_line(s) -> str:
    """One past session for the history screen, in a paragraph."""
    heading, *done = session_parts(s)
    return f"{heading}\n" + "; ".join(done)


# -- a phone as the sensor (the pairing screen) ------------------------------------------------
NETWORK_SENSORS = ("phone", "phyphox")  # Health.model of the sources that are a phone over Wi-Fi
PHONE_CONNECTED_TITLE = "Phone connected"
PAIR_STEPS = (
    "1. Install Sensor Logger (Android or iPhone).",
    "2. Settings > Data Streaming: HTTP Push on, with this URL.",
    "3. Settings > Sensor Configuration: Standardise Units & Frames on.",
    "4. Turn on Accelerometer, Gravity and Gyroscope; Start Recording.",
)
WEAR_PHONE = "Wear it over your belly in a running belt or waistband clip, screen out (a watch: strapped at the hip)."
WEAR_TITLE = "Phone over the belly"
WEAR_HOW = "In a running belt or a waistband clip, screen out, upright or upside down."
WEAR_NOT_WRIST = "Not on the wrist: the arms lie still in these stretches. A watch goes at the hip."
PHONE_NOT_SET_UP = (
    'This kiosk reads a sensor on a cable. To use a phone instead, set driver = "phone" under [sensor] '
    "in /etc/backstretch/config.toml and restart: the kiosk then listens on your Wi-Fi for the phone."
)
WAITING_FOR_PHONE = "Waiting for your phone..."
SECOND_PHONE = "Another phone tried to connect: one phone at a time. Stop its recording."
OLD_ADDRESS = "A phone is pushing to an old address: put this kiosk's URL (Use your phone) in the app."


def token(value: str) -> str:
    return f"Token: {value}"


def phone_connected(rate_hz: float) -> str:
    return f"Phone connected: {rate_hz:.0f} samples a second"


def phone_silent(seconds: float) -> str:
    return f"Phone silent for {seconds:.0f} s: wake it, keep the app recording"


def is_phone(model: str) -> bool:
    return model in NETWORK_SENSORS


def sensor_lost(model: str) -> str:
    """What is said when the sensor goes: a phone is woken, a clip's cable is checked."""
    return PHONE_LOST if is_phone(model) else SENSOR_LOST


def lost_hint(model: str) -> str:
    return WAKE_PHONE if is_phone(model) else CHECK_CABLE


def not_found_line(model: str) -> str:
    """The idle screen's line while the sensor is lost."""
    return f"{SENSOR_NOT_FOUND}: {lost_hint(model).lower()}"
