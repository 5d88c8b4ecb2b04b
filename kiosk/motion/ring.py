"""The last WINDOW_S of frames (time and gravity direction) in a ring: what both rep counters look back over,
so their memory does not grow with the session."""

from __future__ import annotations

import numpy as np

from . import tuning as k
from .orientation import FRAME_HZ
from .vector import Vec


class FrameRing:
    def __init__(self) -> None:
        self.size = int(k.WINDOW_S * FRAME_HZ)
        self._buf = np.zeros((self.size, 4))  # t, up
        self.clear()

    def clear(self) -> None:
        self.n = 0  # frames held
        self.frames = 0  # frames stored since the start: the number of the next one
        self._i = 0  # its slot

    def store(self, t: float, u: Vec) -> None:
        self._buf[self._i] = (t, u[0], u[1], u[2])
        self._i = (self._i + 1) % self.size
        self.n = min(self.n + 1, self.size)
        self.frames += 1

    def window(self) -> np.ndarray:
        """The frames held, oldest first."""
        return self._buf[: self.n] if self.n < self.size else np.roll(self._buf, -self._i, axis=0)

    def rows(self, start: int, end: int) -> np.ndarray:
        """Frames number `start` to `end` (exclusive), as far as the ring still holds them."""
        start = max(start, self.frames - self.n, end - self.n)
        return self._buf[np.arange(start, max(start, end)) % self.size]
