import io
import os
from pathlib import Path

import numpy as np
import pytest

from backstretch.drivers import recording
from backstretch.drivers.recording import RecordingReader, RecordingWriter, read_recording
from backstretch.drivers.replay import ReplaySource
from backstretch.drivers.sample import Sample
from backstretch.errors import RecordingError


def write(tmp_path, text, name="rec.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "empty file"),
        ("# only a comment\n", "empty file"),
        ("time,x,y,z\n0,0,0,1\n", r":1: header is 'time,x,y,z'"),
        ("t,ax,ay,az\n", "no samples after the header"),
        ("t,ax,ay,az\n0,0,0,1\n0.1,0,zero,1\n", r":3: 'zero' is not a number"),
        ("t,ax,ay,az\n0,0,0,1\n0.1,0,0\n", r":3: 3 values, expected 4"),
        ("# c\nt,ax,ay,az\n0.1,0,0,1\n0.1,0,0,1\n", r":4: t = 0.1 does not increase"),
        ("t,ax,ay,az\n0,0,0,nan\n", r":2: values must be finite"),
        ("t,ax,ay,az\n0,0,0,1\n1,0,0,1e999\n", r":3: values must be finite"),
        ("t,ax,ay,az\n0,0,0,1 # note\n", r":2: '1 # note' is not a number"),
        ("t,ax,ay,az\n0,0,0," + "9" * 100 + "x\n", r":2: '9{40}…' is not a number"),
        ("t,ax,ay,az,gx,gy,gz\n0,0,0,1,0,0\n", r":2: 6 values, expected 7"),
        ("t,ax,ay,az\n0,0,0,1\n\xff\n", r":3: not UTF-8 text"),
        ("x" * 1000 + "\n", r":1: line longer than 256 characters before the header \(starts 'x{40}…'\)"),
        ("t,ax,ay,az," + "q" * 200 + "\n", r":1: header is 't,ax,ay,az,q{29}…'; expected"),
    ],
)
def test_bad_recordings_name_file_and_line(tmp_path, text, message):
    path = tmp_path / "rec.csv"
    path.write_bytes(text.encode("utf-8", "surrogateescape").replace(b"\xc3\xbf", b"\xff"))
    with pytest.raises(RecordingError, match=message) as err:
        read_recording(path)
    assert str(err.value).startswith(str(path))


def test_missing_file(tmp_path):
    with pytest.raises(RecordingError, match="no such file"):
        read_recording(tmp_path / "nope.csv")


def test_a_pipe_a_device_or_a_folder_is_refused_before_reading(tmp_path):
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)  # opening it for reading would block forever: it must be refused from its type
    with pytest.raises(RecordingError, match=r"fifo.csv: not a regular file \(a pipe or a device\)"):
        read_recording(fifo)
    with pytest.raises(RecordingError, match=r"^/dev/zero: not a regular file"):
        read_recording("/dev/zero")
    with pytest.raises(RecordingError, match="is a directory"):
        read_recording(tmp_path)


def test_a_huge_line_without_an_end_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(recording, "CHUNK_BYTES", 64)
    monkeypatch.setattr(recording, "MAX_LINE_BYTES", 256)
    path = write(tmp_path, "t,ax,ay,az\n0,0,0,1\n" + "1" * 1000)
    with pytest.raises(RecordingError, match=r":3: line longer than 256 bytes \(starts '1{40}…'\)"):
        read_recording(path)


def by_lines(path) -> np.ndarray:
    """The reference reader over the whole file, however it would be chunked."""
    with RecordingReader(path) as reader:
        body = reader._file.read().decode("utf-8")
        return reader._by_line(body, reader._lineno + 1)


def stored_recordings() -> list[Path]:
    data = Path(__file__).resolve().parents[1] / "data"
    shared = Path(__file__).resolve().parents[3] / "shared" / "data"
    valid = [p for p in data.rglob("*.csv") if "fuzz" not in p.parts]  # tests/data/fuzz holds hostile files
    return sorted(valid) + sorted(shared.rglob("*.csv"))


@pytest.mark.parametrize("path", stored_recordings(), ids=lambda p: p.name)
def test_fast_path_equals_the_line_by_line_reader_on_every_stored_recording(path):
    fast = read_recording(path).data
    assert np.array_equal(fast, by_lines(path), equal_nan=True)


