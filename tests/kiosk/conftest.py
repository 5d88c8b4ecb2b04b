"""A real Mosquitto broker for the fleet tests, on a free loopback port, started and stopped by the test."""

from __future__ import annotations

import getpass
import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

MOSQUITTO = shutil.which("mosquitto") or shutil.which("mosquitto", path="/usr/sbin:/usr/local/sbin")
READY_S = 10.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mosquitto:
    """A broker with persistence on, as a clinic would run it: stopping it keeps its sessions and queues."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.url = f"mqtt://127.0.0.1:{self.port}"
        self.conf = folder / "mosquitto.conf"
        self.conf.write_text(
            f"listener {self.port} 127.0.0.1\n"
            "allow_anonymous true\n"
            "persistence true\n"
            f"persistence_location {folder}/\n"
            f"log_dest file {folder}/mosquitto.log\n"
            f"user {getpass.getuser()}\n"  # as root it would switch to 'mosquitto', who cannot write here
        )
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen([MOSQUITTO, "-c", str(self.conf)], stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + READY_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"mosquitto exited: {self.log()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.02)  # another process's listener: nothing in this one to wait on
        raise RuntimeError(f"mosquitto did not listen on {self.port} within {READY_S} s: {self.log()}")

    def stop(self) -> None:
        """SIGTERM: the broker saves its persistent sessions, as a service stop would."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None

    def log(self) -> str:
        path = self.folder / "mosquitto.log"
        return path.read_text()[-2000:] if path.exists() else ""


@pytest.fixture
def broker(tmp_path):
    if MOSQUITTO is None:
        if os.environ.get("CI") or os.environ.get("BACKSTRETCH_CI"):
            pytest.fail("mosquitto is not installed, and CI must run the fleet tests (.ci/run installs it)")
        pytest.skip("mosquitto is not installed (Debian package 'mosquitto'); the fleet tests need a real broker")
    folder = tmp_path / "broker"
    folder.mkdir()
    b = Mosquitto(folder)
    b.start()
    yield b
    b.stop()


class Inbox:
    """A plain subscriber: every message on `topic`, in arrival order, with an event per arrival.

    Its session is persistent, so what is published while the broker restarts still reaches it.
    """

    def __init__(self, url: str, topic: str):
        from backstretch.kiosk.mqtt import make_client, parse_broker

        self.messages: list[tuple[str, bytes, bool]] = []
        self.arrived = threading.Condition()
        subscribed = threading.Event()
        self.client = make_client(parse_broker(url), f"test-inbox-{id(self)}")
        self.client.on_connect = lambda c, u, f, r, p: c.subscribe(topic, qos=1)  # again after a broker restart
        self.client.on_subscribe = lambda *args: subscribed.set()
        self.client.on_message = self._on_message
        broker = parse_broker(url)
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = 300
        self.client.connect(broker.host, broker.port, clean_start=True, properties=properties)
        self.client.loop_start()
        assert subscribed.wait(READY_S), "the test subscriber could not subscribe"

    def _on_message(self, client, userdata, msg) -> None:
        with self.arrived:
            self.messages.append((msg.topic, msg.payload, msg.retain))
            self.arrived.notify_all()

    def wait_for(self, predicate, timeout: float = 20.0) -> bool:
        with self.arrived:
            return self.arrived.wait_for(lambda: predicate(self.messages), timeout)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@pytest.fixture
def inbox(broker):
    opened: list[Inbox] = []

    def open_inbox(topic: str = "backstretch/+/sessions") -> Inbox:
        opened.append(Inbox(broker.url, topic))
        return opened[-1]

    yield open_inbox
    for i in opened:
        i.close()
