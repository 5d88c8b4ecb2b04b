"""The simulator in a terminal: the whole routine with a virtual performer, its cues and screens as text."""

from __future__ import annotations

import time
from typing import TextIO

from backstretch.drivers.mock import MockSource

from .engine import SUMMARY
from .performer import AutoPerformer
from .routine import Routine
from .session import KioskSession

FRAME_S = 1 / 30


def run_text_simulation(
    out: TextIO,
    routine: Routine,
    history,
    duration: float | None,
    speed: float,
    rate_hz: float,
    seed: int,
    sloppy: bool = False,
) -> int:
    """Play the routine once with the auto performer; returns when it is over or `duration` has passed."""
    wall0 = time.monotonic()

    def clock() -> float:
        return (time.monotonic() - wall0) * speed

    performer = AutoPerformer(seed, sloppy)
    source = MockSource(performer.timeline, rate_hz=rate_hz, clock=clock, seed=seed)
    source.open()
    kiosk = KioskSession(routine, source, clock, history, performer)
    out.write(
        f"backstretch simulator (text): {routine.settings.name}, mock sensor {rate_hz:g} Hz, "
        f"speed x{speed:g}, {'sloppy' if sloppy else 'attentive'} performer\n"
    )
    kiosk.engine.command("start")
    phase = ""
    try:
        while duration is None or time.monotonic() - wall0 < duration:
            for cue in kiosk.step():
                out.write(f"{clock():8.1f} s  [{cue.kind}] {cue.words}\n")
            view = kiosk.engine.view
            if view.phase != phase:
                phase = view.phase
                name = view.exercise.name if view.exercise else ""
                out.write(f"{clock():8.1f} s  -- {phase} {name}\n")
            out.flush()
            if kiosk.sessions_done or (view.phase == SUMMARY and view.pain is None and _answer_pain(kiosk, seed)):
                break
            time.sleep(FRAME_S)
    finally:
        source.close()
    out.write(summary_text(kiosk.engine.view))
    return 0


def _answer_pain(kiosk: KioskSession, seed: int) -> bool:
    """The virtual person taps a pain score on the summary screen and walks away."""
    kiosk.engine.command("pain", seed % 4)
    kiosk.sessions_done += 1
    return True


def summary_text(view) -> str:
    lines = [f"session {view.session_status or 'not finished'}:"]
    for r in view.results:
        if r.detect == "reps":
            what = f"{r.reps_done}/{r.reps_target} reps, range {r.range_deg:.0f} deg"
        else:
            sides = ", ".join(f"{s} {r.seconds_on(s):.0f} s" for s in ("left", "right") if r.seconds_on(s))
            what = f"{r.holds_completed}/{r.holds_wanted} holds" + (f" ({sides})" if sides else "")
        lines.append(f"  {r.name:<20} {r.status:<9} {what}")
    return "\n".join(lines) + "\n"
