"""systemd's notify protocol without a library: READY=1 once, then WATCHDOG=1 well inside the period.

Nothing is sent unless systemd asked for it by setting NOTIFY_SOCKET (and WATCHDOG_USEC).
"""

from __future__ import annotations

import contextlib
import os
import socket


class Notifier:
    def __init__(self, environ=os.environ, clock=None):
        import time

        self.clock = clock or time.monotonic
        self.address = environ.get("NOTIFY_SOCKET") or None
        if self.address and self.address.startswith("@"):  # an abstract socket
            self.address = "\0" + self.address[1:]
        usec = environ.get("WATCHDOG_USEC")
        # every quarter period, so the gap stays inside half the period even on a slow frame
        self.interval = int(usec) / 4e6 if usec and usec.isdigit() and int(usec) > 0 else None
        self._last = float("-inf")
        self._ready = False
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) if self.address else None

    def send(self, message: str) -> None:
        if self._sock is None:
            return
        with contextlib.suppress(OSError):  # systemd gone (shutting down): nothing to tell
            self._sock.sendto(message.encode(), self.address)

    def ready(self, status: str = "") -> None:
        """After the first frame is on the screen."""
        if not self._ready:
            self._ready = True
            self.send("READY=1" + (f"\nSTATUS={status}" if status else ""))

    def alive(self) -> None:
        """Called from the main loop every frame; pings the watchdog at half its period."""
        if self.interval is None:
            return
        now = self.clock()
        if now - self._last >= self.interval:
            self._last = now
            self.send("WATCHDOG=1")

    def stopping(self) -> None:
        self.send("STOPPING=1")
