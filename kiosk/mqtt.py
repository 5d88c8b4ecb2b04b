"""One place that turns the `[fleet]` settings into a paho-mqtt client, for the kiosk and the collector alike.

MQTT 5 on purpose: its PUBACK carries a reason code, so a publish the broker refuses (an ACL that denies
the topic) is seen as refused and kept in the outbox, where MQTT 3.1.1 would acknowledge it silently.
"""

from __future__ import annotations

import logging
import socket
import ssl
import sys
from dataclasses import dataclass
from urllib.parse import urlsplit

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion

from backstretch.errors import FleetError

from .validation import show

DEFAULT_PORTS = {"mqtt": 1883, "mqtts": 8883}
TOPIC_ROOT = "backstretch"


@dataclass(frozen=True)
class Broker:
    host: str
    port: int
    tls: bool
    username: str = ""
    password: str = ""
    ca_file: str = ""  # empty: the system's certificate authorities

    def describe(self) -> str:
        return f"{'mqtts' if self.tls else 'mqtt'}://{self.host}:{self.port}"


def url_problem(url: str) -> str | None:
    """None when `url` is a broker address we can use, else what is allowed (for the config check)."""
    if not isinstance(url, str):
        return "must be a string in quotes"
    if not url:
        return None
    try:
        parts = urlsplit(url)
        port = parts.port  # urllib checks the port only when asked
    except ValueError:
        port = 0
    if port == 0:
        return 'must be "mqtt://HOST[:PORT]" or "mqtts://HOST[:PORT]" (port 1 to 65535)'
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or parts.path not in ("", "/") or parts.query:
        return 'must be empty (no fleet) or "mqtt://HOST[:PORT]" or "mqtts://HOST[:PORT]"'
    if parts.username or parts.password:
        return "must not hold a user name or password: use fleet.username and fleet.password"
    return None


def url_shown(url) -> str:
    """A broker address for a message, with any password in it (which `url_problem` refuses) left out."""
    if isinstance(url, str):
        scheme, sep, rest = url.partition("://")
        netloc, slash, path = rest.partition("/")
        if sep and "@" in netloc:
            url = f"{scheme}://(not shown)@{netloc.rpartition('@')[2]}{slash}{path}"
    return show(url)


def parse_broker(url: str, username: str = "", password: str = "", ca_file: str = "") -> Broker:
    problem = url_problem(url)
    if problem or not url:
        raise FleetError(f"mqtt url {url_shown(url)}: {problem or 'is empty'}")
    parts = urlsplit(url)
    return Broker(
        parts.hostname or "",
        parts.port or DEFAULT_PORTS[parts.scheme],
        parts.scheme == "mqtts",
        username,
        password,
        ca_file,
    )


def sessions_topic(kiosk_id: str) -> str:
    return f"{TOPIC_ROOT}/{kiosk_id}/sessions"


def status_topic(kiosk_id: str) -> str:
    return f"{TOPIC_ROOT}/{kiosk_id}/status"


def make_client(broker: Broker, client_id: str, manual_ack: bool = False) -> paho.Client:
    """A client for `broker`; the caller sets callbacks, a will, and then connects."""
    client = paho.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=paho.MQTTv5, manual_ack=manual_ack)
    if broker.username:
        client.username_pw_set(broker.username, broker.password or None)
    if broker.tls:
        client.tls_set(ca_certs=broker.ca_file or None, cert_reqs=ssl.CERT_REQUIRED)
    client.reconnect_delay_set(min_delay=1, max_delay=60)
    return client


class ConnectionTrouble:
    """What keeps a client from its broker, logged once per different reason: paho tries again for ever,
    with back-off, and a kiosk left unplugged for a week must not write a line a minute.

    `failed` is paho's on_connect_fail, which it calls inside the `except` that caught the reason."""

    def __init__(self, log: logging.Logger | None, who: str, broker: Broker):
        self.log, self.who, self.broker = log, who, broker  # no log: only `last` keeps it (doctor's probe)
        self.last = ""

    def refused(self, reason) -> None:
        self._say(f"{self.broker.describe()} refused the connection: {reason}")

    def failed(self, client=None, userdata=None) -> None:
        self._say(f"cannot connect to {self.broker.describe()}: {why(sys.exc_info()[1])}; trying again")

    def connected(self) -> None:
        self.last = ""

    def _say(self, problem: str) -> None:
        if problem != self.last and self.log:
            self.log.warning("%s: %s", self.who, problem)
        self.last = problem


def why(exc: BaseException | None) -> str:
    """A connection failure in words an installer can act on."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"its TLS certificate is not trusted ({exc.verify_message}): check fleet.ca_file"
    if isinstance(exc, ssl.SSLError):
        return f"TLS failed ({exc.reason or exc}): is the port a TLS one (mqtts://, usually 8883)?"
    if isinstance(exc, ConnectionRefusedError):
        return "nothing listens there (broker down, or a wrong port)"
    if isinstance(exc, socket.gaierror):
        return "unknown host name"
    if isinstance(exc, TimeoutError):
        return "no answer (network down, or a firewall)"
    if isinstance(exc, OSError):
        return exc.strerror or str(exc) or type(exc).__name__
    return str(exc) or "unknown reason"
