"""The Sensor Logger app's HTTP push format, read strictly, and turned into the kiosk's units.

The app (Android and iOS) posts one JSON object per batch period:
`{"messageId": 7, "sessionId": "...", "deviceId": "...", "payload": [{"name": "accelerometer",
"time": <UTC epoch ns>, "values": {"x": .., "y": .., "z": ..}}, ...]}`. Acceleration and gravity
are in m/s^2, the gyroscope in rad/s. `accelerometer` is the motion without gravity, so the
gravity-including acceleration an IMU measures is `totalacceleration` (Android) or
`accelerometer` plus `gravity`. Each sensor has its own time stamps; the others are interpolated
onto the acceleration's. Nothing received is evaluated: it is parsed as data, checked, converted.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import TypeGuard

import numpy as np

from backstretch.errors import BackstretchError

STANDARD_GRAVITY = 9.80665  # m/s^2 per g, the value the app assumes
TOTAL, LINEAR, GRAVITY, GYRO = "totalacceleration", "accelerometer", "gravity", "gyroscope"
USED = (TOTAL, LINEAR, GRAVITY, GYRO)
MAX_ACCEL_MS2 = 320.0  # about 32 g: more than any phone measures; beyond it a value is impossible
MAX_GYRO_RADS = 70.0  # about 4000 deg/s
MAX_ID_CHARS = 128
MAX_SENSOR_GAP_S = 0.25  # gravity or gyro further than this from an acceleration stamp is not used for it


class PushRefused(BackstretchError, ValueError):
    """A push that is not used; `kind` names the reason for the counters, `status` is the HTTP answer."""

    def __init__(self, kind: str, message: str, status: int = 400):
        super().__init__(message)
        self.kind = kind
        self.status = status


@dataclass(frozen=True)
class Push:
    """One checked batch: per used sensor an N x 4 array of (phone time s, x, y, z) in the app's units."""

    device_id: str
    session_id: str
    message_id: int
    streams: dict[str, np.ndarray]
    entries: int


def parse_push(body: bytes, max_depth: int = 8, max_entries: int = 10_000) -> Push:
    """Check a body and pull out the sensors the kiosk uses; anything wrong raises PushRefused."""
    try:
        doc = json.loads(body, parse_constant=_no_constant)
    except RecursionError:
        raise PushRefused("too_deep", f"JSON nested deeper than {max_depth} levels") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise PushRefused("malformed", f"not JSON: {str(exc)[:80]}") from None
    if _depth(doc, max_depth) > max_depth:
        raise PushRefused("too_deep", f"JSON nested deeper than {max_depth} levels")
    if not isinstance(doc, dict):
        raise PushRefused("malformed", "the body must be a JSON object with deviceId, sessionId and payload")
    device_id = _identifier(doc, "deviceId")
    session_id = _identifier(doc, "sessionId")
    message_id = doc.get("messageId", 0)
    if not _is_int(message_id):
        raise PushRefused("wrong_type", "messageId must be a whole number")
    payload = doc.get("payload")
    if not isinstance(payload, list):
        raise PushRefused("wrong_type", "payload must be a list of sensor readings")
    if len(payload) > max_entries:
        raise PushRefused("too_many_entries", f"{len(payload)} readings in one push; at most {max_entries}", 413)
    rows: dict[str, list[tuple[float, float, float, float]]] = {name: [] for name in USED}
    for i, entry in enumerate(payload):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise PushRefused("wrong_type", f"payload[{i}] must be an object with a name")
        name = entry["name"].lower()
        if name in rows:
            rows[name].append(_reading(entry, name, i))
    streams = {name: _sorted(r) for name, r in rows.items() if r}
    return Push(device_id, session_id, int(message_id), streams, len(payload))


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number")


