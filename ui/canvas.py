"""Drawing with a layout that adapts to the screen, and a record of where every text and button went.

Text is always fitted into a box (wrapped, then shrunk until it fits), so nothing runs off a
screen at any size; the record lets tests check that no text leaves its box or the screen, and
gives the input code the buttons' touch areas.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import pygame

from .theme import PALETTE

MIN_TOUCH_MM = 15.0
SEVEN_INCH_DPI = 133  # 800x480 on a 7-inch panel: about 5.2 px per mm


@dataclass
class TextPlaced:
    text: str
    box: pygame.Rect
    drawn: pygame.Rect
    size: int


@dataclass
class Button:
    label: str
    command: str
    rect: pygame.Rect
    value: int | None = None


@dataclass
class Layout:
    """Proportions for one screen size; `kind` picks what a screen can afford to show."""

    width: int
    height: int

    @property
    def kind(self) -> str:
        if min(self.width, self.height) <= 260:
            return "watch"
        if self.height < 400 and self.width < 600:
            return "small"
        return "portrait" if self.height > self.width else "landscape"

    @property
    def unit(self) -> int:
        return max(4, min(self.width, self.height) // 24)

    @property
    def px_per_mm(self) -> float:
        # The screens we support are 7-inch class panels; smaller ones are phone-sized at best.
        return max(self.width, self.height) / 155.0

    @property
    def min_touch(self) -> int:
        return int(MIN_TOUCH_MM * self.px_per_mm)

    def header(self) -> pygame.Rect:
        u = self.unit
        return pygame.Rect(u, u // 2, self.width - 2 * u, int(self.height * (0.12 if self.kind != "watch" else 0.16)))

    def body(self) -> pygame.Rect:
        u = self.unit
        top = self.header().bottom + u // 2
        bottom = self.footer().top - u // 2
        return pygame.Rect(u, top, self.width - 2 * u, bottom - top)

    def footer(self) -> pygame.Rect:
        u = self.unit
        h = max(self.min_touch, int(self.height * 0.16)) if self.kind != "watch" else int(self.height * 0.2)
        return pygame.Rect(u, self.height - h - u // 2, self.width - 2 * u, h)


@dataclass
class Canvas:
    surface: pygame.Surface
    layout: Layout
    texts: list[TextPlaced] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)

    @classmethod
    def for_surface(cls, surface: pygame.Surface) -> Canvas:
        return cls(surface, Layout(*surface.get_size()))

    def clear(self) -> None:
        self.surface.fill(PALETTE["background"])
        self.texts.clear()
        self.buttons.clear()

    def text(
        self, text: str, box: pygame.Rect, size: int, colour=None, align: str = "center", max_lines: int = 3
    ) -> pygame.Rect:
        """Draw text inside box: wrapped to at most max_lines, shrunk until it fits. Returns what was drawn."""
        colour = colour or PALETTE["text"]
        box = pygame.Rect(box)
        size = max(8, min(size, box.height))
        while True:
            font = _font(size)
            lines = _wrap(text, font, box.width, max_lines)
            line_h = font.get_linesize()
            if lines is not None and line_h * len(lines) <= box.height:
                break
            if size <= 8:
                lines = [_clip(text, font, box.width)]
                break
            size = max(8, int(size * 0.9))
        total = pygame.Rect(0, 0, 0, 0)
        y = box.centery - line_h * len(lines) // 2 if align != "top" else box.top
        for line in lines:
            img = font.render(line, True, colour)
            r = img.get_rect()
            r.top = y
            if align == "left":
                r.left = box.left
            else:
                r.centerx = box.centerx
            self.surface.blit(img, r)
            total = r if total.width == 0 else total.union(r)
            y += line_h
        self.texts.append(TextPlaced(text, box, total, size))
        return total

    def button(
        self, label: str, command: str, rect: pygame.Rect, primary: bool = False, value: int | None = None
    ) -> Button:
        rect = pygame.Rect(rect)
        colour = PALETTE["accent"] if primary else PALETTE["panel"]
        pygame.draw.rect(self.surface, colour, rect, border_radius=max(4, rect.height // 5))
        pad = max(2, rect.height // 8)
        text_colour = PALETTE["background"] if primary else PALETTE["text"]
        self.text(label, rect.inflate(-2 * pad, -2 * pad), int(rect.height * 0.5), text_colour, max_lines=1)
        b = Button(label, command, rect, value)
        self.buttons.append(b)
        return b

    def button_row(self, buttons: list[tuple[str, str]], box: pygame.Rect, primary: int | None = 0) -> None:
        gap = self.layout.unit // 2
        n = len(buttons)
        w = (box.width - gap * (n - 1)) // n
        for i, (label, command) in enumerate(buttons):
            self.button(label, command, pygame.Rect(box.left + i * (w + gap), box.top, w, box.height), i == primary)

    def hit(self, pos: tuple[int, int]) -> Button | None:
        for b in reversed(self.buttons):
            if b.rect.collidepoint(pos):
                return b
        return None


_FONTS: dict[int, pygame.font.Font] = {}


def _font(size: int) -> pygame.font.Font:
    if size not in _FONTS:
        if not pygame.font.get_init():
            pygame.font.init()
        _FONTS[size] = pygame.font.Font(None, size)
    return _FONTS[size]


def _wrap(text: str, font: pygame.font.Font, width: int, max_lines: int) -> list[str] | None:
    """Greedy word wrap; None when it takes more lines than allowed or a word is too wide."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            trial = f"{line} {word}".strip()
            if font.size(trial)[0] <= width:
                line = trial
                continue
            if not line or font.size(word)[0] > width:
                return None
            lines.append(line)
            line = word
        lines.append(line)
    return lines if len(lines) <= max_lines else None


def _clip(text: str, font: pygame.font.Font, width: int) -> str:
    while text and font.size(text + "...")[0] > width:
        text = text[:-1]
    return text + "..." if text else ""
