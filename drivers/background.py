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
        except Exception as exc:  # a setup problem, or a driver bug: said, and tried again
            error = str(exc) if isinstance(exc, SensorError | OSError) else f"sensor driver failed: {_describe(exc)}"
            if self._health.last_error != error:
                _log.warning("sensor: %s", error, exc_info=not isinstance(exc, SensorError))
            self._publish(Health(connected=False, last_error=error, model=self.source.health().model))
            return False
        with self._lock:
            self.rate_hz = self.source.rate_hz
            if self._room(self.rate_hz) > (self._buffer.maxlen or 0):
                self._buffer = collections.deque(self._buffer, maxlen=self._room(self.rate_hz))
        return True

    def _run(self) -> None:
        try:
            while not self._stop.is_set() and not self._open_source():
                self._stop.wait(REOPEN_S)
            self._poll_forever()
        except BaseException as exc:  # whatever ends the reader, the screen must not go on showing a live sensor
            _log.exception("sensor reader stopped")
            stopped = f"sensor reader stopped: {_describe(exc)}"
            with self._lock:
                self._health = replace(self._health, connected=False, last_error=stopped)

    def _poll_forever(self) -> None:
        next_poll = time.monotonic()
        failing = ""  # the driver error being repeated, logged with its traceback only the first time
        health = self._health  # what the screen shows until the source has said something
        while not self._stop.is_set():
            try:
                batch = self.source.read()
                health = self.source.health()
            except Exception as exc:  # a driver bug must not kill the reader, nor pass for a working sensor
                if _describe(exc) != failing:
                    _log.exception("sensor read failed (logged once while it repeats)")
                failing = _describe(exc)
                batch, health = [], replace(health, connected=False, last_error=f"sensor driver failed: {failing}")
            else:
                if failing:
                    _log.info("sensor read works again after: %s", failing)
                failing = ""
            self._publish(health, batch)
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


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:200]
