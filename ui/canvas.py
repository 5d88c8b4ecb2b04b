"""Drawing with a layout that adapts to the screen, and a record of where every text and button went.

Text is always fitted into a box (wrapped, then shrunk until it fits), so nothing runs off a
screen at any size; the record lets tests check that no text leaves its box or the screen, and
gives the input code the buttons' touch areas. Type is the bundled Atkinson Hyperlegible
(ui/fonts, SIL Open Font License), one size per role (`Layout.size`); fitted text and rendered
lines are cached, so an unchanged screen costs blits, not layout.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import pygame

from backstretch.kiosk.phrases import BUTTON_LABELS, GRID_LABELS

from .theme import PALETTE

MIN_TOUCH_MM = 15.0
SEVEN_INCH_DPI = 133  # 800x480 on a 7-inch panel: about 5.2 px per mm
FONTS = Path(__file__).parent / "fonts"
FONT_FILES = {False: FONTS / "AtkinsonHyperlegible-Regular.ttf", True: FONTS / "AtkinsonHyperlegible-Bold.ttf"}
BOLD_ROLES = ("title", "count", "button", "side")
CACHE_ENTRIES = 600  # fitted texts and rendered lines kept; a whole routine's screens use about 300


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

    def size(self, role: str) -> int:
        """The one type size of a role on this screen; a text shrinks below it only if its box is too small.

        title: the header; count: the big number (reps, seconds); side: LEFT / RIGHT; line: what to
        do; label: small print under a figure; button: every button's label.
        """
        u, body = self.unit, self.body()
        sizes = {
            "title": int(self.header().height * 0.8),
            # the reps count and the hold's seconds share it; it fits inside the hold ring
            "count": int(min(body.height * 0.38, body.width * 0.3)),
            "side": int(body.height * (0.22 if self.kind != "watch" else 0.16)),
            "line": int(u * (3 if self.kind != "watch" else 2.4)),
            "label": int(u * 2),
            "button": self._button_size(),
        }
        return max(8, sizes[role])

    @property
    def buttons_per_row(self) -> int:
        """The most buttons a screen puts side by side: a watch has room for two readable labels, not three."""
        return 2 if self.kind == "watch" else 3

    @property
    def button_lines(self) -> int:
        """Lines a button label may take: a portrait screen's buttons are tall enough for two."""
        return 2 if self.kind == "portrait" else 1

    def _button_size(self) -> int:
        """Every button label at one size: the largest at which each label fits the narrowest button."""
        foot = self.footer()
        slot = _label_box(pygame.Rect(0, 0, (foot.width - self.unit) // self.buttons_per_row, foot.height))
        cap = int(min(foot.height * 0.45, self.unit * 2.6))
        return min(fit(label, slot.width, slot.height, cap, self.button_lines, True)[0] for label in BUTTON_LABELS)

    def grid_takes_labels(self) -> bool:
        """Whether Cancel and Done fit a cell of the 0-10 grid at the button size; if not, they get a row."""
        cell, size = _label_box(self.grid_cell(12)), self.size("button")
        return all(fit(label, cell.width, cell.height, size, 1, True)[0] >= size for label in GRID_LABELS)

    def grid_touch(self) -> int:
        """A grid button's height (the 0-10 pain scale): 15 mm, or on a watch what its footer allows."""
        return self.min_touch if self.kind != "watch" else max(self.min_touch, self.footer().height * 3 // 5)

    def grid_columns(self, count: int) -> int:
        """Columns for `count` grid buttons: as many as fit, then balanced (6 and 6 rather than 9 and 3)."""
        fits = max(1, min(count, (self.footer().width + 4) // (self.grid_touch() + 4)))
        rows = -(-count // fits)
        return -(-count // rows)

    def grid_cell(self, count: int) -> pygame.Rect:
        columns = self.grid_columns(count)
        return pygame.Rect(0, 0, (self.footer().width - 4 * (columns - 1)) // columns, self.grid_touch())

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
        self,
        text: str,
        box: pygame.Rect,
        size: int | str,
        colour=None,
        align: str = "center",
        max_lines: int = 3,
        bold: bool | None = None,
    ) -> pygame.Rect:
        """Draw text inside box: wrapped to at most max_lines, shrunk until it fits. Returns what was drawn.

        size is a role name (one size per role, see Layout.size) or pixels.
        """
        colour = tuple(colour or PALETTE["text"])
        box = pygame.Rect(box)
        if isinstance(size, str):
            bold = size in BOLD_ROLES if bold is None else bold
            size = self.layout.size(size)
        size, lines = fit(text, box.width, box.height, size, max_lines, bool(bold))
        font = _font(size, bool(bold))
        line_h = font.get_linesize()
        total = pygame.Rect(0, 0, 0, 0)
        y = box.centery - line_h * len(lines) // 2 if align != "top" else box.top
        for line in lines:
            img = _rendered(line, size, bool(bold), colour)
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
        self,
        label: str,
        command: str,
        rect: pygame.Rect,
        primary: bool = False,
        value: int | None = None,
        size: int | None = None,
    ) -> Button:
        rect = pygame.Rect(rect)
        colour = PALETTE["accent"] if primary else PALETTE["panel"]
        pygame.draw.rect(self.surface, colour, rect, border_radius=max(4, rect.height // 5))
        text_colour = PALETTE["background"] if primary else PALETTE["text"]
        lines = self.layout.button_lines
        self.text(label, _label_box(rect), size or self.layout.size("button"), text_colour, max_lines=lines, bold=True)
        b = Button(label, command, rect, value)
        self.buttons.append(b)
        return b

    def button_row(self, buttons: list[tuple[str, str]], box: pygame.Rect, primary: int | None = 0) -> None:
        """Equal buttons side by side, every label at the same size (the largest all of them fit)."""
        gap = self.layout.unit // 2
        n = len(buttons)
        w = (box.width - gap * (n - 1)) // n
        rects = [pygame.Rect(box.left + i * (w + gap), box.top, w, box.height) for i in range(n)]
        size = self.common_size(
            [label for label, _ in buttons], _label_box(rects[0]), max_lines=self.layout.button_lines
        )
        for i, ((label, command), rect) in enumerate(zip(buttons, rects, strict=True)):
            self.button(label, command, rect, i == primary, size=size)

    def common_size(self, texts: list[str], box: pygame.Rect, role: str = "button", max_lines: int = 1) -> int:
        """A role's size, or the largest below it at which every one of texts fits box: one size for a row."""
        bold = role in BOLD_ROLES
        return min(fit(t, box.width, box.height, self.layout.size(role), max_lines, bold)[0] for t in texts)

    def hit(self, pos: tuple[int, int]) -> Button | None:
        for b in reversed(self.buttons):
            if b.rect.collidepoint(pos):
                return b
        return None


def _label_box(rect: pygame.Rect) -> pygame.Rect:
    pad = max(2, rect.height // 8)
    return rect.inflate(-2 * pad, -2 * pad)


_FONTS: dict[tuple[int, bool], pygame.font.Font] = {}
_FITTED: OrderedDict[tuple, tuple[int, list[str]]] = OrderedDict()
_RENDERED: OrderedDict[tuple, pygame.Surface] = OrderedDict()


def _font(size: int, bold: bool = False) -> pygame.font.Font:
    if (size, bold) not in _FONTS:
        if not pygame.font.get_init():
            pygame.font.init()
        _FONTS[size, bold] = pygame.font.Font(str(FONT_FILES[bold]), size)
    return _FONTS[size, bold]


def _remember(cache: OrderedDict, key: tuple, value):
    cache[key] = value
    if len(cache) > CACHE_ENTRIES:
        cache.popitem(last=False)
    return value


def fit(text: str, width: int, height: int, size: int, max_lines: int, bold: bool) -> tuple[int, list[str]]:
    """The largest size up to `size` at which text wraps into the box, and its lines (cached)."""
    key = (text, width, height, size, max_lines, bold)
    if key in _FITTED:
        _FITTED.move_to_end(key)
        return _FITTED[key]
    size = max(8, min(size, height))
    while True:
        font = _font(size, bold)
        lines = _wrap(text, font, width, max_lines)
        if lines is not None and font.get_linesize() * len(lines) <= height:
            break
        if size <= 8:
            lines = [_clip(text, font, width)]
            break
        size = max(8, int(size * 0.92))
    return _remember(_FITTED, key, (size, lines))


def _rendered(line: str, size: int, bold: bool, colour: tuple) -> pygame.Surface:
    key = (line, size, bold, colour)
    if key in _RENDERED:
        _RENDERED.move_to_end(key)
        return _RENDERED[key]
    return _remember(_RENDERED, key, _font(size, bold).render(line, True, colour))


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
