"""The simulator in a terminal: the session's cues and phases as lines of text, then the summary."""

from __future__ import annotations

import time
from typing import TextIO

from ..engine import SUMMARY
from ..session import KioskSession

FRAME_S = 1 / 30


def play(out: TextIO, kiosk: KioskSession, duration: float | None, pain: int) -> None:
    """Step the session until the routine is over or `duration` wall seconds have passed.

    On the summary screen the virtual person taps `pain` as the pain score and walks away.
    """
    wall0 = time.monotonic()
    phase = ""
    while duration is None or time.monotonic() - wall0 < duration:
        for cue in kiosk.step():
            out.write(f"{kiosk.clock():8.1f} s  [{cue.kind}] {cue.words}\n")
        view = kiosk.engine.view
        if view.phase != phase:
            phase = view.phase
            name = view.exercise.name if view.exercise else ""
            out.write(f"{kiosk.clock():8.1f} s  -- {phase} {name}\n")
        out.flush()
        if kiosk.sessions_done:
            break
        if view.phase == SUMMARY and view.pain is None:
            kiosk.engine.command("pain", pain)
            break
        time.sleep(FRAME_S)
    out.write(summary_text(kiosk.engine.view))


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
