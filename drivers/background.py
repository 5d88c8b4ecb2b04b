"""A reader thread in front of a source, so the UI loop never waits on the bus."""

from __future__ import annotations

import collections
import logging
import threading
import time
from dataclasses import replace

from backstretch.errors import SensorError

from .sample import Health, Sample, SampleSource

_log = logging.getLogger(__name__)

REOPEN_S = 2.0


class BackgroundSource:
    """Polls `source` on its own thread into a bounded buffer; read() only drains the buffer.

    The poll rate follows the source (a chip with a FIFO needs few polls) unless one is given,
    on a fixed schedule: a slow poll does not push the next one back. Only the reader thread
    touches the inner source; the main thread gets samples and a frozen health snapshot, both
    handed over under the lock."""

    def __init__(self, source: SampleSource, poll_hz: float | None = None, buffer_seconds: float = 10.0):
        self.source = source
        self.rate_hz = source.rate_hz
        self._poll_hz = poll_hz
        self._buffer_seconds = buffer_seconds
        self._buffer: collections.deque[Sample] = collections.deque(maxlen=self._room(source.rate_hz))
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._overflowed = 0
        self._health = Health(last_error="starting")

    def _room(self, rate_hz: float) -> int:
        return max(1, int(rate_hz * self._buffer_seconds))

    def open(self) -> None:
        """Start reading; a bus that cannot be opened yet is retried by the reader, never raised here."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="sensor-reader", daemon=True)
        self._thread.start()

    def _open_source(self) -> bool:
        try:
            self.source.open()
        except SensorError as exc:
            if self._health.last_error != str(exc):
                _log.warning("sensor: %s", exc)
            self._publish(Health(connected=False, last_error=str(exc), model=self.source.health().model))
            return False
        with self._lock:
            self.rate_hz = self.source.rate_hz
            if self._room(self.rate_hz) > (self._buffer.maxlen or 0):
                self._buffer = collections.deque(self._buffer, maxlen=self._room(self.rate_hz))
        return True

    def _run(self) -> None:
        while not self._stop.is_set() and not self._open_source():
            self._stop.wait(REOPEN_S)
        next_poll = time.monotonic()
        while not self._stop.is_set():
            try:
                batch = self.source.read()
            except Exception:  # a driver bug must not kill the reader: log it and keep polling
                _log.exception("sensor read failed")
                batch = []
            self._publish(self.source.health(), batch)
            poll_hz = self._poll_hz or getattr(self.source, "poll_hz", None) or max(20.0, 2.0 * self.source.rate_hz)
            next_poll = max(next_poll + 1.0 / poll_hz, time.monotonic() - 1.0 / poll_hz)  # never a burst to catch up
            self._stop.wait(max(0.0, next_poll - time.monotonic()))

    def _publish(self, health: Health, batch: list[Sample] | None = None) -> None:
        with self._lock:
            if batch:
                room = (self._buffer.maxlen or 0) - len(self._buffer)
                self._overflowed += max(0, len(batch) - room)
                self._buffer.extend(batch)
            self._health = replace(health, dropped=health.dropped + self._overflowed)

    def read(self) -> list[Sample]:
        with self._lock:
            batch = list(self._buffer)
            self._buffer.clear()
        return batch

    def close(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=2.0)
        self.source.close()

    def health(self) -> Health:
        """The reader's latest snapshot (frozen, so it cannot change while the caller looks at it)."""
        with self._lock:
            return self._health
