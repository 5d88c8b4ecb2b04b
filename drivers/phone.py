"""A phone as the sensor: the kiosk receives the Sensor Logger app's HTTP pushes over the local network.

The listener exists only while this source is open (`[sensor] driver = "phone"`). It answers
`POST /push/<token>` and nothing else; the token is compared in constant time. Every request is
bounded before it is read: a cap on concurrent connections, a request rate per address, a size
cap announced by Content-Length, a deadline for the whole request and an idle timeout, then caps
on JSON depth and entries. What is refused is counted and logged at most once a minute. The
samples go nowhere but the queue that `read()` drains.

One phone at a time: while one streams, a second is answered 409 and the screen says so; when
the first has been silent long enough to count as lost, the next phone may take over.
"""

from __future__ import annotations

import collections
import contextlib
import errno
import hmac
import ipaddress
import logging
import secrets
import socket
import socketserver
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np

from .sample import Health, Sample
from .sensorlogger import Merger, PushRefused, parse_push
from .stream import CLOCK_STEP_S, LATE_S, ClockMapper, LogThrottle, StreamFigures, StreamMonitor

_log = logging.getLogger(__name__)

TOKEN_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: it is typed into a phone by hand
TOKEN_LENGTH = 8
NOMINAL_RATE_HZ = 100.0  # what is assumed until the phone has shown its rate
REBIND_S = 5.0
ADDRESS_REFRESH_S = 10.0
PUSH_PATH = "/push/"
NO_ACCEL_S = 3.0
NO_ACCEL = "the phone pushes, but no acceleration: turn on Accelerometer and Gravity in Sensor Logger"


@dataclass(frozen=True)
class PushLimits:
    """How much the receiver accepts; generous for a phone streaming three sensors at 200 Hz."""

    max_body_bytes: int = 1 << 20
    max_depth: int = 8
    max_entries: int = 10_000
    request_deadline_s: float = 10.0  # a request (headers and body) must be complete within this
    idle_timeout_s: float = 5.0  # a connection that sends nothing for this long is closed
    max_connections: int = 8
    max_per_address: int = 3  # one machine on the network cannot take every slot and lock the phone out
    requests_per_s: float = 20.0  # per client address, with a burst of twice as many
    queue_seconds: float = 10.0  # samples kept for read() at 200 Hz; beyond, the oldest are lost and counted


def new_token() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def parse_listen(listen: str) -> tuple[str, int]:
    """`host:port` or `[v6]:port` -> (host, port); raises ValueError with what is allowed."""
    host, sep, port = listen.rpartition(":")
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:  # 0: any free port (tests)
        raise ValueError("must be host:port, e.g. 0.0.0.0:8765")
    ipaddress.ip_address(host)  # a literal address: no name lookup at start-up
    return host, int(port)


def lan_address(host: str) -> str:
    """The address a phone on the same network should use to reach a listener on `host`."""
    if host not in ("0.0.0.0", "::"):
        return host
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # a documentation address: nothing is sent, it only picks a route
            return probe.getsockname()[0]
    except OSError:
        return socket.gethostname() + ".local"


@dataclass(frozen=True)
class PhoneStatus:
    """What the pairing screen and `doctor` show about the phone."""

    url: str
    token: str
    listening: bool
    problem: str = ""  # why the listener is not up, or why pushes cannot be used
    device: str = ""  # the phone streaming now (or last)
    accel_from: str = ""
    has_gyro: bool = False
    figures: StreamFigures = StreamFigures()
    refused_device: str = ""  # a second phone that was turned away
    refused_device_ago_s: float | None = None
    refused: dict[str, int] = field(default_factory=dict)  # requests refused, by reason
    wrong_token_ago_s: float | None = None  # since the last push with a wrong token

    @property
    def streaming(self) -> bool:
        return self.figures.connected


