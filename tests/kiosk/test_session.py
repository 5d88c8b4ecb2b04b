"""The session without a screen: mock sensor -> motion pipeline -> engine, with the auto performer watching."""

import pytest

from backstretch.kiosk import app
from backstretch.kiosk.engine import IDLE, SUMMARY
from backstretch.kiosk.history import History
from backstretch.kiosk.routine import load_routine
from backstretch.kiosk.session import KioskSession


@pytest.mark.parametrize("performer", ["auto", "sloppy"])
def test_the_virtual_person_finishes_the_routine(tmp_path, clock, performer):
    sim = app.simulation(performer, seed=4, rate_hz=50, clock=clock)
    sim.source.open()
    history = History(tmp_path / "h.sqlite3")
    kiosk = KioskSession(load_routine(), sim.source, clock, history, sim.observers)
    kiosk.engine.command("start")
    said = []
    for _ in range(8000):
        clock.advance(0.2)
        said += [c.words for c in kiosk.step()]
        if kiosk.engine.view.phase == SUMMARY:
            break
    view = kiosk.engine.view
    assert view.phase == SUMMARY and view.session_status == "completed"
    tilt, twist, ball = view.results
    assert tilt.reps_done == 8
    assert twist.holds_wanted == 10 and len([h for h in twist.holds if h.completed]) >= 9
    assert {h.side for h in twist.holds} == {"left", "right"}
    assert ball.holds_completed == 3
    assert "Switch to the right side." in said and "3" in said
    assert history.sessions()[0].status == "completed"
    history.close()


def test_observers_see_every_frame_after_the_engine_has_moved(clock):
    sim = app.simulation("keyboard", seed=1, rate_hz=50, clock=clock)
    sim.source.open()
    seen = []
    kiosk = KioskSession(load_routine(), sim.source, clock, observers=[lambda view: seen.append(view.phase)])
    kiosk.step()
    kiosk.engine.command("start")
    clock.advance(0.1)
    kiosk.step()
    assert seen == [IDLE, kiosk.engine.view.phase] and seen[1] != IDLE


@pytest.mark.parametrize(("model", "words"), [("phone", "Wake the phone"), ("MPU-6050", "Check the clip's cable")])
def test_a_lost_sensor_is_announced_as_what_it_is(clock, model, words):
    from backstretch.drivers.sample import Health

    class Silent:
        rate_hz = 100.0

        def open(self): ...

        def read(self):
            return []

        def close(self): ...

        def health(self):
            return Health(connected=False, model=model, last_error="quiet")

    kiosk = KioskSession(load_routine(), Silent(), clock)
    kiosk.engine.command("start")
    said = [c.words for c in kiosk.step()]
    assert any(w.startswith("Sensor lost.") and words in w for w in said), said
