"""Wiring of one kiosk session without a screen: sensor -> motion -> routine engine -> cues.

The UI runs the same loop with pygame around it; the simulator's text mode and the tests use
this one directly, stepping a clock they own.
"""

from __future__ import annotations

from collections.abc import Callable

from backstretch.drivers.sample import SampleSource

from .cues import Cue
from .engine import IDLE, RoutineEngine
from .motion.pipeline import MotionPipeline, params_for
from .performer import AutoPerformer
from .routine import Routine


class KioskSession:
    """Feeds samples to the motion pipeline and its events to the engine, once per frame."""

    def __init__(
        self,
        routine: Routine,
        source: SampleSource,
        clock: Callable[[], float],
        history=None,
        performer: AutoPerformer | None = None,
    ):
        self.source = source
        self.clock = clock
        self.motion = MotionPipeline(params_for("reps"))
        self.engine = RoutineEngine(routine, clock, self.motion, history)
        self.performer = performer
        self.sessions_done = 0

    def body_time(self) -> float:
        """Now, on the virtual body's clock (the mock sensor's), for whoever moves it."""
        return self.source.body_time(self.clock())

    def step(self) -> list[Cue]:
        """One frame: read what the sensor has, let the engine react, and the virtual person too."""
        samples = self.source.read()
        self.engine.sensor(self.source.health().connected)
        if samples:
            self.engine.handle(self.motion.feed(samples))
        was = self.engine.view.phase
        self.engine.tick()
        if self.performer is not None:
            self.performer.react(self.engine.view, self.body_time())
        if was != IDLE and self.engine.view.phase == IDLE:
            self.sessions_done += 1
        return self.engine.take_cues()