@pytest.mark.parametrize("chunk", [7, 64, 1000])
def test_chunks_of_any_size_give_the_same_samples_and_line_numbers(tmp_path, monkeypatch, chunk):
    lines = [f"{i / 10:.1f},0,0,1" for i in range(50)]
    lines[20] = "# a comment among the samples"
    lines[30] = "  "  # a blank line, which numpy's reader does not take
    good = write(tmp_path, "# meta\r\nt,ax,ay,az\r\n" + "\r\n".join(lines) + "\r\n", "good.csv")
    lines[40] = "4.0,0,0,one"
    bad = write(tmp_path, "# meta\nt,ax,ay,az\n" + "\n".join(lines), "bad.csv")
    whole = read_recording(good).data
    monkeypatch.setattr(recording, "CHUNK_BYTES", chunk)
    assert np.array_equal(read_recording(good).data, whole, equal_nan=True)
    assert len(whole) == 48 and read_recording(good).comments == ["meta"]
    with pytest.raises(RecordingError, match=r"bad.csv:43: 'one' is not a number"):
        read_recording(bad)


def test_time_must_increase_across_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(recording, "CHUNK_BYTES", 16)
    path = write(tmp_path, "t,ax,ay,az\n" + "".join(f"{t},0,0,1\n" for t in (0, 1, 2, 3, 2.5, 4)))
    with pytest.raises(RecordingError, match=r":6: t = 2.5 does not increase \(previous 3\)"):
        read_recording(path)


def test_round_trip_with_and_without_gyro(tmp_path):
    out = io.StringIO()
    writer = RecordingWriter(out, has_gyro=True, comments=["source: test"])
    writer.write(
        [
            Sample(5.0, 0.0, 0.0, 1.0, 1.0, 2.0, 3.0),
            Sample(5.01, 0.1, 0.0, 0.99, 0.0, 0.0, 0.0),
            Sample(5.01, 0.1, 0.0, 0.99, 0.0, 0.0, 0.0),
        ]
    )
    rec = read_recording(write(tmp_path, out.getvalue()))
    assert rec.has_gyro and rec.comments == ["source: test"]
    assert rec.data[:, 0].tolist() == [0.0, 0.01]
    assert rec.samples()[0] == Sample(0.0, 0.0, 0.0, 1.0, 1.0, 2.0, 3.0)
    plain = read_recording(write(tmp_path, "t,ax,ay,az\n0,0,0,1\n0.5,0,0,1\n", "b.csv"))
    assert not plain.has_gyro and plain.samples()[1] == Sample(0.5, 0.0, 0.0, 1.0)
    assert plain.rate_hz == 2.0


def test_replay_in_real_time_follows_the_clock(tmp_path, clock):
    path = write(tmp_path, "t,ax,ay,az\n" + "".join(f"{i / 10},0,0,1\n" for i in range(20)))
    source = ReplaySource(path, speed=1.0, clock=clock)
    source.open()
    assert [s.t for s in source.read()] == [0.0]
    clock.advance(0.55)
    assert [s.t for s in source.read()] == [0.1, 0.2, 0.3, 0.4, 0.5]
    clock.advance(10)
    assert len(source.read()) == 14 and source.finished


def test_replay_as_fast_as_possible_and_looped(tmp_path, clock):
    path = write(tmp_path, "t,ax,ay,az\n" + "".join(f"{i / 10},0,0,1\n" for i in range(3)))
    source = ReplaySource(path, speed=None, loop=True, clock=clock)
    source.open()
    times = [s.t for _ in range(3) for s in source.read()]
    assert times == pytest.approx([0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8])


def test_a_real_recording_parses(data_dir):
    rec = read_recording(data_dir / "uci-s1-e4.csv")
    assert rec.has_gyro and rec.rate_hz == pytest.approx(25, rel=0.01)
    assert rec.comments[0].startswith("source: UCI Physical Therapy Exercises dataset")


def test_a_recording_too_large_to_hold_in_memory_is_refused_by_its_size(tmp_path, monkeypatch):
    monkeypatch.setattr(recording, "MAX_LOADED_MB", 1)
    path = tmp_path / "long.csv"
    with open(path, "w") as out:
        out.write("t,ax,ay,az\n" + "".join(f"{i / 100:.2f},0.00001,0.00001,1.00001\n" for i in range(40_000)))
    with pytest.raises(
        RecordingError, match=r"long.csv: 1\.2 MB, more than the 1 MB held in memory .*`backstretch analyze`"
    ):
        read_recording(path)
    with RecordingReader(path) as reader:  # analyze streams it: no limit there
        assert sum(len(chunk) for chunk in reader.chunks()) == 40_000


def test_endless_comments_before_the_header_are_read_not_hoarded(tmp_path):
    path = write(tmp_path, "# note\n" * 10_000 + "t,ax,ay,az\n0,0,0,1\n")
    assert len(read_recording(path).comments) == recording.MAX_COMMENTS
