"""The simulator's keys: pull the virtual cable, and move the body by hand when no performer does.

Actions are names, not keys, so this stays free of pygame; ui/input.py maps the keys
(arrows, K, F, U) to them.
"""

from __future__ import annotations

from .body import Timeline
from .mock import SimulatedSource

STEP_DEG = 6.0
MOVE_S = 0.6  # how long one arrow press takes to reach its pose
FIDGET_DEG = (4, -3, 5, -2, 0)
FIDGET_STEP_S = 0.4
TURNS = {"up": (-STEP_DEG, 0.0), "down": (STEP_DEG, 0.0), "left": (0.0, -STEP_DEG), "right": (0.0, STEP_DEG)}
ACTIONS = (*TURNS, "still", "fidget", "cable")


class SimKeys:
    """Acts on the simulated source; `body` is None while a virtual performer moves it instead."""

    def __init__(self, source: SimulatedSource, body: Timeline | None):
        self.source = source
        self.body = body

    def act(self, action: str) -> bool:
        """Do `action`; False when it means nothing here (so the key can mean something else)."""
        if action == "cable":
            self.source.plug(not self.source.plugged)
            return True
        if self.body is None or action not in ACTIONS:
            return False
        t = self.source.body_time()
        if action in TURNS:
            pitch, roll, yaw = self.body.poses[-1]  # presses add up: move on from where it was heading
            self.body.replan(t)
            self.body.add(t + MOVE_S, (pitch + TURNS[action][0], roll + TURNS[action][1], yaw))
        elif action == "still":
            self.body.replan(t)
        else:
            pitch, roll, yaw = self.body.replan(t)
            for i, d in enumerate(FIDGET_DEG):
                self.body.add(t + FIDGET_STEP_S * (i + 1), (pitch + d, roll - d, yaw + 3 * d))
        return True
