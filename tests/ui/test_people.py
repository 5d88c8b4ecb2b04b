"""The people screens: who is stretching, the PIN-guarded admin flow, per-person targets, every size."""

import pygame
import pytest

from backstretch.kiosk import app as root
from backstretch.kiosk import people
from backstretch.kiosk.config import AudioConfig, Config, DisplayConfig, PeopleConfig
from backstretch.kiosk.engine import IDLE
from backstretch.kiosk.history import History
from backstretch.kiosk.results import ExerciseResult
from backstretch.kiosk.routine import load_routine
from backstretch.kiosk.session import KioskSession
from backstretch.ui.canvas import Canvas
from backstretch.ui.people import ADMIN_IDLE_S, GUEST, PIN_TRIES, PeopleScreens

from .helpers import finger_on

SIZES = ((800, 480), (720, 1280), (480, 320), (240, 240))


@pytest.fixture
def kiosk(tmp_path, clock):
    sim = root.simulation("keyboard", seed=1, rate_hz=50, clock=clock)
    sim.source.open()
    history = History(tmp_path / "h.sqlite3")
    yield KioskSession(load_routine(), sim.source, clock, history, sim.observers)
    history.close()


def screens(kiosk, clock, pin="2580") -> PeopleScreens:
    return PeopleScreens(kiosk.engine.history, kiosk.engine, kiosk.engine.routine, pin, clock)


def tap(s: PeopleScreens, c: Canvas, command: str, value=None) -> None:
    """Tap the drawn button for `command` (and value): only what is on the screen can be touched."""
    s.draw(c, True)
    button = next(b for b in c.buttons if b.command == command and (value is None or b.value == value))
    s.command(button.command, button.value, True)


def canvas(size=(800, 480)) -> Canvas:
    pygame.font.init()
    return Canvas.for_surface(pygame.Surface(size))


def test_one_person_keeps_the_plain_idle_screen_and_start_is_theirs(kiosk, clock):
    s = screens(kiosk, clock, pin="")
    assert s.screen(True) is None
    assert s.command("start", None, True) is False  # the engine still starts it
    assert kiosk.engine.history.person == people.named(kiosk.engine.history, "Me").id


def test_with_two_people_the_idle_screen_asks_who_and_a_tap_starts_their_own_routine(kiosk, clock):
    history = kiosk.engine.history
    tilt = kiosk.engine.routine.exercises[0]
    anna = people.set_target(history, people.add(history, "Anna"), tilt, 6)
    s = screens(kiosk, clock)
    c = canvas()
    assert s.screen(True) == "tiles"
    s.draw(c, True)
    tiles = {b.label: b.value for b in c.buttons if b.command == "people.pick"}
    assert tiles == {"Me": 1, "Anna": anna.id, "Guest": GUEST}
    tap(s, c, "people.pick", anna.id)
    assert kiosk.engine.view.phase != IDLE and history.person == anna.id
    assert kiosk.engine.routine.exercises[0].reps == 6
    assert kiosk.engine.routine.exercises[1] == load_routine().exercises[1]


def test_a_guest_does_the_routine_as_written_and_belongs_to_nobody(kiosk, clock):
    history = kiosk.engine.history
    people.set_target(history, people.named(history, "Me"), kiosk.engine.routine.exercises[0], 6)
    people.add(history, "Anna")
    s = screens(kiosk, clock)
    tap(s, canvas(), "people.pick", GUEST)
    assert history.person is None and kiosk.engine.routine.exercises[0].reps == 8


def test_the_admin_flow_needs_the_pin_and_locks_after_wrong_ones(kiosk, clock):
    people.add(kiosk.engine.history, "Anna")
    s, c = screens(kiosk, clock), canvas()
    tap(s, c, "people.admin")
    for digit in (1, 1, 1, 1):
        tap(s, c, "people.digit", digit)
    assert s.state == "pin" and s.message == "Wrong PIN"
    for _ in range(PIN_TRIES - 1):
        for digit in (9, 9, 9, 9):
            tap(s, c, "people.digit", digit)
    assert "Locked" in s.message
    for digit in (2, 5, 8, 0):
        tap(s, c, "people.digit", digit)
    assert s.state == "pin"  # even the right PIN, while locked
    clock.advance(301)
    assert s.screen(True) == "tiles"  # the PIN pad closed itself meanwhile
    tap(s, c, "people.admin")
    for digit in (2, 5, 8, 0):
        tap(s, c, "people.digit", digit)
    assert s.state == "admin"
    clock.advance(ADMIN_IDLE_S + 1)
    assert s.screen(True) == "tiles"  # left alone, the admin flow closes itself


def test_without_a_pin_there_is_no_admin_button_and_the_command_does_nothing(kiosk, clock):
    people.add(kiosk.engine.history, "Anna")
    s, c = screens(kiosk, clock, pin=""), canvas()
    s.draw(c, True)
    assert not any(b.command == "people.admin" for b in c.buttons)
    s.command("people.admin", None, True)
    assert s.state is None


def admin(kiosk, clock) -> tuple[PeopleScreens, Canvas]:
    s, c = screens(kiosk, clock), canvas()
    s.command("people.admin", None, True)
    for digit in (2, 5, 8, 0):
        s.command("people.digit", digit, True)
    assert s.state == "admin"
    return s, c


