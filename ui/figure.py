"""A simple drawn figure showing each exercise's movement, animated so it reads from across a room."""

from __future__ import annotations

import math

import pygame

from .theme import PALETTE


def draw_figure(surface: pygame.Surface, rect: pygame.Rect, motion: str, t: float) -> None:
    """motion: pelvic_tilt | spinal_twist | swiss_ball (anything else: the pelvic tilt)."""
    rect = pygame.Rect(rect)
    s = min(rect.width / 10, rect.height / 6)
    if s < 2:
        return
    phase = (math.sin(2 * math.pi * t / 4.0) + 1) / 2  # a slow 4-second cycle
    w = max(2, int(s * 0.45))
    colour = PALETTE["text"]
    floor_y = rect.centery + 2 * s
    pygame.draw.line(surface, PALETTE["muted"], (rect.left, floor_y), (rect.right, floor_y), max(1, w // 2))
    if motion == "swiss_ball":
        _over_ball(surface, rect, s, phase, w, colour, floor_y)
        return
    head = (rect.centerx - 3.6 * s, floor_y - 0.6 * s)
    hip = pygame.Vector2(rect.centerx + 0.6 * s, floor_y - 0.5 * s)
    if motion == "pelvic_tilt":
        hip.y -= phase * 0.5 * s  # the lower back lifts and settles
    knee = pygame.Vector2(hip.x + 1.7 * s, floor_y - 2.2 * s)
    foot = pygame.Vector2(hip.x + 3.0 * s, floor_y - 0.1 * s)
    if motion == "spinal_twist":
        lean = phase * 1.6 * s  # knees lower to one side, drawn as the knee dropping toward the floor
        knee = pygame.Vector2(knee.x + 0.3 * lean, knee.y + lean)
    pygame.draw.circle(surface, colour, (int(head[0]), int(head[1])), int(0.55 * s))
    shoulder = pygame.Vector2(head[0] + 0.8 * s, floor_y - 0.5 * s)
    for a, b in ((shoulder, hip), (hip, knee), (knee, foot)):
        pygame.draw.line(surface, colour, a, b, w)
    arm = pygame.Vector2(shoulder.x + 0.2 * s, floor_y - 0.1 * s)
    pygame.draw.line(surface, PALETTE["accent"], shoulder, arm, max(2, w - 2))
    if motion == "pelvic_tilt":  # the lower back lifts a little and settles
        _arrow(surface, pygame.Vector2(hip.x - 0.8 * s, floor_y - 2.4 * s), pygame.Vector2(0, -1), s)
        _arrow(surface, pygame.Vector2(hip.x - 0.8 * s, floor_y - 1.4 * s), pygame.Vector2(0, 1), s)
    elif motion == "spinal_twist":  # both knees lower to one side
        start = pygame.Vector2(hip.x + 1.9 * s, floor_y - 3.0 * s)
        _curve(surface, start, s)


def _over_ball(surface, rect, s, phase, w, colour, floor_y) -> None:
    ball_r = 1.4 * s
    ball = pygame.Vector2(rect.centerx, floor_y - ball_r)
    pygame.draw.circle(surface, PALETTE["accent"], ball, ball_r, max(2, w // 2))
    back = ball + pygame.Vector2(0, -ball_r)
    lean = 0.35 + 0.9 * phase  # from sitting up to lying back over the ball
    shoulder = back + pygame.Vector2(-math.sin(lean) * 2.0 * s, -math.cos(lean) * 2.0 * s + 0.6 * s)
    hip = back + pygame.Vector2(1.0 * s, 0.2 * s)
    knee = pygame.Vector2(hip.x + 1.4 * s, hip.y + 0.2 * s)
    foot = pygame.Vector2(knee.x + 0.2 * s, floor_y)
    head = shoulder + pygame.Vector2(-0.5 * s, -0.3 * s)
    pygame.draw.circle(surface, colour, head, int(0.5 * s))
    for a, b in ((shoulder, hip), (hip, knee), (knee, foot)):
        pygame.draw.line(surface, colour, a, b, w)
    _arrow(surface, pygame.Vector2(ball.x - 3.3 * s, ball.y - 1.2 * s), pygame.Vector2(-0.7, 0.7), s)


def _arrow(surface: pygame.Surface, tip: pygame.Vector2, direction: pygame.Vector2, s: float) -> None:
    """A short arrow ending at tip, pointing along direction: which way the body moves."""
    d = direction.normalize()
    tail = tip - d * 0.9 * s
    side = pygame.Vector2(-d.y, d.x) * 0.25 * s
    pygame.draw.line(surface, PALETTE["warn"], tail, tip - d * 0.2 * s, max(2, int(s * 0.15)))
    pygame.draw.polygon(surface, PALETTE["warn"], [tip, tip - d * 0.4 * s + side, tip - d * 0.4 * s - side])


def _curve(surface: pygame.Surface, start: pygame.Vector2, s: float) -> None:
    """A curved arrow over the knees, dropping to the side."""
    points = [
        start + pygame.Vector2(math.sin(a) * 1.2 * s, (1 - math.cos(a)) * 1.2 * s)
        for a in [i * math.pi / 16 for i in range(9)]
    ]
    pygame.draw.lines(surface, PALETTE["warn"], False, points, max(2, int(s * 0.15)))
    _arrow(surface, points[-1] + pygame.Vector2(0, 0.1 * s), points[-1] - points[-2], s * 0.8)
