"""A reader thread in front of a source, so the UI loop never waits on the bus."""

from __future__ import annotations

import collections
import logging
import threading

from .errors import SensorError
from .sample import Health, Sample, SampleSource

_log = logging.getLogger(__name__)

REOPEN_S = 2.0


class BackgroundSource:
    """Polls `source` on its own thread into a bounded buffer; read() only drains the buffer.

    The poll rate follows the source (a chip with a FIFO needs few polls) unless one is given."""

    def __init__(self, source: SampleSource, poll_hz: float | None = None, buffer_seconds: float = 10.0):
        self.source = source
        self.rate_hz = source.rate_hz
        self._poll_hz = poll_hz
        self._buffer: collections.deque[Sample] = collections.deque(maxlen=int(source.rate_hz * buffer_seconds))
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._overflowed = 0
        self._open_error = ""

    def open(self) -> None:
        """Start reading; a bus that cannot be opened yet is retried by the reader, never raised here."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="sensor-reader", daemon=True)
        self._thread.start()

    def _open_source(self) -> bool:
        try:
            self.source.open()
        except SensorError as exc:
            if str(exc) != self._open_error:
                _log.warning("sensor: %s", exc)
            self._open_error = str(exc)
            return False
        self._open_error = ""
        self.rate_hz = self.source.rate_hz
        return True

    def _run(self) -> None:
        while not self._stop.is_set() and not self._open_source():
            self._stop.wait(REOPEN_S)
        while not self._stop.is_set():
            try:
                batch = self.source.read()
            except Exception:  # a driver bug must not kill the reader: log it and keep polling
                _log.exception("sensor read failed")
                batch = []
            poll_hz = self._poll_hz or getattr(self.source, "poll_hz", None) or max(20.0, 2.0 * self.source.rate_hz)
            if batch:
                with self._lock:
                    room = self._buffer.maxlen - len(self._buffer)
                    self._overflowed += max(0, len(batch) - room)
                    self._buffer.extend(batch)
            self._stop.wait(1.0 / poll_hz)

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
        if self._open_error:
            return Health(connected=False, last_error=self._open_error)
        health = self.source.health()
        health.dropped += self._overflowed
        self._overflowed = 0
        return health
