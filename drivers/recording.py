"""The recording format of DESIGN.md: read fast in chunks with line-precise errors, write with metadata comments.

Header `t,ax,ay,az` optionally followed by `gx,gy,gz`; t in seconds, strictly increasing;
accel in g; gyro in deg/s; lines starting with `#` are comments (those before the header are
kept as the recording's metadata).

Reading is vectorised: each chunk of about a megabyte goes through numpy's C parser and is
checked (column count, finite values, strictly increasing t) on arrays. Only when a chunk fails
does the line-by-line reader run over it, to name the bad line; so the fast path never accepts
what the line-by-line reader would refuse, and memory stays flat however long the recording is.
"""

from __future__ import annotations

import io
import math
import os
import stat
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, TextIO

import numpy as np

from backstretch.errors import RecordingError

from .sample import Sample

ACCEL_HEADER = ["t", "ax", "ay", "az"]
GYRO_HEADER = ["gx", "gy", "gz"]
COLUMNS = 7  # t, ax, ay, az, gx, gy, gz: gyro columns are NaN when the file has none
CHUNK_BYTES = 1 << 20  # parse this much text at a time
MAX_HEADER_LINE = 256  # characters; the real header is 20, a comment a short line of metadata
MAX_LINE_BYTES = 4 * CHUNK_BYTES  # a sample line is about 60 bytes: anything this long is not a recording
EXCERPT = 40  # characters of a bad line quoted in an error
MAX_COMMENTS = 100  # metadata lines kept from before the header; a file of endless comments is read, not hoarded
MAX_LOADED_MB = 64  # a whole recording held in memory (replay, doctor): over 3 h of 100 Hz with gyro


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


def _excerpt(text: str) -> str:
    """A bad line quoted short enough for one line of error message."""
    return repr(text[:EXCERPT] + "…" if len(text) > EXCERPT else text)


