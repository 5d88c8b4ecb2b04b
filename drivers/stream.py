"""What every sensor that streams over the network needs: its clock mapped onto ours, and its health.

A phone stamps each sample with its own clock and sends them in batches that arrive late and in
bursts. `ClockMapper` turns those stamps into the kiosk's monotonic time; `StreamMonitor` keeps
the figures the screen and `doctor` show (rate, gaps, late batches, silence, every lost sample).
Both are plain objects driven by the caller's clock, so the tests step them without sleeping.
"""

from __future__ import annotations

import collections
import logging
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

CLOCK_WINDOW_S = 30.0  # the offset is the least-delayed batch of this long (covers drift and slow Wi-Fi)
CLOCK_STEP_S = 0.5  # the phone's stamps going back this far between batches: its clock was set back
LATE_S = 1.0  # a batch this much later than the least-delayed one is counted as late
GAP_PERIODS = 2.5  # a hole longer than this many sample periods is a gap, its missing samples lost
SILENCE_MIN_S = 3.0  # no batch for this long (or four batch intervals, if longer): the sensor is lost
SILENCE_BATCHES = 4
RATE_WINDOW_S = 5.0  # the rate shown is measured over the last few seconds of samples


class ClockMapper:
    """Maps a remote clock onto the local monotonic clock from the arrival times of batches.

    A batch cannot arrive before its newest sample was taken, so arrival minus that stamp is the
    clock offset plus a delay that is never negative. The smallest such lag over a window is the
    least-delayed batch and the best estimate of the offset (NTP's minimum filter); late and
    bunched-up batches only ever raise the lag, so they do not move the estimate. Mapped times
    are therefore never later than the moment the sample arrived.
    """

    def __init__(self, window_s: float = CLOCK_WINDOW_S):
        self.window_s = window_s
        self._lags: collections.deque[tuple[float, float]] = collections.deque()  # (arrival, lag), rising lags

    @property
    def ready(self) -> bool:
        return bool(self._lags)

    @property
    def offset(self) -> float:
        return self._lags[0][1]

    def observe(self, newest_remote: float, arrival: float) -> float:
        """Take one batch into account; returns how late it was compared with the best one."""
        lag = arrival - newest_remote
        while self._lags and self._lags[-1][1] >= lag:  # a monotonic queue keeps the window's minimum first
            self._lags.pop()
        self._lags.append((arrival, lag))
        while self._lags[0][0] < arrival - self.window_s:
            self._lags.popleft()
        return lag - self.offset

    def to_local(self, remote_t: float) -> float:
        return remote_t + self.offset

    def reset(self) -> None:
        self._lags.clear()


@dataclass(frozen=True)
class StreamFigures:
    """A snapshot of a stream's health, for the screen, `doctor` and the log."""

    connected: bool = False
    rate_hz: float = 0.0
    samples: int = 0
    batches: int = 0
    late_batches: int = 0
    gaps: int = 0
    lost: int = 0  # samples missing between stamps (gaps, refused pushes) or dropped by a full queue
    silent_s: float | None = None  # since the last batch; None before the first one
    silence_limit_s: float = SILENCE_MIN_S


