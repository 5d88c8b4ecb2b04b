"""A simple drawn figure showing each exercise's real movement, animated so it reads from across a room.

Pelvic tilt: lying on the back, knees bent, seen from the side; the hips stay on the floor and the
lower back arches up and presses flat. Spinal twist: seen from the feet, arms out flat, both bent
knees swing down to one side and back. Swiss ball: sitting on the ball, then lying back over it.
"""

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
    floor_y = rect.centery + 2 * s
    pygame.draw.line(surface, PALETTE["muted"], (rect.left, floor_y), (rect.right, floor_y), max(1, w // 2))
    if motion == "swiss_ball":
        _over_ball(surface, rect, s, phase, w, floor_y)
    elif motion == "spinal_twist":
        _twist_from_the_feet(surface, rect, s, phase, w, floor_y)
    else:
        _pelvic_tilt(surface, rect, s, phase, w, floor_y)


def _pelvic_tilt(surface, rect, s, phase, w, floor_y) -> None:
    """Side view: head, shoulders and hips on the floor; the lower back lifts into an arch and flattens."""
    colour = PALETTE["text"]
    head = pygame.Vector2(rect.centerx - 3.8 * s, floor_y - 0.6 * s)
    shoulder = pygame.Vector2(head.x + 1.0 * s, floor_y - 0.45 * s)
    hip = pygame.Vector2(rect.centerx + 0.8 * s, floor_y - 0.45 * s)
    arch = phase * 0.9 * s  # how far the lower back rises off the floor
    control = pygame.Vector2(hip.x - 1.2 * s, floor_y - 0.45 * s - 2 * arch)
    spine = [_bezier(shoulder, control, hip, i / 12) for i in range(13)]
    knee = pygame.Vector2(hip.x + 1.7 * s, floor_y - 2.2 * s)
    foot = pygame.Vector2(hip.x + 3.0 * s, floor_y - 0.1 * s)
    pygame.draw.circle(surface, colour, head, int(0.55 * s))
    pygame.draw.lines(surface, colour, False, spine, w)
    for a, b in ((hip, knee), (knee, foot)):
        pygame.draw.line(surface, colour, a, b, w)
    pygame.draw.line(surface, PALETTE["accent"], shoulder, (shoulder.x + 1.2 * s, floor_y - 0.1 * s), max(2, w - 2))
    apex = pygame.Vector2(hip.x - 1.2 * s, floor_y - 0.45 * s - arch)
    _arrow(surface, apex + pygame.Vector2(-0.5 * s, -1.5 * s), pygame.Vector2(0, -1), s)  # arch up
    _arrow(surface, apex + pygame.Vector2(0.5 * s, -0.6 * s), pygame.Vector2(0, 1), s)  # press flat


def _twist_from_the_feet(surface, rect, s, phase, w, floor_y) -> None:
    """From the feet: shoulders and arms flat along the floor, both knees swinging down to one side."""
    colour = PALETTE["text"]
    centre = pygame.Vector2(rect.centerx, floor_y - 0.4 * s)
    arm = 3.8 * s
    pygame.draw.line(
        surface, PALETTE["accent"], centre - pygame.Vector2(arm, 0), centre + pygame.Vector2(arm, 0), max(2, w - 2)
    )
    pygame.draw.circle(
        surface, colour, centre + pygame.Vector2(0, -0.9 * s), int(0.55 * s)
    )  # the head, beyond the body
    swing = math.radians(70) * phase  # 0: knees up; 70 degrees: lowered to the side
    hips = centre + pygame.Vector2(0, 0.1 * s)
    for dx in (-0.6 * s, 0.6 * s):
        hip = hips + pygame.Vector2(dx, 0)
        knee = hip + pygame.Vector2(math.sin(swing), -math.cos(swing)) * 2.4 * s
        foot = hip + pygame.Vector2(math.sin(swing) * 0.8 * s, 0.2 * s)
        pygame.draw.line(surface, colour, hip, knee, int(w * 1.4))
        pygame.draw.line(surface, PALETTE["muted"], knee, foot, max(2, w // 2))
        pygame.draw.circle(surface, colour, knee, int(w * 0.9))
    pivot = hips
    points = [pivot + pygame.Vector2(math.sin(a), -math.cos(a)) * 3.1 * s for a in [i * 0.1 for i in range(13)]]
    pygame.draw.lines(surface, PALETTE["warn"], False, points, max(2, int(s * 0.15)))
    _arrow(surface, points[-1], points[-1] - points[-2], s * 0.8)


def _over_ball(surface, rect, s, phase, w, floor_y) -> None:
    colour = PALETTE["text"]
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


def _bezier(a: pygame.Vector2, c: pygame.Vector2, b: pygame.Vector2, u: float) -> pygame.Vector2:
    return a * (1 - u) ** 2 + c * 2 * u * (1 - u) + b * u**2


def _arrow(surface: pygame.Surface, tip: pygame.Vector2, direction: pygame.Vector2, s: float) -> None:
    """A short arrow ending at tip, pointing along direction: which way the body moves."""
    d = direction.normalize()
    tail = tip - d * 0.9 * s
    side = pygame.Vector2(-d.y, d.x) * 0.25 * s
    pygame.draw.line(surface, PALETTE["warn"], tail, tip - d * 0.2 * s, max(2, int(s * 0.15)))
    pygame.draw.polygon(surface, PALETTE["warn"], [tip, tip - d * 0.4 * s + side, tip - d * 0.4 * s - side])