class PushReceiver:
    """Everything after the transport: checks a body, keeps to one phone, maps its clock, queues samples.

    Thread-safe: the HTTP server calls `accept` from its connection threads, the kiosk `drain`s."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, limits: PushLimits = PushLimits()):
        self._clock = clock
        self.limits = limits
        self._lock = threading.Lock()
        self._capacity = int(200 * limits.queue_seconds)
        self._queue: collections.deque[Sample] = collections.deque(maxlen=self._capacity)
        self.monitor = StreamMonitor(clock)
        self._mapper = ClockMapper()
        self._merger = Merger()
        self.refused: collections.Counter[str] = collections.Counter()
        self.throttle = LogThrottle(_log, clock=clock)
        self.device = self.session = ""
        self._last_message = -1
        self._last_phone_t = float("-inf")  # newest phone stamp delivered
        self._last_local_t = float("-inf")
        self.has_gyro = False
        self.problem = ""
        self.refused_device = ""
        self._refused_device_at: float | None = None
        self._no_accel_since: float | None = None
        self._wrong_token_at: float | None = None  # a phone still pushing to the URL of an earlier start

    def refuse(self, kind: str, message: str, peer: str = "") -> None:
        """Count a refused request and log it, once a minute per reason."""
        with self._lock:
            self.refused[kind] += 1
            if kind == "wrong_token":
                self._wrong_token_at = self._clock()
        self.throttle.warning(kind, "phone: refused a request%s: %s", f" from {peer}" if peer else "", message)

    def accept(self, body: bytes, peer: str = "") -> tuple[int, str]:
        """One push body -> (HTTP status, short answer)."""
        arrival = self._clock()
        try:
            push = parse_push(body, self.limits.max_depth, self.limits.max_entries)
            with self._lock:
                delivered = self._take(push, arrival)
        except PushRefused as exc:
            self.refuse(exc.kind, str(exc), peer)
            if exc.kind == "no_gravity":
                self.problem = str(exc)
            return exc.status, str(exc)
        return 200, f"ok: {delivered} samples"

    def _take(self, push, arrival: float) -> int:
        if push.device_id != self.device:
            if self.device and self.monitor.figures().connected:
                self._refused_device_at = arrival
                self.refused_device = push.device_id
                raise PushRefused(
                    "second_device", "another phone is already streaming to this kiosk: one phone at a time", 409
                )
            _log.info("phone: %s is now the sensor", push.device_id)
            self.device = push.device_id
            self._new_session(push.session_id)
        elif push.session_id != self.session:
            _log.info("phone: a new recording (session %s)", push.session_id)
            self._new_session(push.session_id)
        rows = self._merger.merge(push.streams)
        if not len(rows):
            self._without_acceleration(arrival)
            return 0
        self.problem = ""
        self._no_accel_since = None
        newest = float(rows[-1, 0])
        if push.message_id > self._last_message and rows[0, 0] < self._last_phone_t - CLOCK_STEP_S:
            _log.warning("phone: its clock went back %.1f s; timing follows it", self._last_phone_t - rows[0, 0])
            self._mapper.reset()
            self._last_phone_t = float("-inf")
            self.monitor.new_session()
        self._last_message = max(self._last_message, push.message_id)
        lateness = self._mapper.observe(newest, arrival)
        fresh = rows[rows[:, 0] > self._last_phone_t]  # older stamps came after newer ones: their hole was counted
        self.monitor.batch(fresh[:, 0].tolist(), arrival, late=lateness > LATE_S)
        if not len(fresh):
            return 0
        self._last_phone_t = float(fresh[-1, 0])
        self.has_gyro = bool(np.isfinite(fresh[:, 4]).all())
        return self._queue_rows(fresh)

    def _without_acceleration(self, arrival: float) -> None:
        """Pushes with none of the acceleration sensors: after a few seconds of them the screen says what to turn
        on, instead of "waiting for a phone" while one is pushing (a single such batch can be a timing accident)."""
        if self._no_accel_since is None:
            self._no_accel_since = arrival
        elif arrival - self._no_accel_since >= NO_ACCEL_S:
            self.problem = NO_ACCEL

    def _queue_rows(self, rows) -> int:
        offset = self._mapper.offset
        room = self._capacity - len(self._queue)
        self.monitor.count_lost(max(0, len(rows) - room))
        for row in rows.tolist():
            t = max(row[0] + offset, self._last_local_t + 1e-6)  # the offset estimate may step back a little
            self._last_local_t = t
            if row[4] != row[4]:  # no gyro reading near this stamp
                self._queue.append(Sample(t, row[1], row[2], row[3]))
            else:
                self._queue.append(Sample(t, *row[1:7]))
        return len(rows)

    def _new_session(self, session: str) -> None:
        self.session = session
        self._mapper.reset()
        self._merger = Merger()
        self._last_message = -1
        self._last_phone_t = float("-inf")
        self.monitor.new_session()

    def drain(self) -> list[Sample]:
        with self._lock:
            batch = list(self._queue)
            self._queue.clear()
        return batch

    def status(self, url: str, token: str, listening: bool, problem: str) -> PhoneStatus:
        with self._lock:
            figures = self.monitor.transition(_log, "phone")
            now = self._clock()
            ago = None if self._refused_device_at is None else now - self._refused_device_at
            wrong = None if self._wrong_token_at is None else now - self._wrong_token_at
            return PhoneStatus(
                url=url,
                token=token,
                listening=listening,
                problem=problem or self.problem,
                device=self.device,
                accel_from=self._merger.accel_from,
                has_gyro=self.has_gyro,
                figures=figures,
                refused_device=self.refused_device,
                refused_device_ago_s=ago,
                refused=dict(self.refused),
                wrong_token_ago_s=wrong,
            )


class _Bucket:
    """A token bucket: `rate` requests a second on average, bursts of twice that."""

    def __init__(self, rate: float, now: float):
        self.rate, self.level, self.at = rate, 2 * rate, now

    def take(self, now: float) -> bool:
        self.level = min(2 * self.rate, self.level + (now - self.at) * self.rate)
        self.at = now
        if self.level < 1:
            return False
        self.level -= 1
        return True


class PushServer(ThreadingHTTPServer):
    """The HTTP side: a thread per connection, at most `max_connections`, each request under a deadline."""

    daemon_threads = True
    block_on_close = False
    request_queue_size = 16

    def __init__(self, address: tuple[str, int], receiver: PushReceiver, token: str):
        self.receiver = receiver
        self.token = token
        self.limits = receiver.limits
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self._slots = threading.BoundedSemaphore(self.limits.max_connections)
        self._per_address: collections.Counter[str] = collections.Counter()
        self._buckets: collections.OrderedDict[str, _Bucket] = collections.OrderedDict()
        self._deadlines: dict[socket.socket, float] = {}
        self._reaped: set[socket.socket] = set()
        self._guard = threading.Lock()
        self._stop = threading.Event()
        super().__init__(address, _PushHandler)
        self._reaper = threading.Thread(target=self._reap, name="phone-deadlines", daemon=True)
        self._reaper.start()

    # -- connection cap and deadlines -----------------------------------------------------------
    def process_request(self, request, client_address):
        peer = client_address[0]
        with self._guard:
            mine = self._per_address[peer] < self.limits.max_per_address
            if mine:
                self._per_address[peer] += 1
        if not mine or not self._slots.acquire(blocking=False):
            if mine:
                self._leave(peer)
            self.receiver.refuse("busy", "too many connections at once", peer)
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._guard:
                self._deadlines.pop(request, None)
                self._reaped.discard(request)
            self._leave(client_address[0])
            self._slots.release()

    def _leave(self, peer: str) -> None:
        with self._guard:
            self._per_address[peer] -= 1
            if not self._per_address[peer]:
                del self._per_address[peer]

    def arm(self, sock: socket.socket) -> None:
        with self._guard:
            self._deadlines[sock] = time.monotonic() + self.limits.request_deadline_s

    def disarm(self, sock: socket.socket) -> None:
        with self._guard:
            self._deadlines.pop(sock, None)

    def _reap(self) -> None:
        """Cut requests that outlive their deadline: a client sending a byte a second cannot hold a slot."""
        while not self._stop.wait(0.25):
            now = time.monotonic()
            with self._guard:
                expired = [s for s, deadline in self._deadlines.items() if deadline < now]
                for s in expired:
                    del self._deadlines[s]
                    self._reaped.add(s)
            for s in expired:
                self.receiver.refuse("slow_client", "request not complete within its deadline")
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def reaped(self, sock: socket.socket) -> bool:
        with self._guard:
            return sock in self._reaped

    def allow(self, peer: str) -> bool:
        now = time.monotonic()
        with self._guard:
            bucket = self._buckets.pop(peer, None) or _Bucket(self.limits.requests_per_s, now)
            self._buckets[peer] = bucket
            while len(self._buckets) > 256:
                self._buckets.popitem(last=False)
            return bucket.take(now)

    def server_bind(self) -> None:
        """As HTTPServer's, without its reverse name lookup of the address (slow, or stuck, offline)."""
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def server_close(self) -> None:
        self._stop.set()
        super().server_close()


