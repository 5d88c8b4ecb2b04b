"""The systemd notify protocol, without systemd: a datagram socket stands in for it."""

import socket

import pytest

from backstretch.kiosk.notify import Notifier


class Recorder:
    """Stands in for every datagram socket, and remembers what anyone tried to send."""

    sent: list = []

    def __init__(self, *args):
        pass

    def sendto(self, data, address):
        self.sent.append((data, address))


@pytest.mark.parametrize("environ", [{}, {"NOTIFY_SOCKET": ""}, {"WATCHDOG_USEC": "2000000"}])
def test_nothing_is_sent_when_systemd_did_not_ask(monkeypatch, environ):
    monkeypatch.setattr(socket, "socket", Recorder)
    Recorder.sent = []
    n = Notifier(environ=environ, clock=lambda: 100.0)
    n.ready("up")
    n.alive()
    n.stopping()
    assert Recorder.sent == []


def test_a_vanished_systemd_socket_is_no_error():
    n = Notifier(environ={"NOTIFY_SOCKET": "/nonexistent/sock", "WATCHDOG_USEC": "2000000"})
    n.ready()
    n.alive()
    n.stopping()


def test_ready_once_and_watchdog_at_a_quarter_period(tmp_path):
    path = tmp_path / "notify"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(str(path))
    listener.settimeout(1)
    now = [0.0]
    n = Notifier(environ={"NOTIFY_SOCKET": str(path), "WATCHDOG_USEC": "4000000"}, clock=lambda: now[0])
    n.ready("up")
    n.ready("again")  # only once
    for step in range(40):  # 4 s of frames at 10 per second
        now[0] = step * 0.1
        n.alive()
    got = []
    listener.setblocking(False)
    while True:
        try:
            got.append(listener.recv(100).decode())
        except BlockingIOError:
            break
    assert got[0] == "READY=1\nSTATUS=up" and got.count("READY=1\nSTATUS=up") == 1
    assert got.count("WATCHDOG=1") == 4  # at 0, 1, 2 and 3 s: a quarter of the 4 s period
