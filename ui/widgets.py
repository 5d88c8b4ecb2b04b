"""Drawn pieces the screens share: the angle gauge, the hold ring, progress dots and a small bar chart."""

from __future__ import annotations

import math

import pygame

from .theme import PALETTE


def gauge(
    surface: pygame.Surface,
    rect: pygame.Rect,
    angle: float,
    zone: tuple[float, float] | None,
    top: float,
    in_zone: bool,
) -> None:
    """A horizontal bar of the body's angle from the start pose, with the target zone shaded."""
    rect = pygame.Rect(rect)
    pygame.draw.rect(surface, PALETTE["panel"], rect, border_radius=rect.height // 3)
    if zone:
        a = rect.left + int(rect.width * min(zone[0], top) / top)
        b = rect.left + int(rect.width * min(zone[1], top) / top)
        pygame.draw.rect(surface, PALETTE["zone"], pygame.Rect(a, rect.top, max(2, b - a), rect.height))
    x = rect.left + int(rect.width * max(0.0, min(angle, top)) / top)
    colour = PALETTE["good"] if in_zone else PALETTE["accent"]
    pygame.draw.rect(
        surface,
        colour,
        pygame.Rect(rect.left, rect.top, max(4, x - rect.left), rect.height),
        border_radius=rect.height // 3,
    )
    pygame.draw.line(surface, PALETTE["text"], (x, rect.top - 4), (x, rect.bottom + 4), 3)


def ring(surface: pygame.Surface, centre: tuple[int, int], radius: int, fraction: float, running: bool) -> None:
    """The hold timer: a ring that fills only while the body is in position."""
    width = max(4, radius // 6)
    pygame.draw.circle(surface, PALETTE["panel"], centre, radius, width)
    fraction = max(0.0, min(1.0, fraction))
    if fraction <= 0:
        return
    colour = PALETTE["good"] if running else PALETTE["warn"]
    steps = max(2, int(120 * fraction))
    angles = [-math.pi / 2 + 2 * math.pi * fraction * i / steps for i in range(steps + 1)]
    outer = [(centre[0] + radius * math.cos(a), centre[1] + radius * math.sin(a)) for a in angles]
    inner = [
        (centre[0] + (radius - width) * math.cos(a), centre[1] + (radius - width) * math.sin(a))
        for a in reversed(angles)
    ]
    pygame.draw.polygon(surface, colour, outer + inner)  # a filled band, smooth at any thickness


def dots(surface: pygame.Surface, rect: pygame.Rect, done: int, total: int) -> None:
    """One dot per rep or hold, filled when done."""
    if total <= 0:
        return
    r = max(3, min(rect.height // 2, rect.width // (3 * total)))
    gap = (rect.width - 2 * r * total) // max(1, total)
    x = rect.left + gap // 2 + r
    for i in range(total):
        colour = PALETTE["good"] if i < done else PALETTE["panel"]
        pygame.draw.circle(surface, colour, (x, rect.centery), r)
        x += 2 * r + gap


def bars(surface: pygame.Surface, rect: pygame.Rect, values: list[float], target: float) -> None:
    """A small chart: one bar per value against a target line (reps' range, or seconds per hold)."""
    if not values:
        return
    top = max(max(values), target, 1e-6) * 1.1
    n = len(values)
    w = max(2, rect.width // (2 * n))
    for i, v in enumerate(values):
        h = int(rect.height * v / top)
        x = rect.left + int((i + 0.5) * rect.width / n) - w // 2
        colour = PALETTE["good"] if v >= target else PALETTE["warn"]
        pygame.draw.rect(surface, colour, pygame.Rect(x, rect.bottom - h, w, h))
    if target:
        y = rect.bottom - int(rect.height * target / top)
        pygame.draw.line(surface, PALETTE["muted"], (rect.left, y), (rect.right, y), 1)


def tick(surface: pygame.Surface, centre: tuple[int, int], size: int, colour=None) -> None:
    """A check mark: done, readable without colour."""
    cx, cy = centre
    points = [(cx - size * 0.5, cy), (cx - size * 0.15, cy + size * 0.35), (cx + size * 0.55, cy - size * 0.4)]
    pygame.draw.lines(surface, colour or PALETTE["good"], False, points, max(3, size // 6))


def trend(surface: pygame.Surface, rect: pygame.Rect, values: list[float]) -> None:
    """Range of movement over the last sessions, oldest first; the newest bar in the accent colour."""
    if not values or rect.width < 4 or rect.height < 4:
        return
    top = max(max(values), 1e-6) * 1.1
    n = len(values)
    w = max(2, rect.width // (2 * n))
    for i, v in enumerate(values):
        h = max(1, int(rect.height * v / top))
        x = rect.left + int((i + 0.5) * rect.width / n) - w // 2
        colour = PALETTE["accent"] if i == n - 1 else PALETTE["muted"]
        pygame.draw.rect(surface, colour, pygame.Rect(x, rect.bottom - h, w, h))
    pygame.draw.line(surface, PALETTE["panel"], (rect.left, rect.bottom), (rect.right, rect.bottom), 1)