class _PushHandler(BaseHTTPRequestHandler):
    server: PushServer
    protocol_version = "HTTP/1.1"  # the app keeps its connection open between pushes
    disable_nagle_algorithm = True  # the answer's head and body in separate writes would wait on a delayed ACK
    server_version = "backstretch"
    sys_version = ""
    error_message_format = "%(code)d %(message)s\n"  # http.server's own refusals: short text, no HTML
    error_content_type = "text/plain; charset=utf-8"

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.limits.idle_timeout_s)

    def handle_one_request(self) -> None:
        self.server.arm(self.connection)
        try:
            super().handle_one_request()
        except OSError:  # cut by the deadline, or the client went away
            self.close_connection = True
        finally:
            self.server.disarm(self.connection)
        if self.server.reaped(self.connection):
            self.close_connection = True

    @property
    def _peer(self) -> str:
        return self.client_address[0]

    def do_POST(self) -> None:
        peer = self.client_address[0]
        if not self.server.allow(peer):
            return self._refuse(429, "rate_limited", "too many requests: slow down")
        if not self.path.startswith(PUSH_PATH):
            return self._refuse(404, "wrong_path", f"unknown path {self.path[:40]!r}")
        given = self.path[len(PUSH_PATH) :].rstrip("/")
        if not hmac.compare_digest(given.encode("utf-8", "replace"), self.server.token.encode()):
            return self._refuse(403, "wrong_token", "wrong token: use the URL on the kiosk's screen")
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._refuse(411, "no_length", "send a Content-Length, not a chunked body")
        length = self.headers.get("Content-Length", "")
        if not length.isdigit():
            return self._refuse(411, "no_length", "a Content-Length is needed")
        if int(length) > self.server.limits.max_body_bytes:
            return self._refuse(
                413, "too_large", f"body of {length} bytes; at most {self.server.limits.max_body_bytes}"
            )
        body = self.rfile.read(int(length))
        if len(body) < int(length):  # cut by the deadline (counted there) or the client gave up
            self.close_connection = True
            if not self.server.reaped(self.connection):
                self.server.receiver.refuse("incomplete", "the body stopped short of its Content-Length", peer)
            return
        status, answer = self.server.receiver.accept(body, peer)
        self._answer(status, answer, close=False)

    def _refuse(self, status: int, kind: str, message: str) -> None:
        """Answer without reading the body, and close: what is left unread is never parsed."""
        self.server.receiver.refuse(kind, message, self.client_address[0])
        self._answer(status, message, close=True)

    def _answer(self, status: int, text: str, close: bool) -> None:
        data = (text + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(data)

    def _not_allowed(self) -> None:
        self._refuse(405, "wrong_method", f"{self.command} is not accepted; the app POSTs")

    do_GET = do_PUT = do_DELETE = do_HEAD = do_OPTIONS = do_PATCH = _not_allowed

    def log_error(self, format: str, *args) -> None:
        """http.server's own complaints: a malformed request line or headers (counted), or a keep-alive
        connection that stayed idle (not a fault) or was cut by the deadline (counted once, above)."""
        if format.startswith("Request timed out") or self.server.reaped(self.connection):
            return
        self.server.receiver.refuse("malformed", format % args, self._peer)

    def log_message(self, format: str, *args) -> None:  # no line per request
        pass


class PhoneSource:
    """A SampleSource fed by the phone's pushes. read() only drains a queue: it never waits on the network."""

    def __init__(
        self,
        listen: str = "0.0.0.0:8765",
        token: str = "",
        clock: Callable[[], float] = time.monotonic,
        limits: PushLimits = PushLimits(),
    ):
        self.host, self.port = parse_listen(listen)
        self.token = token or new_token()
        self.rate_hz = NOMINAL_RATE_HZ
        self._clock = clock
        self.receiver = PushReceiver(clock, limits)
        self._server: PushServer | None = None
        self._thread: threading.Thread | None = None
        self._bind_error = ""
        self.port_taken = False  # another program (or the running kiosk) holds the port
        self._retry_at = 0.0
        self._address, self._address_at = "", float("-inf")

    @property
    def url(self) -> str:
        now = self._clock()
        if now >= self._address_at:  # the network's address can change (DHCP): look again now and then
            self._address, self._address_at = lan_address(self.host), now + ADDRESS_REFRESH_S
        host = self._address
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}{PUSH_PATH}{self.token}"

    @property
    def has_gyro(self) -> bool:
        return self.receiver.has_gyro

    def open(self) -> None:
        """Start listening; a port that cannot be had yet is retried from read(), never raised here."""
        self._listen()

    def _listen(self) -> bool:
        try:
            self._server = PushServer((self.host, self.port), self.receiver, self.token)
        except OSError as exc:
            self.port_taken = exc.errno == errno.EADDRINUSE
            message = f"cannot listen on {self.host}:{self.port}: {exc.strerror or exc}"
            if message != self._bind_error:
                _log.warning("phone: %s", message)
            self._bind_error = message
            self._retry_at = self._clock() + REBIND_S
            return False
        self._bind_error = ""
        self.port_taken = False
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.2,), name="phone-push", daemon=True)
        self._thread.start()
        _log.info("phone: listening; Sensor Logger's HTTP push URL is %s", self.url)
        return True

    def read(self) -> list[Sample]:
        if self._server is None and self._bind_error and self._clock() >= self._retry_at:
            self._listen()
        batch = self.receiver.drain()
        rate = self.receiver.monitor.rate_hz()
        if rate:
            self.rate_hz = rate
        return batch

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=2.0)

    def status(self) -> PhoneStatus:
        return self.receiver.status(self.url, self.token, self._server is not None, self._bind_error)

    def health(self) -> Health:
        s = self.status()
        f = s.figures
        if s.problem:
            error = s.problem
        elif f.silent_s is None:
            error = f"waiting for a phone: in Sensor Logger, push to {s.url}"
        elif not f.connected:
            error = f"no data from the phone for {f.silent_s:.0f} s: asleep, app stopped or off Wi-Fi?"
        else:
            error = None
        detail = (
            f"phone (Sensor Logger) {f.rate_hz:.0f} Hz, {f.late_batches} late batches, {f.gaps} gaps"
            if f.batches
            else f"phone (Sensor Logger) at {s.url}"
        )
        return Health(
            connected=f.connected and not s.problem, last_error=error, dropped=f.lost, model="phone", detail=detail
        )
