"""The wiring without a screen: mock sensor -> motion pipeline -> engine, with the auto performer."""

import pytest

from backstretch.drivers.mock import MockSource
from backstretch.kiosk.engine import SUMMARY
from backstretch.kiosk.history import History
from backstretch.kiosk.performer import AutoPerformer
from backstretch.kiosk.routine import load_routine
from backstretch.kiosk.session import KioskSession


@pytest.mark.parametrize("sloppy", [False, True])
def test_the_virtual_person_finishes_the_routine(tmp_path, clock, sloppy):
    performer = AutoPerformer(seed=4, sloppy=sloppy)
    source = MockSource(performer.timeline, rate_hz=50, clock=clock, seed=4)
    source.open()
    history = History(tmp_path / "h.sqlite3")
    kiosk = KioskSession(load_routine(), source, clock, history, performer)
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