class RecordingReader:
    """An open recording: its header and comments are read at once, its samples in chunks.

    Use as a context manager or call close(); `chunks()` yields N x 7 arrays in file order.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.comments: list[str] = []
        self.first_t = math.nan
        self.last_t = -math.inf
        self.samples = 0
        try:
            info = os.stat(self.path)
            mode, self.size = info.st_mode, info.st_size
        except FileNotFoundError:
            raise RecordingError(f"{self.path}: no such file") from None
        except OSError as exc:
            raise RecordingError(f"{self.path}: cannot read: {exc.strerror}") from None
        if stat.S_ISDIR(mode):
            raise RecordingError(f"{self.path}: is a directory; give a recording file (.csv)")
        if not stat.S_ISREG(mode):
            raise RecordingError(f"{self.path}: not a regular file (a pipe or a device); give a recording file (.csv)")
        try:
            self._file: BinaryIO = open(self.path, "rb")  # noqa: SIM115 (closed by close())
        except OSError as exc:
            raise RecordingError(f"{self.path}: cannot read: {exc.strerror}") from None
        try:
            self._lineno = self._read_header()
        except BaseException:
            self._file.close()
            raise

    def _read_header(self) -> int:
        """Comments and the header line; returns the header's line number."""
        lineno = 0
        while True:
            raw = self._file.readline(MAX_HEADER_LINE + 1)
            if not raw:
                raise RecordingError(f"{self.path}: empty file: expected a 't,ax,ay,az' header and samples")
            lineno += 1
            line = self._decode(raw, lineno)
            if len(line) > MAX_HEADER_LINE and not line.endswith("\n"):
                raise RecordingError(
                    f"{self.path}:{lineno}: line longer than {MAX_HEADER_LINE} characters before the header "
                    f"(starts {_excerpt(line)}); expected 't,ax,ay,az' or 't,ax,ay,az,gx,gy,gz'"
                )
            line = line.strip()
            if not line:
                continue
            if line.startswith("#"):
                if len(self.comments) < MAX_COMMENTS:
                    self.comments.append(line[1:].strip())
                continue
            cells = [c.strip() for c in line.split(",")]
            if cells not in (ACCEL_HEADER, ACCEL_HEADER + GYRO_HEADER):
                raise RecordingError(
                    f"{self.path}:{lineno}: header is {_excerpt(line)}; expected 't,ax,ay,az' or 't,ax,ay,az,gx,gy,gz'"
                )
            self.columns = len(cells)
            return lineno

    def _decode(self, raw: bytes, lineno: int) -> str:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise RecordingError(f"{self.path}:{lineno}: not UTF-8 text; a recording is a CSV text file") from None

    @property
    def has_gyro(self) -> bool:
        return self.columns == COLUMNS

    def chunks(self) -> Iterator[np.ndarray]:
        """The samples as N x 7 arrays; a bad line raises RecordingError naming it."""
        rest = b""
        while True:
            block = self._file.read(CHUNK_BYTES)
            if not block:
                break
            block = rest + block
            cut = block.rfind(b"\n") + 1
            if cut == 0:
                if len(block) > MAX_LINE_BYTES:
                    start = _excerpt(block[: EXCERPT + 1].decode("utf-8", "replace"))
                    raise RecordingError(
                        f"{self.path}:{self._lineno + 1}: line longer than {MAX_LINE_BYTES} bytes "
                        f"(starts {start}); a sample is one short line"
                    )
                rest = block  # a line longer than a chunk: keep reading until it ends
                continue
            rest = block[cut:]
            data = self._parse(block[:cut])
            if len(data):
                yield data
        if rest:
            data = self._parse(rest)
            if len(data):
                yield data
        if not self.samples:
            raise RecordingError(f"{self.path}: no samples after the header")

    def _parse(self, raw: bytes) -> np.ndarray:
        text = self._decode_block(raw)
        first_line = self._lineno + 1
        self._lineno += raw.count(b"\n") + (0 if raw.endswith(b"\n") else 1)
        data = self._fast(text)
        if data is None:
            data = self._by_line(text, first_line)
        if len(data):
            if self.samples == 0:
                self.first_t = float(data[0, 0])
            self.last_t = float(data[-1, 0])
            self.samples += len(data)
        return data

    def _decode_block(self, raw: bytes) -> str:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = self._lineno + 1 + raw.count(b"\n", 0, exc.start)
            raise RecordingError(f"{self.path}:{line}: not UTF-8 text; a recording is a CSV text file") from None

    def _fast(self, text: str) -> np.ndarray | None:
        """numpy's parser and array checks; None when anything is off (the line reader then says what)."""
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # an empty chunk warns that it is empty
                values = np.loadtxt(io.StringIO(text), delimiter=",", comments=None, ndmin=2, dtype=float)
        except ValueError:
            return None
        if values.size == 0:
            return np.empty((0, COLUMNS))
        if values.shape[1] != self.columns or not np.isfinite(values).all():
            return None
        t = values[:, 0]
        if t[0] <= self.last_t or (len(t) > 1 and not (np.diff(t) > 0).all()):
            return None
        return _widen(values)

    def _by_line(self, text: str, first_line: int) -> np.ndarray:
        """The reference reader: one line at a time, naming the first bad one."""
        rows: list[list[float]] = []
        last_t = self.last_t
        for lineno, line in enumerate(text.splitlines(), start=first_line):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            cells = [c.strip() for c in line.split(",")]
            where = f"{self.path}:{lineno}"
            if len(cells) != self.columns:
                raise RecordingError(f"{where}: {len(cells)} values, expected {self.columns}")
            try:
                values = [float(c) for c in cells]
            except ValueError:
                bad = next(c for c in cells if not _is_number(c))
                raise RecordingError(f"{where}: {_excerpt(bad)} is not a number") from None
            if not all(math.isfinite(v) for v in values):
                raise RecordingError(f"{where}: values must be finite numbers")
            if values[0] <= last_t:
                raise RecordingError(f"{where}: t = {values[0]:g} does not increase (previous {last_t:g})")
            last_t = values[0]
            rows.append(values)
        return _widen(np.array(rows, dtype=float).reshape(len(rows), self.columns))

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> RecordingReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _widen(values: np.ndarray) -> np.ndarray:
    """Rows of 4 (no gyro) become rows of 7 with NaN gyro."""
    if values.shape[1] == COLUMNS:
        return values
    out = np.full((len(values), COLUMNS), np.nan)
    out[:, : values.shape[1]] = values
    return out


def read_recording(path: str | Path) -> Recording:
    """Parse and check a whole recording; any problem raises RecordingError naming file and line.

    The whole of it is held in memory, so a file larger than MAX_LOADED_MB is refused by its size."""
    with RecordingReader(path) as reader:
        if reader.size > MAX_LOADED_MB << 20:
            raise RecordingError(
                f"{reader.path}: {reader.size / (1 << 20):.1f} MB, more than the {MAX_LOADED_MB} MB held in memory "
                "to replay it; cut it shorter (`backstretch analyze` reads a recording of any length)"
            )
        data = np.concatenate(list(reader.chunks()))
        return Recording(str(reader.path), data, has_gyro=reader.has_gyro, comments=reader.comments)


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


class RecordingWriter:
    """Writes samples as they come, with t relative to the first sample, flushed line by line."""

    def __init__(self, out: TextIO, has_gyro: bool, comments: list[str] | tuple[str, ...] = ()):
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
