"""A real Mosquitto broker for the fleet tests, on a free loopback port, started and stopped by the test."""

from __future__ import annotations

import getpass
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
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

    def __init__(self, folder: Path, scheme: str = "mqtt", settings: str = "allow_anonymous true\n"):
        self.folder = folder
        self.port = free_port()
        self.url = f"{scheme}://127.0.0.1:{self.port}"
        self.conf = folder / "mosquitto.conf"
        self.conf.write_text(
            f"listener {self.port} 127.0.0.1\n" + settings + "persistence true\n"
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


def needed(tool: str | None, package: str, why: str) -> None:
    """Skip, saying why, on a laptop without `package`; fail on CI, which must run every test (.ci/run installs it)."""
    if tool is None:
        if os.environ.get("CI") or os.environ.get("BACKSTRETCH_CI"):
            pytest.fail(f"{package} is not installed, and CI must run these tests (.ci/run installs it)")
        pytest.skip(f"{package} is not installed (Debian package '{package}'); {why}")


def collecting(mosquitto: Mosquitto, broker, path: Path, client_id: str):
    """A clinic collector on its own thread, subscribed before it is returned, so no message sent next is missed."""
    from backstretch.kiosk.collector import Collector

    collector = Collector(broker, path, client_id=client_id)
    subscribed = threading.Event()
    collector.client.on_subscribe = lambda *args: subscribed.set()
    collector.start()
    if not subscribed.wait(20):
        collector.stop()
        raise AssertionError(f"the collector could not subscribe: {mosquitto.log()}")
    return collector


def broker_folder(tmp_path: Path, name: str) -> Path:
    """A new folder for one broker's files, once mosquitto is known to be there."""
    needed(MOSQUITTO, "mosquitto", "the fleet tests need a real broker")
    folder = tmp_path / name
    folder.mkdir()
    return folder


def serving(b: Mosquitto) -> Iterator[Mosquitto]:
    """A broker fixture's body: started for the test, stopped after it."""
    b.start()
    yield b
    b.stop()


@pytest.fixture
def broker(tmp_path):
    yield from serving(Mosquitto(broker_folder(tmp_path, "broker")))


SECURE_USER, SECURE_PASSWORD = "front-desk", "correct horse battery"
README = Path(__file__).resolve().parents[2] / "README.md"


def readme_acl() -> str:
    """The Mosquitto ACL the README gives a clinic, as written there: the test runs what people copy."""
    text = README.read_text()
    start = text.index("# /etc/mosquitto/acl")
    return text[start : text.index("```", start)]


def password_file(folder: Path, users: dict[str, str]) -> Path:
    passwd = shutil.which("mosquitto_passwd") or shutil.which("mosquitto_passwd", path="/usr/sbin:/usr/local/sbin")
    needed(passwd, "mosquitto", "its mosquitto_passwd makes the password file")
    path = folder / "passwords"
    for i, (user, password) in enumerate(users.items()):
        subprocess.run([passwd, *(["-c"] if i == 0 else []), "-b", str(path), user, password], check=True)
    path.chmod(0o600)
    return path


@pytest.fixture
def acl_broker(tmp_path):
    """A broker with the README's ACL: each kiosk's user name is its kiosk_id; the password is "pw-" + the user."""
    folder = broker_folder(tmp_path, "acl-broker")
    users = {u: f"pw-{u}" for u in ("room-1", "room-2", "collector", "homeassistant")}
    passwords = password_file(folder, users)
    (folder / "acl").write_text(readme_acl())
    (folder / "acl").chmod(0o600)
    yield from serving(
        Mosquitto(folder, settings=f"allow_anonymous false\npassword_file {passwords}\nacl_file {folder}/acl\n")
    )


@pytest.fixture
def secure_broker(tmp_path):
    """A broker as a clinic should run one: TLS with its own certificate authority, a user name and password.

    `ca_file` is the authority that signed the broker's certificate; `other_ca_file` one that did not."""
    folder = broker_folder(tmp_path, "secure-broker")
    needed(shutil.which("openssl"), "openssl", "the TLS tests make their certificates with it")

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)

    for ca in ("ca", "other-ca"):
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN=test {ca}",
                "-keyout", f"{ca}.key", "-out", f"{ca}.crt")  # fmt: skip
    openssl(
        "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "broker.key", "-out", "broker.csr"
    )
    (folder / "san.ext").write_text("subjectAltName = IP:127.0.0.1\n")
    openssl("x509", "-req", "-in", "broker.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
            "-days", "2", "-extfile", "san.ext", "-out", "broker.crt")  # fmt: skip
    passwords = password_file(folder, {SECURE_USER: SECURE_PASSWORD})
    b = Mosquitto(
        folder,
        scheme="mqtts",
        settings=f"allow_anonymous false\npassword_file {passwords}\n"
        f"cafile {folder}/ca.crt\ncertfile {folder}/broker.crt\nkeyfile {folder}/broker.key\n",
    )
    b.ca_file, b.other_ca_file = str(folder / "ca.crt"), str(folder / "other-ca.crt")
    yield from serving(b)


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
