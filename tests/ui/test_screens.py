"""Every screen at every size: it draws, and no text leaves its box, the screen, or lands on another."""

import pygame
import pytest

from backstretch.kiosk.engine import Freeze
from backstretch.ui.screens import SCREENS
from backstretch.ui.screenshots import SIZES, render, states, write_all


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("name", SCREENS)
def test_screen_layout(name, size):
    check_layout(render(name, size), size)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("overlay", ["paused", "still_there", "pain_prompt"])
def test_overlay_layout(overlay, size):
    from backstretch.kiosk.routine import load_routine
    from backstretch.ui.canvas import Canvas
    from backstretch.ui.screens import draw

    view, extras = states(load_routine())["hold"]
    view.frozen.add(Freeze(overlay))
    canvas = Canvas.for_surface(pygame.Surface(size))
    draw(canvas, view, extras)
    check_layout(canvas, size)
    if overlay == "pain_prompt":
        assert sorted(b.value for b in canvas.buttons) == list(range(11))
        if size != (240, 240):
            assert all(min(b.rect.size) >= canvas.layout.min_touch for b in canvas.buttons)


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


@pytest.mark.parametrize("size", SIZES[:3], ids=[f"{w}x{h}" for w, h in SIZES[:3]])
@pytest.mark.parametrize("name", SCREENS)
def test_touch_targets_are_at_least_15_mm(name, size):
    canvas = render(name, size)
    least = canvas.layout.min_touch
    for button in canvas.buttons:
        assert min(button.rect.width, button.rect.height) >= least, f"{button.label} is {button.rect.size}"


def test_the_count_is_readable_from_3_m_on_a_7_inch_screen():
    """About 25 mm tall letters read at 3 m; 800x480 on a 7-inch panel is 5.2 px per mm."""
    canvas = render("reps", (800, 480))
    count = next(t for t in canvas.texts if "/" in t.text)
    assert count.drawn.height / (800 / 155) >= 25


def test_hold_screen_says_when_the_timer_is_paused_out_of_position():
    from backstretch.kiosk.motion.pipeline import MotionState
    from backstretch.kiosk.routine import load_routine
    from backstretch.ui.canvas import Canvas
    from backstretch.ui.screens import draw

    view, extras = states(load_routine())["hold"]
    view.motion = MotionState(angle_deg=8.0, in_zone=False)
    canvas = Canvas.for_surface(pygame.Surface((800, 480)))
    draw(canvas, view, extras)
    assert any("timer paused" in t.text for t in canvas.texts)


def test_overlays_cover_the_screen_and_its_buttons():
    from backstretch.kiosk.routine import load_routine
    from backstretch.ui.canvas import Canvas
    from backstretch.ui.screens import draw

    view, extras = states(load_routine())["reps"]
    view.frozen.add(Freeze.PAUSED)
    canvas = Canvas.for_surface(pygame.Surface((800, 480)))
    draw(canvas, view, extras)
    assert [b.command for b in canvas.buttons] == ["resume", "stop"]


def test_screenshots_are_written_for_every_screen_and_size(tmp_path):
    paths = write_all(tmp_path, sizes=((800, 480), (240, 240)))
    assert len(paths) == 2 * len(SCREENS)
    assert pygame.image.load(str(tmp_path / "hold-800x480.png")).get_size() == (800, 480)


def test_a_lost_sensor_takes_over_the_screen_only_during_a_session():
    from backstretch.kiosk.engine import ACTIVE, IDLE
    from backstretch.kiosk.engine import View as V
    from backstretch.ui.screens import Extras as X
    from backstretch.ui.screens import screen_name

    assert screen_name(V(phase=ACTIVE, frozen={Freeze.SENSOR_LOST}), X()) == "sensor-lost"
    assert screen_name(V(phase=IDLE, frozen={Freeze.SENSOR_LOST}), X()) == "idle"
