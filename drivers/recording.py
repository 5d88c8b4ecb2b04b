"""The recording format of DESIGN.md: read with line-precise errors, write with metadata comments.

Header `t,ax,ay,az` optionally followed by `gx,gy,gz`; t in seconds, strictly increasing;
accel in g; gyro in deg/s; lines starting with `#` are comments.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import numpy as np

from .errors import RecordingError
from .sample import Sample

ACCEL_HEADER = ["t", "ax", "ay", "az"]
GYRO_HEADER = ["gx", "gy", "gz"]


@dataclass
class Recording:
    """A whole recording as an N x 7 array (gyro columns NaN when the file has none)."""

    path: str
    data: np.ndarray
    has_gyro: bool
    comments: list[str] = field(default_factory=list)

    @property
    def duration(self) -> float:
        return float(self.data[-1, 0] - self.data[0, 0]) if len(self.data) else 0.0

    @property
    def rate_hz(self) -> float:
        return (len(self.data) - 1) / self.duration if self.duration > 0 else 0.0

    def samples(self) -> list[Sample]:
        if self.has_gyro:
            return [Sample(*row) for row in self.data.tolist()]
        return [Sample(*row[:4]) for row in self.data.tolist()]


def read_recording(path: str | Path) -> Recording:
    """Parse and check a recording; any problem raises RecordingError naming file and line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RecordingError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RecordingError(f"{path}: cannot read: {exc}") from None
    comments: list[str] = []
    header: list[str] | None = None
    rows: list[list[float]] = []
    last_t = -math.inf
    for lineno, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        if line.startswith("#"):
            comments.append(line[1:].strip())
            continue
        cells = [c.strip() for c in line.split(",")]
        if header is None:
            if cells not in (ACCEL_HEADER, ACCEL_HEADER + GYRO_HEADER):
                raise RecordingError(
                    f"{path}:{lineno}: header is {line!r}; expected 't,ax,ay,az' or 't,ax,ay,az,gx,gy,gz'"
                )
            header = cells
            continue
        if len(cells) != len(header):
            raise RecordingError(f"{path}:{lineno}: {len(cells)} values, expected {len(header)}")
        try:
            values = [float(c) for c in cells]
        except ValueError:
            bad = next(c for c in cells if not _is_number(c))
            raise RecordingError(f"{path}:{lineno}: {bad!r} is not a number") from None
        if not all(math.isfinite(v) for v in values):
            raise RecordingError(f"{path}:{lineno}: values must be finite numbers")
        if values[0] <= last_t:
            raise RecordingError(f"{path}:{lineno}: t = {values[0]:g} does not increase (previous {last_t:g})")
        last_t = values[0]
        rows.append(values)
    if header is None:
        raise RecordingError(f"{path}: empty file: expected a 't,ax,ay,az' header and samples")
    if not rows:
        raise RecordingError(f"{path}: no samples after the header")
    data = np.full((len(rows), 7), np.nan)
    data[:, : len(header)] = rows
    return Recording(str(path), data, has_gyro=len(header) == 7, comments=comments)


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


class RecordingWriter:
    """Writes samples as they come, with t relative to the first sample, flushed line by line."""

    def __init__(self, out: TextIO, has_gyro: bool, comments: list[str] = ()):
        self.out = out
        self.has_gyro = has_gyro
        self.t0: float | None = None
        self.last_t = -math.inf
        self.count = 0
        for comment in comments:
            out.write(f"# {comment}\n")
        out.write(",".join(ACCEL_HEADER + (GYRO_HEADER if has_gyro else [])) + "\n")

    def write(self, samples: list[Sample]) -> None:
        for s in samples:
            if self.t0 is None:
                self.t0 = s.t
            t = round(s.t - self.t0, 4)
            if t <= self.last_t:
                continue  # keep the file's promise of strictly increasing t
            self.last_t = t
            line = f"{t:.4f},{s.ax:.5f},{s.ay:.5f},{s.az:.5f}"
            if self.has_gyro:
                line += f",{s.gx:.3f},{s.gy:.3f},{s.gz:.3f}"
            self.out.write(line + "\n")
            self.count += 1
        self.out.flush()
