"""The virtual person carries a phone running Sensor Logger instead of wearing the clip.

`simulate --sensor phone` plays the whole kiosk through its real phone receiver: the mock sensor
measures the body as a phone in a waistband clip would (portrait, screen out, over the belly,
so the phone's axes are the body's: x right, y to the head, z out of the belly), and a thread
posts what it measured in the app's push format to the kiosk's own listener on loopback, a
batch every `interval_s` of wall time. Pulling the virtual cable puts the phone to sleep.
The tests' fake phone writes its pushes with the same functions.
"""

from __future__ import annotations

import http.client
import json
import logging
import threading
import urllib.parse
from collections.abc import Callable, Iterable

import numpy as np

from backstretch.drivers.sample import Sample
from backstretch.drivers.sensorlogger import GRAVITY, GYRO, LINEAR, STANDARD_GRAVITY, TOTAL

from .mock import MockSource

_log = logging.getLogger(__name__)

PHONE_ON_BELLY = np.eye(3)  # sensor-to-body rotation of a phone clipped portrait, screen out, over the belly
PHONE_EPOCH_NS = 1_700_000_000_000_000_000  # the phone's own clock: nothing to do with the kiosk's
ANDROID_GYRO_LAG_NS = 3_000_000  # on Android each sensor keeps its own stamps


def payload_entries(rows: Iterable, style: str = "android", epoch_ns: int = PHONE_EPOCH_NS) -> list[dict]:
    """Sensor Logger's payload entries for rows of (t s, ax, ay, az g, gx, gy, gz deg/s).

    Android style sends `totalacceleration`; iPhone style `accelerometer` (without gravity) and
    `gravity`, with "Standardise Units & Frames" on, so both share the Android axes."""
    entries = []
    for row in rows:
        t_ns = epoch_ns + round(row[0] * 1e9)
        accel = np.asarray(row[1:4], dtype=float) * STANDARD_GRAVITY
        if style == "android":
            entries.append({"name": TOTAL, "time": t_ns, "values": _xyz(accel), "accuracy": 3})
        else:
            gravity = accel / max(float(np.linalg.norm(accel)), 1e-9) * STANDARD_GRAVITY  # the phone's fused estimate
            entries.append({"name": LINEAR, "time": t_ns, "values": _xyz(accel - gravity)})
            entries.append({"name": GRAVITY, "time": t_ns, "values": _xyz(gravity)})
        if len(row) > 4 and row[4] is not None and np.isfinite(row[4]):
            gyro_ns = t_ns + (ANDROID_GYRO_LAG_NS if style == "android" else 0)
            entries.append({"name": GYRO, "time": gyro_ns, "values": _xyz(np.radians(np.asarray(row[4:7], float)))})
    return entries


def _xyz(v) -> dict:
    return {"x": float(v[0]), "y": float(v[1]), "z": float(v[2])}


def push_body(entries: list[dict], message_id: int = 0, device: str = "phone-1", session: str = "session-1") -> bytes:
    return json.dumps({"messageId": message_id, "sessionId": session, "deviceId": device, "payload": entries}).encode()


class SimulatedPhone:
    """A SimulatedSource for the simulator's keys, and the thread that pushes the mock sensor's samples."""

    def __init__(self, mock: MockSource, url: Callable[[], str], interval_s: float = 0.1, style: str = "android"):
        self.mock = mock
        self._url = url  # asked when the phone starts: the receiver's port is known once it listens
        self.interval_s = interval_s
        self.style = style
        self._message = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="simulated-phone", daemon=True)
        self._conn: http.client.HTTPConnection | None = None

    # the simulator's keys act on these, as on the mock sensor
    def body_time(self) -> float:
        return self.mock.body_time()

    def plug(self, connected: bool) -> None:
        self.mock.plug(connected)

    @property
    def plugged(self) -> bool:
        return self.mock.plugged

    def connect(self) -> None:
        """Point the phone at the receiver (listening by now) and start measuring."""
        parts = urllib.parse.urlsplit(self._url())
        self._host, self._port, self._path = parts.hostname or "127.0.0.1", parts.port or 80, parts.path
        self.mock.open()

    def start(self) -> None:
        """Connect, then push a batch every `interval_s` on a thread of its own."""
        self.connect()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=2.0)
        if self._conn is not None:
            self._conn.close()

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            samples = self.mock.read()  # nothing while the phone "sleeps" (the cable key)
            if samples:
                self.send(samples)

    def send(self, samples: list[Sample]) -> int:
        """One push; the phone stamps with its own clock (the mock's times on the phone's epoch)."""
        body = push_body(payload_entries(samples, self.style), self._message)
        self._message += 1
        try:
            if self._conn is None:
                self._conn = http.client.HTTPConnection(self._host, self._port, timeout=5)
            self._conn.request("POST", self._path, body, {"Content-Type": "application/json"})
            response = self._conn.getresponse()
            response.read()
            return response.status
        except (OSError, http.client.HTTPException) as exc:
            _log.warning("simulated phone: push failed: %s", exc)
            if self._conn is not None:
                self._conn.close()
            self._conn = None
            return 0
