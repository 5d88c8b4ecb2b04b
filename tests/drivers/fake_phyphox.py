"""A fake phone running phyphox's "Acceleration (with g)" with remote access on, on a loopback port.

It answers /config, /get (last value, or the values past a threshold on acc_time) and
/control?cmd=start|stop|clear like phyphox's web server, from rows of (t, ax, ay, az in g) that
become visible as its clock passes their time. Its experiment clock starts at 0 when it starts
measuring; `pause`, `clear` and `stop_answering` play what goes wrong on a real phone.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np

G = 9.80665


class FakePhyphox:
    def __init__(
        self, rows: np.ndarray, clock: Callable[[], float], measuring: bool = True, title="Acceleration (with g)"
    ):
        self.rows = rows
        self.clock = clock
        self.title = title
        self.session = "a1b2c3"
        self.started_at: float | None = clock() if measuring else None
        self.answering = True
        self.trickle_s = 0.0  # > 0: the answer goes out a byte at a time, this far apart
        self.requests: list[str] = []
        self.stop_trickling = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                fake.requests.append(self.path)
                if not fake.answering:
                    self.connection.close()
                    return
                status, doc = fake.answer(self.path)
                data = json.dumps(doc).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if not fake.trickle_s:
                    self.wfile.write(data)
                    return
                for i in range(len(data)):
                    self.wfile.write(data[i : i + 1])
                    self.wfile.flush()
                    if fake.stop_trickling.wait(fake.trickle_s):
                        return

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def visible(self) -> np.ndarray:
        if self.started_at is None:
            return self.rows[:0]
        return self.rows[self.rows[:, 0] <= self.clock() - self.started_at]

    def answer(self, path: str) -> tuple[int, dict]:
        url = urllib.parse.urlsplit(path)
        if url.path == "/config":
            names = ["accX", "accY", "accZ", "acc", "acc_time"] if "with g" in self.title else ["magX", "mag_time"]
            return 200, {"title": self.title, "buffers": [{"name": n, "size": 0} for n in names]}
        if url.path == "/control":
            cmd = urllib.parse.parse_qs(url.query).get("cmd", [""])[0]
            if cmd == "start" and self.started_at is None:
                self.started_at = self.clock()
            elif cmd == "clear":
                self.clear()
            return 200, {"result": True}
        if url.path == "/get":
            return 200, self.get(url.query)
        return 404, {}

    def get(self, query: str) -> dict:
        rows = self.visible()
        columns = {"accX": rows[:, 1] * G, "accY": rows[:, 2] * G, "accZ": rows[:, 3] * G, "acc_time": rows[:, 0]}
        out = {}
        for part in query.split("&"):
            name, _, spec = part.partition("=")
            if name not in columns:
                continue
            if not spec:  # no threshold: the newest value only; phyphox writes an empty buffer's as null
                values = columns[name][-1:] if len(rows) else [None]
            elif spec == "full":
                values = columns[name]
            else:
                threshold, _, ref = spec.partition("|")
                ref_column = columns[ref or name]
                values = columns[name][ref_column > float(threshold)]
            out[name] = {
                "size": 0,
                "updateMode": "partial",
                "buffer": [None if v is None else float(v) for v in values],
            }
        status = {"session": self.session, "measuring": self.started_at is not None, "timedRun": False, "countDown": 0}
        return {"buffer": out, "status": status}

    def clear(self) -> None:
        """The person pressed clear: a new session, its clock from zero, the rows played again from the start."""
        self.session = "d4e5f6"
        self.started_at = self.clock()

    def close(self) -> None:
        self.stop_trickling.set()
        self.server.shutdown()
        self.server.server_close()
