import pygame
import pytest

from backstretch.ui.canvas import Canvas
from backstretch.ui.input import GPIO_COMMANDS, Rotation, command_for


@pytest.fixture
def canvas():
    c = Canvas.for_surface(pygame.Surface((800, 480)))
    c.clear()
    c.button("Start", "start", pygame.Rect(20, 380, 200, 80))
    c.button("7", "pain", pygame.Rect(600, 380, 80, 80), value=7)
    return c


def test_touch_mouse_and_keys_reach_the_same_commands(canvas):
    rot = Rotation((800, 480), 0)
    finger = pygame.event.Event(pygame.FINGERDOWN, x=100 / 800, y=400 / 480, touch_id=0, finger_id=0)
    mouse = pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(100, 400), button=1, touch=False)
    assert command_for(finger, canvas, rot) == ("start", None)
    assert command_for(mouse, canvas, rot) == ("start", None)
    assert command_for(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN), canvas, rot) == ("next", None)
    assert command_for(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_7), canvas, rot) == ("pain", 7)
    assert GPIO_COMMANDS["start"] == "next"  # the start button does what Return does


def test_the_mouse_event_a_touch_also_makes_is_ignored(canvas):
    synthetic = pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(100, 400), button=1, touch=True)
    assert command_for(synthetic, canvas, Rotation((800, 480), 0)) is None


def test_touch_outside_buttons_is_a_touch(canvas):
    finger = pygame.event.Event(pygame.FINGERDOWN, x=0.5, y=0.1, touch_id=0, finger_id=0)
    assert command_for(finger, canvas, Rotation((800, 480), 0)) == ("touch", None)


@pytest.mark.parametrize("degrees", [0, 90, 180, 270])
def test_rotated_display_maps_a_touch_back_to_the_button(degrees):
    """Draw a marker on the upright UI, turn it onto the panel, find it there, touch it."""
    physical = (1280, 720) if degrees in (90, 270) else (720, 1280)
    rot = Rotation(physical, degrees)
    assert rot.logical == (720, 1280)
    logical = pygame.Surface(rot.logical)
    logical.fill((0, 0, 0))
    target = pygame.Rect(500, 1100, 150, 120)
    logical.fill((255, 0, 0), target)
    panel = rot.to_physical_surface(logical)
    assert panel.get_size() == physical
    red = [
        (x, y)
        for x in range(0, physical[0], 10)
        for y in range(0, physical[1], 10)
        if panel.get_at((x, y))[:3] == (255, 0, 0)
    ]
    px, py = red[len(red) // 2]
    c = Canvas.for_surface(logical)
    c.button("Go", "next", target)
    touch = pygame.event.Event(pygame.FINGERDOWN, x=px / physical[0], y=py / physical[1], touch_id=0, finger_id=0)
    assert command_for(touch, c, rot) == ("next", None)