def test_adding_a_person_on_the_screen_keyboard(kiosk, clock):
    s, c = admin(kiosk, clock)
    tap(s, c, "people.add")
    for letter in "ANNA LEE":
        tap(s, c, "people.key", ord(letter))
    tap(s, c, "people.ok")
    assert s.state == "admin" and people.find(kiosk.engine.history, "Anna Lee") is not None
    tap(s, c, "people.add")
    for letter in "ME":
        tap(s, c, "people.key", ord(letter))
    tap(s, c, "people.ok")
    assert s.state == "name" and "already a person called 'Me'" in s.message


def test_removing_asks_first_and_then_takes_the_history_too(kiosk, clock):
    history = kiosk.engine.history
    anna = people.add(history, "Anna")
    history.person = anna.id
    sid = history.begin_session("2026-11-20T08:00:00", "Back stretches")
    history.add_result(sid, ExerciseResult("pelvic_tilt", "Pelvic tilt", "reps", 1, "completed", 8, 8))
    s, c = admin(kiosk, clock)
    tap(s, c, "people.edit", anna.id)
    tap(s, c, "people.remove")
    s.draw(c, True)
    assert any("their 1 session(s)" in t.text for t in c.texts)
    tap(s, c, "people.back")  # Keep
    assert people.find(history, "Anna") is not None
    tap(s, c, "people.remove")
    tap(s, c, "people.confirm")
    assert people.find(history, "Anna") is None and history.sessions() == []
    assert s.state == "admin" and "Removed Anna and 1 session(s)" in s.message


def test_targets_go_up_and_down_in_steps_and_back_to_the_routines(kiosk, clock):
    history = kiosk.engine.history
    anna = people.add(history, "Anna")
    s, c = admin(kiosk, clock)
    tap(s, c, "people.edit", anna.id)
    tap(s, c, "people.targets")
    for _ in range(2):
        tap(s, c, "people.step", 0)  # pelvic tilt, minus
    tap(s, c, "people.step", 5)  # swiss ball, plus 5 s
    assert people.named(history, "Anna").targets == {"pelvic_tilt": {"reps": 6}, "swiss_ball": {"hold_s": 50}}
    tap(s, c, "people.step", 4)
    assert "swiss_ball" not in people.named(history, "Anna").targets  # back at the routine's: no own target


@pytest.mark.parametrize("size", SIZES)
def test_every_people_screen_fits_every_size(kiosk, clock, size):
    history = kiosk.engine.history
    for name in ("Anna", "Ben", "Grandad Joe"):
        people.add(history, name)
    s, c = screens(kiosk, clock), canvas(size)
    steps = [
        ("tiles", None, None),
        ("progress", "people.progress", None),
        ("progress", "people.pick", 1),
        ("pin", "people.admin", None),
        ("admin", "people.digit", "2580"),
        ("person", "people.edit", 2),
        ("targets", "people.targets", None),
        ("name", "people.rename", None),
        ("remove", "people.remove", None),
    ]
    for state, command, value in steps:
        if command == "people.digit":
            for digit in value:
                s.command(command, int(digit), True)
        elif command:
            s.state = {"people.rename": "person", "people.remove": "person"}.get(command, s.state)
            s.command(command, value, True)
        s.draw(c, True)
        assert s.screen(True) == state or (state == "progress" and s.screen(True) == "pick_progress")
        screen = c.surface.get_rect()
        assert all(screen.contains(t.drawn) for t in c.texts if t.drawn.width), (state, size)
        assert all(screen.contains(b.rect) for b in c.buttons), (state, size)


def test_a_finger_on_a_name_tile_in_the_real_window_starts_that_persons_session(tmp_path, clock):
    history = History(tmp_path / "h.sqlite3")
    anna = people.add(history, "Anna")
    cfg = Config(display=DisplayConfig(fullscreen=False), audio=AudioConfig(enabled=False), people=PeopleConfig("2580"))
    sim = root.simulation("keyboard", seed=2, rate_hz=50, clock=clock)
    sim.source.open()
    kiosk = KioskSession(load_routine(), sim.source, clock, history, sim.observers)
    window = root.window(cfg, kiosk, history, "simulate", sim_keys=sim.keys)
    window.open_display()
    try:
        window.frame()
        assert any(t.text == "Who is stretching?" for t in window.canvas.texts)
        tile = next(b for b in window.canvas.buttons if b.value == anna.id)
        finger_on(window, tile)
        window.frame()
        assert kiosk.engine.view.phase != IDLE and history.person == anna.id
    finally:
        window.close()
        history.close()


def test_a_clinic_can_keep_progress_behind_the_pin(kiosk, clock):
    people.add(kiosk.engine.history, "Anna")
    s = PeopleScreens(kiosk.engine.history, kiosk.engine, kiosk.engine.routine, "2580", clock, progress_needs_pin=True)
    c = canvas()
    tap(s, c, "people.progress")
    assert s.state == "pin"
    for digit in (2, 5, 8, 0):
        tap(s, c, "people.digit", digit)
    assert s.state == "pick_progress"
    tap(s, c, "people.pick", 1)
    assert s.state == "progress"
    clock.advance(ADMIN_IDLE_S + 1)
    assert s.screen(True) == "tiles"  # a person's charts do not stay up for the next one to read
