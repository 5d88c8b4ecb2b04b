"""The one sample type and the one source interface every driver implements."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple, Protocol


class Sample(NamedTuple):
    """One reading: t in seconds (monotonic), accel in g, gyro in deg/s or None when absent.

    A NamedTuple keeps a sample cheap to create at 1 kHz and easy to turn into numpy rows.
    """

    t: float
    ax: float
    ay: float
    az: float
    gx: float | None = None
    gy: float | None = None
    gz: float | None = None

    @property
    def has_gyro(self) -> bool:
        return self.gx is not None and not math.isnan(self.gx)


@dataclass(frozen=True)
class Health:
    """What a source can say about itself, for the screen and for `backstretch doctor`.

    A frozen snapshot: a source builds a new one when something changes, so a reader thread can
    hand it to the main thread whole, and nobody sees half of an update.
    """

    connected: bool = False
    last_error: str | None = None
    dropped: int = 0  # samples the chip made that never reached read(), every cause counted
    model: str = ""
    detail: str = ""
    rejected: int = 0  # impossible readings thrown away (all zeros, all 0xFF, beyond the range)
    retried: int = 0  # failed transfers that a retry got through without losing anything


class SampleSource(Protocol):
    """Open, read what is available without blocking the caller for long, close, report health.

    `health()` is the only way to ask a source how it is: it returns a frozen snapshot.
    """

    rate_hz: float

    def open(self) -> None: ...

    def read(self) -> list[Sample]: ...

    def close(self) -> None: ...

    def health(self) -> Health: ...
