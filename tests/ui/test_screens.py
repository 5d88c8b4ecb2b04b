"""Every screen and state at every size: it draws, and no text leaves its box, the screen, or lands on another."""

import pygame
import pytest

from backstretch.kiosk import phrases as P
from backstretch.kiosk.engine import ACTIVE, IDLE, Freeze, View
from backstretch.kiosk.routine import load_routine
from backstretch.ui.canvas import Canvas
from backstretch.ui.screens import PAGE_S, SCREENS, Extras, draw, screen_name
from backstretch.ui.screenshots import SIZES, render, states, write_all

ROUTINE = load_routine()
STATES = list(states(ROUTINE))
SIZE_IDS = [f"{w}x{h}" for w, h in SIZES]
SESSION_STATES = ("intro", "calibrate", "reps", "countdown", "hold", "hold-done", "done", "switch", "rest")


def shown(canvas) -> str:
    return " ".join(t.text for t in canvas.texts)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("name", STATES)
def test_layout(name, size):
    check_layout(render(name, size, ROUTINE), size)


def check_layout(canvas, size):
    screen = pygame.Rect((0, 0), size)
    assert canvas.texts, "every screen says something"
    for placed in canvas.texts:
        assert screen.contains(placed.drawn), f"{placed.text!r} runs off the screen"
        assert placed.box.inflate(2, 2).contains(placed.drawn), f"{placed.text!r} leaves its box"
    for i, a in enumerate(canvas.texts):
        for b in canvas.texts[i + 1 :]:
            assert not a.drawn.colliderect(b.drawn), f"{a.text!r} overlaps {b.text!r}"
    for button in canvas.buttons:
        assert screen.contains(button.rect)


def test_every_screen_has_a_state_worth_a_picture():
    assert {screen for _, _, screen in states(ROUTINE).values()} == set(SCREENS)


@pytest.mark.parametrize("size", SIZES[:3], ids=SIZE_IDS[:3])
@pytest.mark.parametrize("name", STATES)
def test_touch_targets_are_at_least_15_mm(name, size):
    canvas = render(name, size, ROUTINE)
    least = canvas.layout.min_touch
    for button in canvas.buttons:
        assert min(button.rect.width, button.rect.height) >= least, f"{button.label} is {button.rect.size}"


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_every_button_label_is_the_same_size_on_every_screen(size):
    sizes = {}
    for name in STATES:
        canvas = render(name, size, ROUTINE)
        for b in canvas.buttons:
            if b.command == "pain" and b.value is not None:
                continue  # the 0-10 scale is a grid of numbers, not labels
            [label] = [t for t in canvas.texts if t.text == b.label and b.rect.contains(t.box)]
            sizes.setdefault(label.size, []).append(f"{name}:{b.label}")
    assert len(sizes) == 1, sizes


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_the_hold_seconds_are_at_least_as_large_as_the_rep_count(size):
    count = next(t for t in render("reps", size, ROUTINE).texts if t.text == "6/8")
    seconds = next(t for t in render("hold", size, ROUTINE).texts if t.text == "12")
    assert seconds.size >= count.size


def test_the_count_is_readable_from_3_m_on_a_7_inch_screen():
    """About 25 mm tall lines read at 3 m; 800x480 on a 7-inch panel is 5.2 px per mm."""
    count = next(t for t in render("reps", (800, 480), ROUTINE).texts if t.text == "6/8")
    assert count.drawn.height / (800 / 155) >= 25


def test_a_completed_hold_shows_done_and_never_timer_paused():
    view, extras, _ = states(ROUTINE)["hold-done"]
    view.motion.in_zone = False  # on the way back to the middle, out of the zone
    canvas = Canvas.for_surface(pygame.Surface((800, 480)))
    draw(canvas, view, extras)
    assert P.HOLD_DONE in shown(canvas) and P.OUT_OF_POSITION not in shown(canvas)


def test_the_hold_screen_says_when_the_timer_is_paused_out_of_position():
    assert P.OUT_OF_POSITION in shown(render("out-of-position", (800, 480), ROUTINE))


def test_the_done_screen_shows_the_full_count():
    assert "8/8" in shown(render("done", (800, 480), ROUTINE))


def test_the_rest_screen_says_what_was_just_done():
    assert "Spinal twist: 3 of 4 holds: left 49 s, right 62 s" in shown(render("rest", (800, 480), ROUTINE))


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("name", SESSION_STATES)
def test_it_hurts_is_offered_on_every_screen_of_a_session(name, size):
    assert any(b.command == "pain" and b.value is None for b in render(name, size, ROUTINE).buttons)


def test_the_summary_done_button_goes_home_and_the_pain_stop_gives_the_advice():
    canvas = render("summary", (800, 480), ROUTINE)
    assert [b.command for b in canvas.buttons if b.label == P.DONE] == ["home"]
    stop = render("pain-stop", (800, 480), ROUTINE)
    assert P.PAIN_STOP in shown(stop) and "Pain during 8/10" in shown(stop)
    assert [b.command for b in stop.buttons] == ["home"]  # no second question after the score


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_it_hurts_has_cancel_and_every_score(size):
    canvas = render("it-hurts", size, ROUTINE)
    assert sorted(b.value for b in canvas.buttons if b.command == "pain") == list(range(11))
    assert [b.command for b in canvas.buttons if b.command != "pain"] == ["cancel"]


