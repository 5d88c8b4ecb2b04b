"""The virtual person for the simulator: walks up and does the seed routine on the mock sensor."""

from __future__ import annotations

import numpy as np

from drivers.body import OVER_BALL, SITTING, STANDING, SUPINE
from drivers.script import Script


def seed_routine_script(seed: int = 1) -> Script:
    """Walk up, lie down, pelvic tilts, a spinal twist each side, then the Swiss-ball stretch."""
    rng = np.random.default_rng(seed)
    s = Script(start=STANDING, rng=rng)
    s.phase("walking up").walk(4.0).still(2.0)
    s.phase("lying down").move(4.0, pitch=SUPINE[0]).fidget(3.0).still(3.0)
    s.phase("pelvic tilt").tilt_reps(8, amplitude_deg=9.0, period_s=4.0, pause_s=1.5, jitter=0.2)
    s.phase("rest").still(10.0)
    for side in ("left", "right"):
        s.phase(f"spinal twist {side}").twist_hold(side, angle_deg=40.0, seconds=30.0)
        s.phase("rest").still(5.0)
    s.phase("onto the ball").move(4.0, pitch=STANDING[0]).still(2.0).move(2.0, pitch=SITTING[0]).still(3.0)
    s.phase("swiss ball stretch").lean_hold(OVER_BALL[0], seconds=40.0)
    s.phase("done").still(5.0)
    return s
