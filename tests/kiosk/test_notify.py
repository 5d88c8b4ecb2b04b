"""The systemd notify protocol, without systemd: a datagram socket stands in for it."""

import socket

from backstretch.kiosk.notify import Notifier


def test_nothing_is_sent_when_systemd_did_not_ask():
    from backstretch.kiosk.notify import Notifier

    n = Notifier(environ={})
    assert n._sock is None and n.interval is None
    n.ready()
    n.alive()  # no socket, no error
    with_watchdog = Notifier(environ={"NOTIFY_SOCKET": "/nonexistent/sock", "WATCHDOG_USEC": "2000000"})
    assert with_watchdog.interval == 0.5
    with_watchdog.ready()  # the socket is gone: still no error


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
