"""A phone running phyphox with remote access on: the kiosk polls its REST interface.

phyphox serves `GET /config` (the experiment, with its buffer names), `GET /get?BUF=T|TIMEBUF`
(only the values whose time is past T, so each poll reads what is new) and `GET /control?cmd=start`.
The experiment is "Acceleration (with g)": buffers accX, accY, accZ in m/s^2 on the time buffer
acc_time, in seconds since the experiment started. Those times are mapped onto the kiosk's clock
as the pushed phone's are (drivers/stream.py), and the same health is kept. The kiosk is the
client here, so it opens no port; the polls run on the reader thread (BackgroundSource), a new
connection each, which is what phyphox's small web server expects.
"""

from __future__ import annotations

import http.client
import json
import logging
import math
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable

from backstretch.errors import SensorError

from .sample import Health, Sample
from .sensorlogger import STANDARD_GRAVITY
from .stream import LATE_S, ClockMapper, LogThrottle, StreamMonitor

_log = logging.getLogger(__name__)

AXES = ("accX", "accY", "accZ")
TIME = "acc_time"
POLL_HZ = 10.0  # ten small requests a second: latency like a 100 ms push, little work for the phone
TIMEOUT_S = 1.0  # for each step: connecting, and each read of the answer
ANSWER_DEADLINE_S = 3.0  # for a whole answer: a server that trickles cannot hold the reader thread
MAX_RESPONSE_BYTES = 4 << 20
EXPERIMENT = "Acceleration (with g)"


