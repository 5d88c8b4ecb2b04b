"""The simulator's phone: the whole routine played through the kiosk's real phone receiver."""

from __future__ import annotations

from backstretch.drivers.phone import PhoneSource
from backstretch.kiosk.simulator.body import standing
from backstretch.kiosk.simulator.mock import MockSource
from backstretch.kiosk.simulator.phone import PHONE_ON_BELLY, SimulatedPhone

from ..test_cli import simulated_routine


def test_the_whole_routine_plays_through_the_phone_receiver_into_history(tmp_path):
    printed, rows = simulated_routine(tmp_path, "--sensor", "phone")
    assert "phone pushing 100 Hz" in printed
    assert rows[0]["reps_done"] == "8" and rows[1]["holds_completed"] == "10" and rows[2]["holds_completed"] == "3"


def test_a_phone_put_to_sleep_stops_pushing_and_the_kiosk_sees_it_lost(tmp_path):
    now = [0.0]

    def clock() -> float:
        return now[0]

    receiver = PhoneSource("127.0.0.1:0", clock=clock)
    receiver.open()
    phone = SimulatedPhone(MockSource(standing(), 100.0, clock, mounting=PHONE_ON_BELLY), lambda: receiver.url)
    try:
        phone.connect()  # driven by hand here, without its pacing thread
        now[0] = 1.0
        assert phone.send(phone.mock.read()) == 200
        assert receiver.health().connected and len(receiver.read()) == 101
        phone.plug(False)  # the cable key: the phone sleeps
        assert not phone.plugged and phone.mock.read() == []
        now[0] = 10.0
        assert not receiver.health().connected
    finally:
        phone.stop()
        receiver.close()
