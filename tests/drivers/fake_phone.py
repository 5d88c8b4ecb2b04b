"""A fake phone running Sensor Logger: posts samples in the app's push format over a real socket.

It takes rows of (t s, ax, ay, az g, gx, gy, gz deg/s) as an IMU would give them and sends what
the app sends (written by the simulator's phone: Android's `totalacceleration` or the iPhone's
`accelerometer` plus `gravity`, in m/s^2 and rad/s, stamped in UTC epoch nanoseconds by a phone
clock that is not the kiosk's). `play` paces the
batches in real time (optionally on a sped-up clock shared with the receiver) with jitter, and
holds some batches back so they arrive late, in a burst with the next one.
"""

from __future__ import annotations

import http.client
import itertools
import threading
import time
from collections.abc import Callable

import numpy as np

from backstretch.kiosk.simulator.phone import payload_entries, push_body


class FakePhone:
    """One phone, one keep-alive connection, like the app."""

    def __init__(
        self,
        port: int,
        token: str,
        device: str = "phone-1",
        session: str = "session-1",
        style: str = "android",
        host: str = "127.0.0.1",
        source: str | None = None,  # the address it posts from (another loopback address is another machine)
    ):
        self.port, self.token, self.host = port, token, host
        self.source = (source, 0) if source else None
        self.device, self.session, self.style = device, session, style
        self.message_id = 0
        self.answers: list[int] = []
        self._conn: http.client.HTTPConnection | None = None

    def post(self, body: bytes, path: str | None = None) -> tuple[int, str]:
        for attempt in (1, 2):  # the server may have closed an idle keep-alive connection
            try:
                if self._conn is None:
                    self._conn = http.client.HTTPConnection(
                        self.host, self.port, timeout=10, source_address=self.source
                    )
                self._conn.request("POST", path or f"/push/{self.token}", body, {"Content-Type": "application/json"})
                response = self._conn.getresponse()
                text = response.read().decode()
                if response.getheader("Connection", "").lower() == "close":
                    self.close()
                self.answers.append(response.status)
                return response.status, text
            except (ConnectionError, http.client.HTTPException):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def send(self, rows: np.ndarray) -> tuple[int, str]:
        body = push_body(payload_entries(rows, self.style), self.message_id, self.device, self.session)
        self.message_id += 1
        return self.post(body)

    def play(
        self,
        rows: np.ndarray,
        clock: Callable[[], float],
        speed: float = 1.0,
        batch_s: float = 0.5,
        jitter_s: float = 0.1,
        late_every: int = 6,
        late_s: float = 1.6,
        seed: int = 0,
        stop: threading.Event | None = None,
    ) -> int:
        """Send rows batch by batch as their time comes on `clock` (t = 0 is when play starts).

        Each batch leaves at the end of its period plus a random delay; every `late_every`-th is held
        back `late_s` more, and, as the app sends one push after another, the ones behind it wait and
        then leave in a burst. Returns the number of batches sent."""
        rng = np.random.default_rng(seed)
        stop = stop or threading.Event()
        start = clock()
        t0 = rows[0, 0]
        edges = np.arange(t0, rows[-1, 0] + batch_s, batch_s)
        leave = start
        sent = 0
        for i, (lo, hi) in enumerate(itertools.pairwise(edges)):
            batch = rows[(rows[:, 0] >= lo) & (rows[:, 0] < hi)]
            delay = abs(rng.normal(0.0, jitter_s)) + (late_s if late_every and i % late_every == late_every - 1 else 0)
            leave = max(leave, start + hi - t0 + delay)
            _wait_until(clock, leave, speed, stop)
            if stop.is_set():
                break
            if len(batch):
                self.send(batch)
                sent += 1
        return sent

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _wait_until(clock: Callable[[], float], when: float, speed: float, stop: threading.Event) -> None:
    """Pace like the phone does: wait (in real time) until `clock` reaches `when`."""
    while not stop.is_set():
        left = when - clock()
        if left <= 0:
            return
        stop.wait(left / speed)


def scaled_clock(speed: float) -> Callable[[], float]:
    """A monotonic clock running `speed` times faster, shared by the phone and the receiver."""
    base = time.monotonic()
    return lambda: base + (time.monotonic() - base) * speed