def _depth(doc, limit: int) -> int:
    """Nesting depth of parsed JSON, walked without recursion and given up once past `limit`."""
    deepest, stack = 0, [(doc, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, depth)
            if deepest > limit:
                return deepest
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


def _identifier(doc: dict, key: str) -> str:
    value = doc.get(key)
    if not isinstance(value, str) or not value or len(value) > MAX_ID_CHARS or not value.isprintable():
        # printable only: the id goes into the journal and onto doctor's lines, where a newline could forge one
        raise PushRefused("wrong_type", f"{key} must be a text of 1 to {MAX_ID_CHARS} printable characters")
    return value


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _reading(entry: dict, name: str, i: int) -> tuple[float, float, float, float]:
    stamp, values = entry.get("time"), entry.get("values")
    if not _is_number(stamp) or not 0 < stamp < 2**63:
        raise PushRefused("wrong_type", f"payload[{i}] ({name}): time must be UTC epoch nanoseconds")
    if not isinstance(values, dict) or not all(_is_number(values.get(axis)) for axis in "xyz"):
        raise PushRefused("wrong_type", f"payload[{i}] ({name}): values must hold numbers x, y and z")
    limit = MAX_GYRO_RADS if name == GYRO else MAX_ACCEL_MS2
    xyz = (float(values["x"]), float(values["y"]), float(values["z"]))
    if max(abs(v) for v in xyz) > limit:
        raise PushRefused("impossible", f"payload[{i}] ({name}): {xyz} is beyond what a phone measures")
    return (stamp / 1e9, *xyz)


def _sorted(rows: list[tuple[float, float, float, float]]) -> np.ndarray:
    """Rows in time order, a repeated stamp kept once (the app can repeat a cached reading)."""
    a = np.array(rows, dtype=float)
    a = a[np.argsort(a[:, 0], kind="stable")]
    keep = np.concatenate(([True], np.diff(a[:, 0]) > 0))
    return a[keep]


class Merger:
    """Turns one recording session's pushes into rows of (phone t, ax, ay, az in g, gx, gy, gz in deg/s).

    The last reading of each sensor is kept between pushes, so a gravity or gyro reading from the
    end of the previous batch still serves the first acceleration stamps of the next.
    """

    def __init__(self):
        self._tails: dict[str, np.ndarray] = {}
        self.accel_from = ""  # which of the app's sensors the acceleration is built from

    def merge(self, streams: dict[str, np.ndarray]) -> np.ndarray:
        with_tails = {**self._tails, **{name: self._with_tail(name, rows) for name, rows in streams.items()}}
        for name, rows in streams.items():
            self._tails[name] = rows[-1:]
        if TOTAL in streams:
            base = streams[TOTAL]
            accel = base[:, 1:4]
            self.accel_from = TOTAL
        elif LINEAR in streams and GRAVITY in with_tails:
            base = streams[LINEAR]
            gravity = _resample(with_tails[GRAVITY], base[:, 0])
            if np.isnan(gravity).any():
                raise PushRefused(
                    "no_gravity", "gravity readings are too far from the accelerometer's; send both sensors", 422
                )
            accel = base[:, 1:4] + gravity
            self.accel_from = f"{LINEAR}+{GRAVITY}"
        elif LINEAR in streams:
            raise PushRefused(
                "no_gravity",
                "the app sends acceleration without gravity: turn on Gravity (or Total Acceleration) in Sensor Logger",
                422,
            )
        else:
            return np.empty((0, 7))
        out = np.full((len(base), 7), np.nan)
        out[:, 0] = base[:, 0]
        out[:, 1:4] = accel / STANDARD_GRAVITY
        if GYRO in with_tails:
            out[:, 4:7] = np.degrees(_resample(with_tails[GYRO], base[:, 0]))
        return out

    def _with_tail(self, name: str, rows: np.ndarray) -> np.ndarray:
        tail = self._tails.get(name)
        if tail is None or tail[0, 0] >= rows[0, 0]:
            return rows
        return np.vstack([tail, rows])


def _resample(rows: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Linear interpolation of (t, x, y, z) rows at times t; NaN where no reading is near enough."""
    out = np.column_stack([np.interp(t, rows[:, 0], rows[:, k]) for k in (1, 2, 3)])
    nearest = np.minimum(
        np.abs(t - rows[np.clip(np.searchsorted(rows[:, 0], t) - 1, 0, len(rows) - 1), 0]),
        np.abs(rows[np.clip(np.searchsorted(rows[:, 0], t), 0, len(rows) - 1), 0] - t),
    )
    out[nearest > MAX_SENSOR_GAP_S] = np.nan
    return out
