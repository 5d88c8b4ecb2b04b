"""The progress a therapist reads: range of motion per exercise, hold seconds per side, pain, over sessions.

Drawn with pygame on an off-screen Surface (no display, no plotting library), as one PNG page:
PNG because pygame writes it natively, it prints, mails and opens anywhere, and a one-page sheet
needs nothing a PDF adds. The same charts draw into the kiosk's history screen (`draw_charts`).
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import pygame

from backstretch.kiosk.progress import Progress
from backstretch.kiosk.results import SessionRecord

from .canvas import Canvas
from .theme import PAPER

PAGE = (1600, 1130)  # A4 landscape proportions, about 135 dpi
MARKERS = ("circle", "square", "triangle", "diamond")
MAX_DATE_LABELS = 8
TABLE_ROWS = 8
NICE_STEPS = (1, 2, 5, 10, 15, 20, 25, 50, 100, 250)


def write_report(path: Path, p: Progress, sessions: list[SessionRecord], made_by: str) -> None:
    """One page: title, range of motion, holds per side, pain, and the last sessions as a table."""
    pygame.font.init()
    surface = pygame.Surface(PAGE)
    surface.fill(PAPER["background"])
    c = Canvas.for_surface(surface)
    w, h = PAGE
    m = 40
    c.text(f"{p.person}: back-stretch progress", pygame.Rect(m, 20, w - 2 * m, 56), 52, PAPER["text"], "left", 1)
    c.text(_subtitle(p, made_by), pygame.Rect(m, 78, w - 2 * m, 30), 26, PAPER["muted"], "left", 1)
    charts = pygame.Rect(m, 120, w - 2 * m, 700)
    draw_charts(c, charts, p, PAPER)
    _table(c, pygame.Rect(m, charts.bottom + 20, w - 2 * m, h - charts.bottom - 40), sessions)
    pygame.image.save(surface, str(path))


CHARTS = ("range", "sides", "pain")


def draw_charts(c: Canvas, rect: pygame.Rect, p: Progress, colours: dict) -> None:
    """Range of motion across the top; holds per side and pain side by side below."""
    gap = 20
    top = pygame.Rect(rect.left, rect.top, rect.width, rect.height // 2 - gap // 2)
    half = (rect.width - gap) // 2
    bottom_y = top.bottom + gap
    bottom_h = rect.bottom - bottom_y
    draw_chart(c, top, "range", p, colours)
    draw_chart(c, pygame.Rect(rect.left, bottom_y, half, bottom_h), "sides", p, colours)
    draw_chart(c, pygame.Rect(rect.left + half + gap, bottom_y, half, bottom_h), "pain", p, colours)


def draw_chart(c: Canvas, rect: pygame.Rect, which: str, p: Progress, colours: dict, k: float = 1.0) -> None:
    """One chart of CHARTS in `rect`; `k` scales type and margins (1 for the page, less on a kiosk screen)."""
    if which == "range":
        _line_chart(c, rect, "Range of motion (degrees, largest per session)", p, dict(p.range_deg), None, colours, k)
    elif which == "sides":
        _side_chart(c, rect, p, colours, k)
    else:
        pain = {"Pain (0 to 10)": [(i, float(v)) for i, v in p.pain]}
        _line_chart(c, rect, "Pain (0 to 10)", p, pain, 10.0, colours, k)


def _subtitle(p: Progress, made_by: str) -> str:
    if not p.sessions:
        span = "no sessions recorded yet"
    elif p.sessions == 1:
        span = f"1 session, {p.dates[0]}"
    else:
        span = f"{p.sessions} sessions, {p.dates[0]} to {p.dates[-1]}"
    where = f"; kiosks: {', '.join(p.kiosks)}" if p.kiosks else ""
    return f"{span}{where}. Made {datetime.now():%Y-%m-%d %H:%M} by {made_by}."


def _panel(c: Canvas, rect: pygame.Rect, title: str, colours: dict, k: float) -> pygame.Rect:
    """The panel's frame and title; returns the plot area inside, with room for the axis labels."""
    pygame.draw.rect(c.surface, colours["panel"], rect, border_radius=8)
    title_box = pygame.Rect(rect.left + int(14 * k), rect.top + int(8 * k), rect.width - int(28 * k), int(30 * k))
    c.text(title, title_box, int(28 * k), colours["text"], "left", 1)
    top, left, bottom = int(78 * k), int(64 * k), int(44 * k)
    return pygame.Rect(rect.left + left, rect.top + top, rect.width - left - int(20 * k), rect.height - top - bottom)


