"""Replay a recording as a sample source, in real time (or scaled) or as fast as it can be read."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from .recording import read_recording
from .sample import Health, Sample

FAST_BATCH = 2000  # samples per read() when playing as fast as possible


class ReplaySource:
    """Samples keep the recording's own timestamps; `speed=None` plays as fast as read() is called."""

    def __init__(
        self,
        path: str | Path,
        speed: float | None = 1.0,
        loop: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.path = Path(path)
        self.speed = speed
        self.loop = loop
        self._clock = clock
        self._samples: list[Sample] = []
        self._pos = 0
        self._offset = 0.0  # added to t on each loop so time keeps increasing
        self._start = 0.0
        self.rate_hz = 0.0
        self.has_gyro = False
        self._health = Health(model="replay")

    def open(self) -> None:
        recording = read_recording(self.path)
        self._samples = recording.samples()
        self.rate_hz = recording.rate_hz
        self.has_gyro = recording.has_gyro
        self._start = self._clock()
        self._health = Health(
            connected=True, model="replay", detail=f"replay of {self.path.name}, {self.rate_hz:.4g} Hz"
        )

    @property
    def finished(self) -> bool:
        return not self.loop and self._pos >= len(self._samples)

    def read(self) -> list[Sample]:
        if self.finished:
            self._health = replace(self._health, connected=False, last_error="end of recording")
            return []
        first_t = self._samples[0].t
        if self.speed is None:
            end = min(self._pos + FAST_BATCH, len(self._samples))
        else:
            until = first_t + (self._clock() - self._start) * self.speed - self._offset
            end = self._pos
            while end < len(self._samples) and self._samples[end].t <= until:
                end += 1
        batch = [s._replace(t=s.t + self._offset) for s in self._samples[self._pos : end]]
        self._pos = end
        if self.loop and self._pos >= len(self._samples):
            self._pos = 0
            self._offset += self._samples[-1].t - first_t + 1.0 / max(self.rate_hz, 1.0)
        return batch

    def close(self) -> None:
        self._health = replace(self._health, connected=False)

    def health(self) -> Health:
        return self._health