def parse_url(url: str) -> str:
    """`http://host[:port]` -> the base URL; raises ValueError with what is allowed."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "http" or not parts.hostname or parts.path not in ("", "/") or parts.query:
        raise ValueError('must be the address phyphox shows under "Allow remote access", e.g. http://192.168.1.23:8080')
    try:
        parts.port  # noqa: B018 - a bad port raises here
    except ValueError:
        raise ValueError("the port must be a number from 1 to 65535") from None
    return f"http://{parts.netloc}"


class PhyphoxSource:
    """Samples (accelerometer only: phyphox's experiment has no gyro) polled from phyphox."""

    rate_hz = 100.0  # until measured
    poll_hz = POLL_HZ
    has_gyro = False

    def __init__(
        self,
        url: str,
        clock: Callable[[], float] = time.monotonic,
        timeout_s: float = TIMEOUT_S,
        deadline_s: float = ANSWER_DEADLINE_S,
    ):
        self.url = parse_url(url)
        self._clock = clock
        self._timeout_s = timeout_s
        self._deadline_s = deadline_s
        self.monitor = StreamMonitor(clock)
        self._mapper = ClockMapper()
        self._throttle = LogThrottle(_log, clock=clock)
        self._since: float | None = None  # the newest acc_time read
        self._session = ""
        self._last_local = float("-inf")
        self._problem = ""
        self._opened = False

    def open(self) -> None:
        """Check the experiment, start it if it is not measuring; unreachable raises (the reader retries)."""
        config = self._get("/config")
        names = {b.get("name") for b in config.get("buffers", []) if isinstance(b, dict)}
        if not {*AXES, TIME} <= names:
            title = config.get("title", "?")
            raise SensorError(f"phyphox at {self.url} runs {title!r}, not {EXPERIMENT!r}: open that experiment")
        status = self._get("/get").get("status", {})
        if isinstance(status, dict) and status.get("measuring") is False:
            self._get("/control?cmd=start")
            _log.info("phyphox: started the measurement at %s", self.url)
        self._opened = True
        _log.info("phyphox: polling %s (%s)", self.url, EXPERIMENT)

    def _get(self, path: str) -> dict:
        try:
            with urllib.request.urlopen(self.url + path, timeout=self._timeout_s) as response:
                data = self._body(response)
        except SensorError:
            raise
        except urllib.error.HTTPError as exc:
            raise SensorError(f"phyphox at {self.url} answered {exc.code} to {path.split('?')[0]}") from None
        except (OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise SensorError(
                f"phyphox not reachable at {self.url} ({reason}): is remote access on and the phone on this network?"
            ) from None
        except http.client.HTTPException as exc:  # not HTTP at all: a wrong port, or another program on it
            raise SensorError(
                f"{self.url} does not answer like phyphox ({type(exc).__name__}): check the address phyphox shows"
            ) from None
        if len(data) > MAX_RESPONSE_BYTES:
            raise SensorError(f"phyphox at {self.url} sent more than {MAX_RESPONSE_BYTES >> 20} MB in one answer")
        try:
            doc = json.loads(data, parse_constant=lambda name: None)
        except (ValueError, RecursionError):
            raise SensorError(f"phyphox at {self.url} sent something that is not JSON") from None
        if not isinstance(doc, dict):
            raise SensorError(f"phyphox at {self.url} sent JSON that is not an object")
        return doc

    def _body(self, response) -> bytes:
        """The answer, read in pieces under one deadline (real time: it bounds how long the reader waits)."""
        deadline = time.monotonic() + self._deadline_s
        chunks, size = [], 0
        while size <= MAX_RESPONSE_BYTES and (chunk := response.read1(1 << 16)):
            chunks.append(chunk)
            size += len(chunk)
            if time.monotonic() > deadline:
                raise SensorError(f"phyphox at {self.url} took over {self._deadline_s:g} s to answer")
        return b"".join(chunks)

    def _query(self) -> str:
        if self._since is None:  # the first poll asks for the newest value only: it sets where reading starts
            return "/get?" + "&".join((*AXES, TIME))
        since = repr(self._since)
        return "/get?" + "&".join([f"{axis}={since}|{TIME}" for axis in AXES] + [f"{TIME}={since}"])

    def read(self) -> list[Sample]:
        """One poll (on the reader thread): what phyphox measured since the last one."""
        if not self._opened:
            return []
        try:
            doc = self._get(self._query())
            arrival = self._clock()
            columns = self._columns(doc)
        except SensorError as exc:
            self._problem = str(exc)
            self._throttle.warning("poll", "phyphox: %s", exc)
            return []
        self._problem = ""
        found = doc.get("status")
        status: dict = found if isinstance(found, dict) else {}
        self._follow_session(str(status.get("session", "")), columns[TIME])
        if status.get("measuring") is False:
            self._problem = "phyphox is paused: press play in the app"
        if self._since is None:  # where reading starts: the newest time phyphox has (null while it has none)
            self._since = next((t for t in reversed(columns[TIME]) if math.isfinite(t)), None)
            return []
        return self._samples(columns, arrival)

    def _columns(self, doc: dict) -> dict[str, list[float]]:
        buffers = doc.get("buffer")
        if not isinstance(buffers, dict):
            raise SensorError("phyphox's answer has no buffers")
        columns = {}
        for name in (*AXES, TIME):
            entry = buffers.get(name)
            values = entry.get("buffer") if isinstance(entry, dict) else None
            if not isinstance(values, list):
                raise SensorError(f"phyphox's answer lacks the {name} buffer: open {EXPERIMENT!r}")
            columns[name] = [v if isinstance(v, int | float) and not isinstance(v, bool) else math.nan for v in values]
        if len({len(c) for c in columns.values()}) != 1:
            raise SensorError("phyphox's buffers differ in length")
        return columns

    def _follow_session(self, session: str, times: list[float]) -> None:
        """The experiment was cleared or restarted: its clock starts again from zero, read it all."""
        restarted = self._since is not None and bool(times) and times[0] < self._since - 1.0
        if session == self._session and not restarted:
            return
        if self._session:
            _log.info("phyphox: the experiment restarted")
            self._since = -math.inf
        self._session = session
        self._mapper.reset()
        self.monitor.new_session()

    def _samples(self, columns: dict[str, list[float]], arrival: float) -> list[Sample]:
        rows = [
            (t, x, y, z)
            for t, x, y, z in zip(columns[TIME], *(columns[a] for a in AXES), strict=True)
            if all(math.isfinite(v) for v in (t, x, y, z)) and t > (self._since or -math.inf)
        ]
        unusable = len(columns[TIME]) - len(rows)
        if not rows:
            self.monitor.count_lost(unusable)
            return []
        self._since = rows[-1][0]
        lateness = self._mapper.observe(rows[-1][0], arrival)
        self.monitor.batch([r[0] for r in rows], arrival, late=lateness > LATE_S)
        self.monitor.count_lost(unusable)
        samples = []
        for t, x, y, z in rows:
            local = max(self._mapper.to_local(t), self._last_local + 1e-6)
            self._last_local = local
            samples.append(Sample(local, x / STANDARD_GRAVITY, y / STANDARD_GRAVITY, z / STANDARD_GRAVITY))
        rate = self.monitor.rate_hz()
        if rate:
            self.rate_hz = rate
        return samples

    def close(self) -> None:
        self._opened = False

    def health(self) -> Health:
        f = self.monitor.transition(_log, "phyphox")
        if self._problem:
            error: str | None = self._problem
        elif f.silent_s is None:
            error = f"waiting for phyphox at {self.url}"
        elif not f.connected:
            error = f"nothing from phyphox for {f.silent_s:.0f} s: asleep, paused or off Wi-Fi?"
        else:
            error = None
        return Health(
            connected=f.connected and not self._problem,
            last_error=error,
            dropped=f.lost,
            model="phyphox",
            detail=f"phyphox at {self.url}, {f.rate_hz:.0f} Hz, {f.late_batches} late polls, {f.gaps} gaps",
        )
