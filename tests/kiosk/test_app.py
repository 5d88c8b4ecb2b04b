"""The composition root: the configured name becomes the right source, and the simulator attaches as designed."""

from pathlib import Path

import pytest

from backstretch.drivers.recording import read_recording
from backstretch.errors import SensorError
from backstretch.kiosk import app
from backstretch.kiosk.config import Config, SensorConfig
from backstretch.kiosk.routine import load_routine
from backstretch.kiosk.session import KioskSession
from backstretch.kiosk.simulator.body import SUPINE
from backstretch.kiosk.simulator.script import Script

DATA = Path(__file__).parents[1] / "data"


def test_replay_plays_the_configured_file(clock):
    path = DATA / "synthetic" / "synth-swiss_ball-1.csv"
    source = app.sensor_source(Config(sensor=SensorConfig(driver="replay", replay_file=str(path))), clock=clock)
    source.open()
    clock.advance(2.0)
    got = source.read()
    recording = read_recording(path)
    assert got and [s.ax for s in got] == pytest.approx(recording.data[: len(got), 1].tolist())


def test_mock_measures_the_body_it_is_given(clock):
    lying = Script(start=SUPINE).still(5).timeline
    source = app.sensor_source(Config(sensor=SensorConfig(driver="mock", rate_hz=50)), body=lying, clock=clock)
    source.open()
    clock.advance(1.0)
    assert len(source.read()) == 51 and source.health().connected


def test_replay_without_a_file_is_one_clear_error():
    with pytest.raises(SensorError, match=r"needs sensor\.replay_file"):
        app.sensor_source(Config(sensor=SensorConfig(driver="replay")))


def test_a_keyboard_simulation_has_no_virtual_person_and_keys_that_move_the_body(clock):
    sim = app.simulation("keyboard", seed=1, rate_hz=50, clock=clock)
    assert sim.observers == [] and sim.keys.body is not None


@pytest.mark.parametrize("performer", ["auto", "sloppy"])
def test_a_virtual_person_watches_the_session_and_moves_the_body(clock, performer):
    sim = app.simulation(performer, seed=3, rate_hz=50, clock=clock)
    sim.source.open()
    kiosk = KioskSession(load_routine(), sim.source, clock, observers=sim.observers)
    kiosk.engine.command("start")
    for _ in range(100):
        clock.advance(0.2)
        kiosk.step()
    assert sim.keys.body is None  # the arrows leave the body to the performer
    assert sim.source.body.end > 0.0  # it planned moves: it is getting into position


def test_the_kiosk_starts_with_a_history_file_it_cannot_use_and_says_so_on_its_screen(tmp_path):
    (tmp_path / "history.sqlite3").write_bytes(b"not a database " * 100)
    history, fleet = app.kiosk_history(Config(), str(tmp_path))
    assert fleet is None
    assert (
        history.unsaved.startswith("History not saved yet (") and "cannot use the history database" in history.unsaved
    )
    history.close()