def _no_data(c: Canvas, plot: pygame.Rect, colours: dict, why: str, k: float) -> None:
    c.text(why, plot, int(26 * k), colours["muted"], "center", 2)


def _axes(c: Canvas, plot: pygame.Rect, p: Progress, top: float, colours: dict, k: float) -> None:
    size = max(10, int(20 * k))
    for step in range(5):
        value = top * step / 4
        y = plot.bottom - int(plot.height * step / 4)
        pygame.draw.line(c.surface, colours["grid"], (plot.left, y), (plot.right, y), 1)
        label = pygame.Rect(plot.left - int(62 * k), y - size // 2, int(56 * k), size)
        c.text(f"{value:g}", label, size, colours["muted"], "center", 1)
    n = max(1, p.sessions)
    every = max(1, -(-n // max(2, int(MAX_DATE_LABELS * plot.width / 1400))))
    for i in range(0, n, every):
        if i < len(p.dates):
            box = pygame.Rect(_x(plot, i, n) - int(50 * k), plot.bottom + int(8 * k), int(100 * k), size)
            c.text(p.dates[i][5:], box, size, colours["muted"], "center", 1)


def _x(plot: pygame.Rect, index: int, n: int) -> int:
    return plot.left + int((index + 0.5) * plot.width / max(1, n))


def _y(plot: pygame.Rect, value: float, top: float) -> int:
    return plot.bottom - int(plot.height * max(0.0, min(value, top)) / top)


def _line_chart(
    c: Canvas,
    rect: pygame.Rect,
    title: str,
    p: Progress,
    series: dict[str, list[tuple[int, float]]],
    top: float | None,
    colours: dict,
    k: float = 1.0,
) -> None:
    plot = _panel(c, rect, title, colours, k)
    points = [v for rows in series.values() for _, v in rows]
    if not points:
        _no_data(c, plot, colours, "Nothing recorded yet", k)
        return
    top = top or _nice_top(max(points))
    _axes(c, plot, p, top, colours, k)
    legend_x = rect.left + int(14 * k)
    r = max(3, int(7 * k))
    for n, (name, rows) in enumerate(series.items()):
        colour = colours["series"][n % len(colours["series"])] if len(series) > 1 else colours["pain"]
        xy = [(_x(plot, i, p.sessions), _y(plot, v, top)) for i, v in rows]
        if len(xy) > 1:
            pygame.draw.lines(c.surface, colour, False, xy, max(2, int(3 * k)))
        for point in xy:
            _marker(c.surface, MARKERS[n % len(MARKERS)], point, r, colour)
        if len(series) > 1:
            _marker(c.surface, MARKERS[n % len(MARKERS)], (legend_x + r, rect.top + int(54 * k)), r, colour)
            box = pygame.Rect(legend_x + 3 * r, rect.top + int(42 * k), int(260 * k), int(24 * k))
            drawn = c.text(name, box, int(22 * k), colours["text"], "left", 1)
            legend_x = drawn.right + int(30 * k)


def _side_chart(c: Canvas, rect: pygame.Rect, p: Progress, colours: dict, k: float = 1.0) -> None:
    """Mean seconds per hold on the left and the right, side by side per session: asymmetry at a glance."""
    plot = _panel(c, rect, "Hold seconds per side (mean per hold)", colours, k)
    if not p.side_seconds:
        _no_data(c, plot, colours, "No holds on a side recorded yet", k)
        return
    name, rows = next(iter(p.side_seconds.items()))  # the routine has one per-side exercise; the first is drawn
    values = [v for _, a, b in rows for v in (a, b) if v is not None]
    top = _nice_top(max(values))
    _axes(c, plot, p, top, colours, k)
    bar = max(3, min(24, plot.width // max(1, p.sessions) // 3))
    for i, left, right in rows:
        x = _x(plot, i, p.sessions)
        for offset, value, side in ((-bar, left, "left"), (0, right, "right")):
            if value is not None:
                y = _y(plot, value, top)
                pygame.draw.rect(c.surface, colours[side], pygame.Rect(x + offset, y, bar - 1, plot.bottom - y))
    legend = pygame.Rect(rect.left + int(14 * k), rect.top + int(42 * k), rect.width - int(28 * k), int(26 * k))
    mean = p.asymmetry(name)
    words = f"{name}: left (blue, first) and right (orange, second)"
    if mean:
        shorter = "left" if mean[0] < mean[1] else "right"
        gap = abs(mean[0] - mean[1]) / max(mean) * 100 if max(mean) else 0.0
        balance = f"{shorter} {gap:.0f}% shorter" if round(gap) else "even"
        words = f"{name}: left (blue) {mean[0]:.0f} s, right (orange) {mean[1]:.0f} s on average; {balance}"
    c.text(words, legend, int(22 * k), colours["text"], "left", 1)


def _table(c: Canvas, rect: pygame.Rect, sessions: list[SessionRecord]) -> None:
    c.text("Last sessions", pygame.Rect(rect.left, rect.top, rect.width, 30), 28, PAPER["text"], "left", 1)
    row_h = max(18, (rect.height - 36) // TABLE_ROWS)
    for k, s in enumerate(sessions[:TABLE_ROWS]):
        y = rect.top + 36 + k * row_h
        if k % 2 == 0:
            pygame.draw.rect(c.surface, PAPER["panel"], pygame.Rect(rect.left, y, rect.width, row_h))
        pain = f"pain {s.pain}/10" if s.pain is not None else "no pain score"
        done = "; ".join(_result_words(r) for r in s.results) or "no exercise finished"
        cells = [
            (s.started_at.replace("T", " ")[:16], 0, 170),
            (s.status.replace("_", " "), 175, 140),
            (pain, 320, 130),
            (done, 455, rect.width - 455),
        ]
        for text, left, width in cells:
            box = pygame.Rect(rect.left + left + 6, y, width - 12, row_h)
            c.text(text, box, min(22, row_h - 4), PAPER["text"], "left", 1)


def _result_words(r) -> str:
    if r.status == "skipped":
        return f"{r.name} skipped"
    if r.detect == "reps":
        return f"{r.name} {r.reps_done}/{r.reps_target} reps, {r.range_deg:.0f} deg"
    sides = [f"{side} {r.seconds_on(side):.0f} s" for side in ("left", "right") if r.seconds_on(side)]
    held = f" ({', '.join(sides)})" if sides else ""
    return f"{r.name} {r.holds_completed}/{r.holds_wanted} holds{held}"


def _nice_top(value: float) -> float:
    """An axis top a little above the data, four whole-number steps, so the grid labels read well."""
    target = value * 1.1
    return float(next((4 * step for step in NICE_STEPS if 4 * step >= target), 4 * NICE_STEPS[-1]))


def _marker(surface: pygame.Surface, shape: str, centre: tuple[int, int], r: int, colour) -> None:
    x, y = centre
    if shape == "circle":
        pygame.draw.circle(surface, colour, centre, r)
    elif shape == "square":
        pygame.draw.rect(surface, colour, pygame.Rect(x - r, y - r, 2 * r, 2 * r))
    elif shape == "triangle":
        pygame.draw.polygon(surface, colour, [(x, y - r - 1), (x - r - 1, y + r), (x + r + 1, y + r)])
    else:
        pygame.draw.polygon(surface, colour, [(x, y - r - 2), (x + r + 2, y), (x, y + r + 2), (x - r - 2, y)])
