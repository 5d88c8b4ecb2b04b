import io

import pytest

from backstretch.drivers.errors import RecordingError
from backstretch.drivers.recording import RecordingWriter, read_recording
from backstretch.drivers.replay import ReplaySource
from backstretch.drivers.sample import Sample


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
    ],
)
def test_bad_recordings_name_file_and_line(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(RecordingError, match=message) as err:
        read_recording(path)
    assert str(err.value).startswith(str(path))


def test_missing_file(tmp_path):
    with pytest.raises(RecordingError, match="no such file"):
        read_recording(tmp_path / "nope.csv")


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
