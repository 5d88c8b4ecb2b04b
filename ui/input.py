"""Touch, mouse, keyboard and GPIO buttons, all turned into the same commands.

The display may be mounted rotated (kmsdrm does not rotate): the UI draws upright on a logical
surface that is turned onto the panel, and every touch is turned back into logical pixels.
"""

from __future__ import annotations

import pygame

from .canvas import Canvas

KEYS = {
    pygame.K_RETURN: "next",
    pygame.K_KP_ENTER: "next",
    pygame.K_SPACE: "next",
    pygame.K_p: "pause",
    pygame.K_s: "skip",
    pygame.K_r: "repeat",
    pygame.K_ESCAPE: "stop",
    pygame.K_h: "history",
}
DIGITS = {getattr(pygame, f"K_{n}"): n for n in range(10)}
GPIO_COMMANDS = {"start": "next", "next": "next", "pause": "pause"}
# simulate only: the simulator's own actions (backstretch.kiosk.simulator.keyboard), before the keys above
SIM_KEYS = {
    pygame.K_UP: "up",
    pygame.K_DOWN: "down",
    pygame.K_LEFT: "left",
    pygame.K_RIGHT: "right",
    pygame.K_k: "still",
    pygame.K_f: "fidget",
    pygame.K_u: "cable",
}


class Rotation:
    """Logical (upright UI) pixels <-> physical (panel) pixels for a panel turned clockwise by `degrees`."""

    def __init__(self, physical: tuple[int, int], degrees: int):
        self.physical = physical
        self.degrees = degrees % 360
        w, h = physical
        self.logical = (h, w) if self.degrees in (90, 270) else (w, h)

    def to_physical_surface(self, logical: pygame.Surface) -> pygame.Surface:
        return pygame.transform.rotate(logical, -self.degrees) if self.degrees else logical

    def to_logical(self, pos: tuple[float, float]) -> tuple[int, int]:
        px, py = int(pos[0]), int(pos[1])
        lw, lh = self.logical
        if self.degrees == 90:
            return py, lh - 1 - px
        if self.degrees == 180:
            return lw - 1 - px, lh - 1 - py
        if self.degrees == 270:
            return lw - 1 - py, px
        return px, py


def command_for(event: pygame.event.Event, canvas: Canvas, rotation: Rotation) -> tuple[str, int | None] | None:
    """The command an input event means, or None. A touch also arrives as a mouse event: only one counts."""
    if event.type == pygame.FINGERDOWN:
        w, h = rotation.physical
        return _tap(canvas, rotation.to_logical((event.x * w, event.y * h)))
    if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1 and not getattr(event, "touch", False):
        return _tap(canvas, rotation.to_logical(event.pos))
    if event.type == pygame.KEYDOWN:
        if event.key in DIGITS and any(b.command == "pain" for b in canvas.buttons):
            return "pain", DIGITS[event.key]
        if event.key in KEYS:
            return KEYS[event.key], None
    return None


def _tap(canvas: Canvas, pos: tuple[int, int]) -> tuple[str, int | None]:
    button = canvas.hit(pos)
    if button is None:
        return "touch", None  # anywhere else: wakes the screen, answers "still there?"
    return button.command, button.value
