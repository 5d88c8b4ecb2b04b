"""The kiosk's side of a clinic fleet: sends the outbox to an MQTT broker and keeps a retained status there.

Everything here runs on its own threads (paho's network thread and one sender), with its own SQLite
connection, so the display loop never waits on the network: it only writes the history (and with it
the outbox) and calls `wake()` or `set_status()`, which return at once. Nothing is created at all
unless `fleet.mqtt_url` is set.

The status (`backstretch/<kiosk_id>/status`, retained) says online with the software version, the
sensor's health, the last session and the streak; the broker replaces it with offline (the last
will) when the kiosk vanishes. Home Assistant discovery configs (retained) turn the status into
sensors of one device per kiosk.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
import threading
from collections.abc import Callable
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from backstretch.drivers.sample import Health
from backstretch.drivers.stream import LogThrottle
from backstretch.errors import BackstretchError

from . import outbox
from .config import FleetConfig
from .mqtt import Broker, ConnectionTrouble, make_client, parse_broker, status_topic

_log = logging.getLogger(__name__)

POLL_S = 1.0  # how often the sender looks at the outbox when nobody woke it (a write it missed)
REFUSED_RETRY_S = 30.0  # a publish the broker refused (not allowed) is tried again after this long
STOP_WAIT_S = 2.0  # at shutdown, how long the last results and the offline status may take to reach the broker
PROBE_WAIT_S = 5.0  # doctor's connection to the broker

# Home Assistant discovery: (key, name, extra config) per sensor, all read from the status topic.
DISCOVERY_SENSORS = (
    ("last_session", "Last session", {"device_class": "timestamp", "icon": "mdi:human-handsdown"}),
    ("last_session_status", "Last session result", {"icon": "mdi:clipboard-check-outline"}),
    ("streak", "Streak", {"unit_of_measurement": "d", "state_class": "measurement", "icon": "mdi:fire"}),
    ("sensor", "Sensor", {"icon": "mdi:motion-sensor"}),
    ("outbox", "Results waiting to send", {"state_class": "measurement", "icon": "mdi:tray-full"}),
)


def open_fleet(cfg: FleetConfig, database: str | Path) -> FleetPublisher | None:
    """The publisher and its outbox when `fleet.mqtt_url` is set; None (nothing sent anywhere) when it is empty."""
    if not cfg.enabled:
        return None
    broker = parse_broker(cfg.mqtt_url, cfg.username, cfg.password, cfg.ca_file)
    return FleetPublisher(broker, cfg.kiosk_name(), database, cfg.discovery_prefix)


def probe_broker(cfg: FleetConfig, database: str | Path, wait_s: float = PROBE_WAIT_S) -> tuple[bool, str]:
    """For `doctor`: one connection made as the kiosk makes it, and how many results wait in its outbox.

    Under a client id of its own: with the kiosk's, the broker would drop the running kiosk's connection."""
    broker = parse_broker(cfg.mqtt_url, cfg.username, cfg.password, cfg.ca_file)
    trouble = ConnectionTrouble(None, "doctor", broker)
    answered, accepted = threading.Event(), threading.Event()

    def on_connect(client, userdata, flags, reason, properties) -> None:
        if reason.is_failure:
            trouble.refused(reason)
        else:
            accepted.set()
        answered.set()

    def on_connect_fail(client, userdata) -> None:
        trouble.failed()
        answered.set()

    client = make_client(broker, f"backstretch-{cfg.kiosk_name()}-doctor")
    client.on_connect, client.on_connect_fail = on_connect, on_connect_fail
    client.connect_async(broker.host, broker.port, keepalive=10)
    client.loop_start()
    try:
        answered.wait(wait_s)
    finally:
        client.disconnect()
        client.loop_stop()
    waiting = _waiting(Path(database))
    if accepted.is_set():
        return True, f"{broker.describe()} takes kiosk {cfg.kiosk_name()!r}{waiting}"
    problem = trouble.last.removesuffix("; trying again") or f"no answer from {broker.describe()} in {wait_s:g} s"
    return False, f"{problem}; the kiosk runs, its results wait in the outbox{waiting}"


def _waiting(database: Path) -> str:
    if not database.exists():
        return ""
    from .history import History

    try:
        history = History(database, readonly=True)
    except BackstretchError:
        return ""
    try:
        return f" ({outbox.unsent_count(history.db)} result message(s) waiting to be sent)"
    finally:
        history.close()


def software_version() -> str:
    try:
        return version("backstretch")
    except PackageNotFoundError:
        return "unknown"


class FleetPublisher:
    """Owns the MQTT client and the sender thread; `start()` once, `stop()` at exit."""

    def __init__(
        self,
        broker: Broker,
        kiosk_id: str,
        database: str | Path,
        discovery_prefix: str = "homeassistant",
    ):
        self.broker, self.kiosk_id, self.database = broker, kiosk_id, Path(database)
        self.discovery_prefix = discovery_prefix
        self.status_topic = status_topic(kiosk_id)
        self.outbox = outbox.Outbox(kiosk_id, notify=self.wake)  # for the History, which writes it
        self.sensor: Callable[[], Health] | None = None  # the source's health, looked at from the sender thread
        self._status: dict[str, Any] = {
            "state": "online",
            "kiosk_id": kiosk_id,
            "version": software_version(),
            "sensor": "unknown",
            "last_session": None,
            "last_session_status": None,
            "streak": None,
            "outbox": None,
        }
        self._lock = threading.Condition()
        self._acks: dict[int, bool] = {}  # mid -> accepted, filled by paho's thread
        self._connected = False
        self._status_dirty = True
        self._announce = True  # discovery configs, sent on every connect
        self.trouble = ConnectionTrouble(_log, "fleet", broker)
        self._throttle = LogThrottle(_log, every_s=3600.0)  # a refusal retried every 30 s: said once an hour
        self._drained = False
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.client = make_client(broker, f"backstretch-{kiosk_id}")
        offline = json.dumps({"state": "offline", "kiosk_id": kiosk_id})
        self.client.will_set(self.status_topic, offline, qos=1, retain=True)
        self.client.on_connect = self._on_connect
        self.client.on_connect_fail = self.trouble.failed
        self.client.on_disconnect = self._on_disconnect
        self.client.on_publish = self._on_publish

    # -- called from the display loop: never blocks ----------------------------------------------
    def start(self) -> None:
        _log.info("fleet: publishing to %s as kiosk %r", self.broker.describe(), self.kiosk_id)
        self.client.connect_async(self.broker.host, self.broker.port, keepalive=30)
        self.client.loop_start()
        self._thread = threading.Thread(target=self._run, name="fleet-sender", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Something was written to the outbox."""
        self._wake.set()

    def set_status(self, **fields: Any) -> None:
        """Update status fields (sensor, streak...); sent when they change and the broker is there."""
        with self._lock:
            changed = {k: v for k, v in fields.items() if self._status.get(k) != v}
            if not changed:
                return
            self._status.update(changed)
            self._status_dirty = True
        self._wake.set()

    def wait_until_sent(self, timeout: float) -> bool:
        """Wait until the outbox is empty (shutdown with a deadline, and tests); False if it was not in time."""
        with self._lock:
            self._drained = False
        self._wake.set()
        with self._lock:
            return self._lock.wait_for(lambda: self._drained, timeout)

    def stop(self) -> None:
        """Send what is waiting (a moment at most), say offline (retained), disconnect; the rest stays in the outbox."""
        if self.connected:
            self.wait_until_sent(STOP_WAIT_S)
        self._stopping.set()
        self._wake.set()
        if self._thread:
            self._thread.join()
        if self.connected:
            info = self.client.publish(
                self.status_topic, json.dumps({"state": "offline", "kiosk_id": self.kiosk_id}), qos=1, retain=True
            )
            # RuntimeError: the connection went at that moment, and the broker sends the will instead
            with contextlib.suppress(RuntimeError):
                info.wait_for_publish(STOP_WAIT_S)
        self.client.disconnect()
        self.client.loop_stop()

    @property
    def connected(self) -> bool:
        with self._lock:
            return self._connected

    # -- paho's network thread -------------------------------------------------------------------
    def _on_connect(self, client, userdata, flags, reason, properties) -> None:
        if reason.is_failure:
            self.trouble.refused(reason)
            return
        self.trouble.connected()
        _log.info("fleet: connected to %s", self.broker.describe())
        with self._lock:
            self._connected = True
            self._status_dirty = self._announce = True
            self._lock.notify_all()
        self._wake.set()

    def _on_disconnect(self, client, userdata, flags, reason, properties) -> None:
        with self._lock:
            was, self._connected = self._connected, False
            self._lock.notify_all()
        if was and not self._stopping.is_set():
            _log.warning("fleet: lost %s (%s); results wait in the outbox", self.broker.describe(), reason)

    def _on_publish(self, client, userdata, mid, reason, properties) -> None:
        with self._lock:
            self._acks[mid] = not reason.is_failure
            self._lock.notify_all()

    # -- the sender thread -----------------------------------------------------------------------
    def _run(self) -> None:
        """Until stopped: nothing here may end the thread, or the outbox would fill up in silence."""
        db = sqlite3.connect(self.database, timeout=10, isolation_level=None)
        try:
            outbox.prune_sent(db)
            while not self._stopping.is_set():
                try:
                    self._step(db)
                except sqlite3.Error as exc:  # locked for long, disk trouble: the rows are still there later
                    _log.warning("fleet: cannot read the outbox in %s (%s); trying again", self.database, exc)
                    self._stopping.wait(REFUSED_RETRY_S)
                except Exception:  # a bug: logged with its traceback, and the sender carries on
                    _log.exception("fleet: unexpected error while sending; trying again")
                    self._stopping.wait(REFUSED_RETRY_S)
        finally:
            db.close()

    def _step(self, db: sqlite3.Connection) -> None:
        """Send the oldest unsent message, or wait a moment for one (or for the broker)."""
        self._wake.clear()
        if not self.connected:
            self._wake.wait(POLL_S)
            return
        self._send_status(db)
        message = outbox.oldest_unsent(db)
        if message is None:
            with self._lock:
                self._drained = True
                self._lock.notify_all()
            self._wake.wait(POLL_S)
            return
        accepted = self._publish(message.topic, message.payload)
        if accepted:
            outbox.mark_sent(db, message.seq)
            self._status_from(message)
        elif accepted is False:
            self._throttle.warning(
                "refused",
                "fleet: the broker refused message %d on %s (does its ACL let this user write there?); "
                "the outbox waits behind it, tried again every %g s",
                message.seq,
                message.topic,
                REFUSED_RETRY_S,
            )
            self._stopping.wait(REFUSED_RETRY_S)

    def _publish(self, topic: str, payload: bytes | str, retain: bool = False) -> bool | None:
        """Publish at QoS 1 and wait for the broker's answer: True accepted, False refused, None stopping.

        A connection lost meanwhile does not matter: paho sends the message again when it is back.
        """
        with self._lock:
            self._acks.clear()
        info = self.client.publish(topic, payload, qos=1, retain=retain)
        with self._lock:
            while info.mid not in self._acks:
                if self._stopping.is_set():
                    return None
                self._lock.wait(POLL_S)
            return self._acks.pop(info.mid)

    def _send_status(self, db: sqlite3.Connection) -> None:
        if self.sensor:
            health = self.sensor()
            self.set_status(sensor="ok" if health.connected else "lost")
        if self._announce:
            for topic, config in self.discovery():
                self._publish(topic, json.dumps(config), retain=True)
            self._announce = False
        with self._lock:
            self._status["outbox"] = outbox.unsent_count(db)
            if not self._status_dirty:
                return
            self._status_dirty = False
            status = json.dumps(dict(self._status, since=_now()))
        self._publish(self.status_topic, status, retain=True)

    def _status_from(self, message: outbox.Message) -> None:
        """A session summary that got through becomes the status's last session."""
        sent = json.loads(message.payload)
        if sent["type"] == "session":
            session = sent["sent_for"]
            when = session["ended_at"] or session["started_at"]
            with contextlib.suppress(TypeError, ValueError):  # if not a time, sent as it is: no place to fail
                when = datetime.fromisoformat(when).astimezone().isoformat()  # Home Assistant wants the offset
            self.set_status(last_session=when, last_session_status=session["status"])

    def discovery(self) -> list[tuple[str, dict]]:
        """Home Assistant MQTT discovery: one device per kiosk, its sensors read from the status topic."""
        if not self.discovery_prefix:
            return []
        node = f"backstretch_{self.kiosk_id}".replace("-", "_")
        device = {
            "identifiers": [node],
            "name": f"backstretch {self.kiosk_id}",
            "manufacturer": "backstretch",
            "model": "Back-stretch kiosk",
            "sw_version": self._status["version"],
        }
        configs = []
        for key, name, extra in DISCOVERY_SENSORS:
            config = {
                "name": name,
                "unique_id": f"{node}_{key}",
                "state_topic": self.status_topic,
                "value_template": f"{{{{ value_json.{key} }}}}",
                "availability_topic": self.status_topic,
                "availability_template": "{{ value_json.state }}",
                "payload_available": "online",
                "payload_not_available": "offline",
                "device": device,
                **extra,
            }
            configs.append((f"{self.discovery_prefix}/sensor/{node}/{key}/config", config))
        return configs


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")
