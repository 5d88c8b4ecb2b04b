"""`analyze --plot`: the angle over time with the zone, counted reps and holds, drawn off-screen.

Drawn with pygame onto a Surface (no display needed), so a person tuning the detectors can see
why they counted what they counted.
"""

from __future__ import annotations

import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import pygame

from backstretch.kiosk.motion.events import Calibrated, HoldEnded, MotionEvent, RepCounted

from .theme import PALETTE

WIDTH, HEIGHT = 1600, 500
MARGIN_L, MARGIN_R, MARGIN_T, MARGIN_B = 70, 20, 40, 50


def plot_trace(
    path: str,
    title: str,
    trace: list[tuple[float, float]],
    events: list[MotionEvent],
    zone: tuple[float, float] | None = None,
) -> None:
    """trace: (t, angle in degrees) per frame; zone: the hold zone to shade."""
    pygame.font.init()
    surface = pygame.Surface((WIDTH, HEIGHT))
    surface.fill(PALETTE["background"])
    font = pygame.font.Font(None, 22)
    if not trace:
        trace = [(0.0, 0.0), (1.0, 0.0)]
    t0, t1 = trace[0][0], max(trace[-1][0], trace[0][0] + 1e-3)
    top = max(10.0, max(a for _, a in trace) * 1.1, zone[0] * 1.2 if zone else 0.0)
    plot = pygame.Rect(MARGIN_L, MARGIN_T, WIDTH - MARGIN_L - MARGIN_R, HEIGHT - MARGIN_T - MARGIN_B)

    def x(t: float) -> int:
        return plot.left + int((t - t0) / (t1 - t0) * plot.width)

    def y(a: float) -> int:
        return plot.bottom - int(min(a, top) / top * plot.height)

    if zone:
        band = pygame.Rect(plot.left, y(min(zone[1], top)), plot.width, y(zone[0]) - y(min(zone[1], top)))
        pygame.draw.rect(surface, PALETTE["zone"], band)
    for e in events:
        if isinstance(e, HoldEnded):
            colour = PALETTE["good"] if e.completed else PALETTE["warn"]
            pygame.draw.rect(surface, colour, pygame.Rect(x(e.start), plot.top, max(2, x(e.end) - x(e.start)), 8))
            label = f"{e.side or 'hold'} {e.seconds:.0f}s"
            surface.blit(font.render(label, True, PALETTE["text"]), (x(e.start), plot.top + 10))
        elif isinstance(e, RepCounted):
            pygame.draw.line(surface, PALETTE["accent"], (x(e.t), plot.top), (x(e.t), plot.bottom), 1)
            surface.blit(font.render(str(e.count), True, PALETTE["accent"]), (x(e.t) + 2, plot.bottom - 18))
        elif isinstance(e, Calibrated):
            pygame.draw.line(surface, PALETTE["muted"], (x(e.t), plot.top), (x(e.t), plot.bottom), 2)
            surface.blit(font.render(f"calibrated ({e.quality})", True, PALETTE["muted"]), (x(e.t) + 3, plot.top + 26))
    points = [(x(t), y(a)) for t, a in trace]
    pygame.draw.lines(surface, PALETTE["text"], False, points, 2)
    pygame.draw.rect(surface, PALETTE["muted"], plot, 1)
    for k in range(5):
        a = top * k / 4
        surface.blit(font.render(f"{a:.0f} deg", True, PALETTE["muted"]), (8, y(a) - 8))
    step = max(1, int((t1 - t0) / 12))
    for s in range(int(t0), int(t1) + 1, step):
        surface.blit(font.render(f"{s} s", True, PALETTE["muted"]), (x(s) - 10, plot.bottom + 8))
    surface.blit(pygame.font.Font(None, 28).render(title, True, PALETTE["text"]), (MARGIN_L, 10))
    pygame.image.save(surface, path)
