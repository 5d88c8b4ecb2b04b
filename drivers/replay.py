"""Replay a recording as a sample source, in real time (or scaled) or as fast as it can be read."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

from .recording import read_recording
from .sample import Health, Sample

FAST_BATCH = 2000  # samples per read() when playing as fast as possible


class ReplaySource:
    """Samples keep the recording's own timestamps; `speed=None` plays as fast as read() is called.

    The recording stays one array (56 bytes a sample); Samples are made only for the batch read."""

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
        self._data = np.empty((0, 7))
        self._pos = 0
        self._offset = 0.0  # added to t on each loop so time keeps increasing
        self._start = 0.0
        self.rate_hz = 0.0
        self.has_gyro = False
        self._health = Health(model="replay")

    def open(self) -> None:
        recording = read_recording(self.path)
        self._data = recording.data
        self.rate_hz = recording.rate_hz
        self.has_gyro = recording.has_gyro
        self._start = self._clock()
        self._health = Health(
            connected=True, model="replay", detail=f"replay of {self.path.name}, {self.rate_hz:.4g} Hz"
        )

    @property
    def finished(self) -> bool:
        return not self.loop and self._pos >= len(self._data)

    def read(self) -> list[Sample]:
        if self.finished:
            self._health = replace(self._health, connected=False, last_error="end of recording")
            return []
        times = self._data[:, 0]
        if self.speed is None:
            end = min(self._pos + FAST_BATCH, len(self._data))
        else:
            until = times[0] + (self._clock() - self._start) * self.speed - self._offset
            end = max(self._pos, int(np.searchsorted(times, until, side="right")))
        rows = self._data[self._pos : end].copy()
        rows[:, 0] += self._offset
        width = 7 if self.has_gyro else 4
        batch = [Sample(*row[:width]) for row in rows.tolist()]
        self._pos = end
        if self.loop and self._pos >= len(self._data):
            self._pos = 0
            self._offset += times[-1] - times[0] + 1.0 / max(self.rate_hz, 1.0)
        return batch

    def close(self) -> None:
        self._health = replace(self._health, connected=False)

    def health(self) -> Health:
        return self._health