class StreamMonitor:
    """Counts what a batched stream delivers and what it loses, and says when it has gone quiet.

    Gaps are found in the remote stamps: a phone that kept measuring while its pushes failed
    leaves a hole whose missing samples are counted as lost, at the rate the stream has shown.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._recent: collections.deque[tuple[float, float, int]] = collections.deque()  # (first, last, n) per batch
        self._intervals: collections.deque[float] = collections.deque(maxlen=20)  # between batch arrivals
        self._periods: collections.deque[float] = collections.deque(maxlen=200)  # between samples
        self._last_arrival: float | None = None
        self._last_remote: float | None = None
        self.samples = self.batches = self.late_batches = self.gaps = self.lost = 0
        self._was_connected = False

    def new_session(self) -> None:
        """The remote end restarted its recording: the time between is not a gap."""
        self._last_remote = None
        self._recent.clear()

    @property
    def period(self) -> float | None:
        return statistics.median(self._periods) if len(self._periods) >= 5 else None

    def batch(self, remote_times: list[float], arrival: float, late: bool) -> None:
        """A batch of samples (remote stamps, rising) that arrived at `arrival`; one without samples is
        no sign of life (an app answering with nothing new, or sending only other sensors)."""
        if not remote_times:
            return
        if self._last_arrival is not None:
            self._intervals.append(arrival - self._last_arrival)
        self._last_arrival = arrival
        self.batches += 1
        self.late_batches += late
        previous = self._last_remote
        for t in remote_times:
            if previous is not None and t > previous:
                self._periods.append(t - previous)
                self._count_gap(t - previous)
            previous = t
        self._last_remote = previous
        self.samples += len(remote_times)
        self._recent.append((remote_times[0], remote_times[-1], len(remote_times)))
        while len(self._recent) > 1 and self._recent[0][1] < remote_times[-1] - RATE_WINDOW_S:
            self._recent.popleft()

    def _count_gap(self, dt: float) -> None:
        """Samples missing between two stamps are lost; a hole of several periods is also a gap."""
        period = self.period
        if period:
            self.lost += max(0, round(dt / period) - 1)
            self.gaps += dt > GAP_PERIODS * period

    def count_lost(self, n: int) -> None:
        self.lost += n

    @property
    def silence_limit_s(self) -> float:
        typical = statistics.median(self._intervals) if self._intervals else 0.0
        return max(SILENCE_MIN_S, SILENCE_BATCHES * typical)

    def rate_hz(self) -> float:
        """Samples a second over the last few seconds of the remote clock."""
        if not self._recent:
            return 0.0
        span = self._recent[-1][1] - self._recent[0][0]
        count = sum(n for _, _, n in self._recent) - 1
        return count / span if span > 0 else 0.0

    def figures(self) -> StreamFigures:
        now = self._clock()
        silent = None if self._last_arrival is None else max(0.0, now - self._last_arrival)
        limit = self.silence_limit_s
        return StreamFigures(
            connected=silent is not None and silent < limit,
            rate_hz=self.rate_hz(),
            samples=self.samples,
            batches=self.batches,
            late_batches=self.late_batches,
            gaps=self.gaps,
            lost=self.lost,
            silent_s=silent,
            silence_limit_s=limit,
        )

    def transition(self, log: logging.Logger, what: str) -> StreamFigures:
        """The figures, logging once when the stream goes quiet and once when it is back."""
        f = self.figures()
        if f.connected != self._was_connected and f.silent_s is not None:
            if f.connected:
                log.info("%s: streaming, %.0f samples a second", what, f.rate_hz)
            else:
                log.warning("%s: nothing for %.0f s: lost (asleep, app stopped or off the network?)", what, f.silent_s)
        self._was_connected = f.connected
        return f


class LogThrottle:
    """Logs a kind of problem at most once a minute, with how many were left unsaid, so a flood
    of bad requests cannot fill the journal."""

    def __init__(self, log: logging.Logger, every_s: float = 60.0, clock: Callable[[], float] = time.monotonic):
        self._log = log
        self._every_s = every_s
        self._clock = clock
        self._next: dict[str, float] = {}
        self._unsaid: collections.Counter[str] = collections.Counter()

    def warning(self, kind: str, message: str, *args, exc_info: bool = False) -> bool:
        now = self._clock()
        if now < self._next.get(kind, float("-inf")):
            self._unsaid[kind] += 1
            return False
        unsaid = self._unsaid.pop(kind, 0)
        suffix = f" ({unsaid} more like it in the last minute)" if unsaid else ""
        self._log.warning(message + suffix, *args, exc_info=exc_info)
        self._next[kind] = now + self._every_s
        return True
