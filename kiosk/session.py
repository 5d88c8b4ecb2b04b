"""One kiosk session without a screen: sensor -> motion -> routine engine -> cues, once per frame.

The pygame window and the simulator's terminal player both step it. It knows a source and its
observers, nothing more: the simulator attaches as exactly that (a simulated source, and a
virtual person who watches the View and moves the body), so no simulator code runs in here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from backstretch.drivers.sample import SampleSource

from . import phrases
from .cues import Cue
from .engine import IDLE, RoutineEngine, View
from .motion.pipeline import MotionPipeline, params_for
from .routine import Routine

Observer = Callable[[View], None]


class KioskSession:
    """Feeds samples to the motion pipeline and its events to the engine; shows observers the result."""

    def __init__(
        self,
        routine: Routine,
        source: SampleSource,
        clock: Callable[[], float],
        history=None,
        observers: Iterable[Observer] = (),
    ):
        self.source = source
        self.clock = clock
        self.motion = MotionPipeline(params_for("reps"))
        self.engine = RoutineEngine(routine, clock, self.motion, history)
        self.observers = list(observers)
        self.sessions_done = 0

    def step(self) -> list[Cue]:
        """One frame: read what the sensor has, let the engine react, then show the observers."""
        samples = self.source.read()
        health = self.source.health()
        self.engine.sensor(health.connected, phrases.sensor_lost(health.model))
        if samples:
            self.engine.handle(self.motion.feed(samples))
        was = self.engine.view.phase
        self.engine.tick()
        for observer in self.observers:
            observer(self.engine.view)
        if was != IDLE and self.engine.view.phase == IDLE:
            self.sessions_done += 1
        return self.engine.take_cues()