@pytest.mark.parametrize("state,commands", [("paused", ["resume", "stop"]), ("skip-ask", ["skip", "cancel"])])
def test_overlays_are_solid_and_have_a_way_back(state, commands):
    canvas = render(state, (800, 480), ROUTINE)
    assert [b.command for b in canvas.buttons] == commands
    under = render(state.replace("paused", "reps").replace("skip-ask", "hold"), (800, 480), ROUTINE)
    view, extras, _ = states(ROUTINE)[state]
    view.frozen.clear()
    draw(under, view, extras)
    ring_or_count = next(t for t in under.texts if t.text in ("6/8", "12")).drawn.center
    assert canvas.surface.get_at(ring_or_count)[:3] == under.surface.get_at((2, 2))[:3]  # background only


@pytest.mark.parametrize("size", [(480, 320), (240, 240)], ids=["480x320", "240x240"])
def test_small_screens_page_the_instructions_instead_of_dropping_them(size):
    twist = ROUTINE.exercises[1]
    seen = set()
    for page in range(4):
        seen |= {t.text for t in render("intro", size, ROUTINE, t=page * PAGE_S + 0.1).texts}
    assert set(twist.instructions) <= seen


def test_small_screens_page_the_summary_rows():
    seen = ""
    for page in range(4):
        seen += shown(render("summary", (480, 320), ROUTINE, t=page * PAGE_S + 0.1))
    for name in ("Pelvic tilt", "Spinal twist", "Swiss ball stretch"):
        assert name in seen


def test_on_a_watch_the_side_is_above_the_ring_not_on_it():
    canvas = render("hold", (240, 240), ROUTINE)
    side = next(t for t in canvas.texts if t.text == "LEFT")
    assert side.drawn.bottom <= canvas.layout.body().top


def test_screenshots_are_written_for_every_state_and_size(tmp_path):
    paths = write_all(tmp_path, sizes=((800, 480), (240, 240)))
    assert len(paths) == 2 * len(STATES)
    assert pygame.image.load(str(tmp_path / "hold-done-800x480.png")).get_size() == (800, 480)


def test_a_lost_sensor_takes_over_the_screen_only_during_a_session():
    assert screen_name(View(phase=ACTIVE, frozen={Freeze.SENSOR_LOST}), Extras()) == "sensor-lost"
    assert screen_name(View(phase=IDLE, frozen={Freeze.SENSOR_LOST}), Extras()) == "idle"


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_button_labels_are_readable_at_every_size(size):
    """A label a twentieth of the screen's short side: 24 px on 800x480, 12 px on a watch (not 8)."""
    for name in STATES:
        for b in (canvas := render(name, size, ROUTINE)).buttons:
            [label] = [t for t in canvas.texts if t.text == b.label and b.rect.contains(t.box)]
            assert label.size >= min(size) / 20, f"{name}: {b.label!r} at {label.size} px"


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_every_button_says_what_it_does(size):
    """Moving on from a finished exercise is "Next"; starting the other side is "I'm ready"; never a bare "Go"."""
    labels = {name: {b.command: b.label for b in render(name, size, ROUTINE).buttons} for name in ("done", "switch")}
    assert labels["done"]["next"] == P.NEXT and labels["switch"]["next"] == P.IM_READY
    for name in STATES:
        assert "Go" not in {b.label for b in render(name, size, ROUTINE).buttons}, name


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_the_summary_rows_are_one_size_on_every_page(size):
    """Every exercise's name at one size and every result line at one, whichever page shows it."""
    results = states(ROUTINE)["summary"][0].results
    lines = {r.name for r in results} | {P.result_line(r) for r in results}
    sizes = {}
    for t in range(0, 30, 2):
        for placed in render("summary", size, ROUTINE, t=float(t)).texts:
            if placed.text in lines or (": " in placed.text and placed.text.split(": ", 1)[0] in lines):
                kind = "name" if placed.text in {r.name for r in results} else "line"
                sizes.setdefault(kind, set()).add(placed.size)
    assert sizes and all(len(s) == 1 for s in sizes.values()), sizes


def test_a_watch_pages_the_history_at_a_readable_size():
    sessions = states(ROUTINE)["history"][1].sessions
    shown, sizes = set(), set()
    for t in range(0, 200, 2):
        for placed in render("history", (240, 240), ROUTINE, t=float(t)).texts:
            if "\n" in placed.text:
                shown.add(placed.text.split("\n", 1)[1])
                sizes.add(placed.size)
    wanted = {part for s in sessions for part in P.session_parts(s)[1:]}
    assert wanted <= shown  # every exercise of every session gets its page
    assert min(sizes) >= 12, sizes
