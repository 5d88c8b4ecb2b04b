"""The "Use your phone" screen: the push URL in big type and as a QR code, the token, the app's steps,
where to wear the phone, and whether it is streaming.

The QR code comes from `segno`: pure Python, no dependencies, in Debian and on PyPI, and it hands
over the module matrix, so the code is drawn with pygame at whatever size the screen allows.
"""

from __future__ import annotations

import math

import pygame
import segno

from backstretch.drivers.phone import PhoneStatus
from backstretch.drivers.sample import Health
from backstretch.kiosk import phrases as P
from backstretch.kiosk.commands import Command as C

from .canvas import Canvas
from .theme import PALETTE

REFUSED_SHOWN_S = 60.0  # how long a turned-away second phone is mentioned
OLD_ADDRESS_SHOWN_S = 10.0  # a push with a wrong token this recently: a phone uses an old URL (the token is new)


def status_line(status: PhoneStatus | None) -> tuple[str, str]:
    """(text, palette colour) saying what the phone is doing, for the pairing screen and the idle screen."""
    if status is None:
        return "", "muted"
    f = status.figures
    if status.problem:
        return status.problem, "alert"
    ago = status.refused_device_ago_s
    if status.refused_device and ago is not None and ago < REFUSED_SHOWN_S:
        return P.SECOND_PHONE, "warn"
    if f.connected:
        return P.phone_connected(f.rate_hz), "good"
    wrong = status.wrong_token_ago_s
    if wrong is not None and wrong < OLD_ADDRESS_SHOWN_S:
        return P.OLD_ADDRESS, "warn"
    if f.silent_s is not None:
        return P.phone_silent(f.silent_s), "warn"
    return P.WAITING_FOR_PHONE, "muted"


def lost_hint(health: Health) -> str:
    """What to check when the sensor is lost: a phone is woken, a cable is pushed back in."""
    return P.lost_hint(health.model)


def qr_modules(text: str) -> list[tuple[bool, ...]]:
    """The QR code's modules as rows of dark (True) or light, with the 4-module quiet zone around it."""
    code = segno.make(text, error="m", micro=False)
    return [tuple(bool(m) for m in row) for row in code.matrix_iter(scale=1, border=4)]


def draw_qr(surface: pygame.Surface, rect: pygame.Rect, text: str) -> pygame.Rect:
    """The QR code of `text`, as large as fits in `rect` in whole pixels per module, centred; dark on white."""
    rows = qr_modules(text)
    n = len(rows)
    px = max(1, min(rect.width, rect.height) // n)
    size = n * px
    area = pygame.Rect(0, 0, size, size)
    area.center = rect.center
    surface.fill((255, 255, 255), area)
    for y, row in enumerate(rows):
        for x, dark in enumerate(row):
            if dark:
                surface.fill((0, 0, 0), (area.left + x * px, area.top + y * px, px, px))
    return area


def draw_wearing(surface: pygame.Surface, rect: pygame.Rect) -> None:
    """A person standing, the phone in a belt over the belly, screen out; the wrist crossed out."""
    rect = pygame.Rect(rect)
    s = min(rect.width / 6, rect.height / 10)
    if s < 2:
        return
    w = max(2, int(s * 0.4))
    ink, phone, alert = PALETTE["text"], PALETTE["accent"], PALETTE["alert"]
    cx, top = rect.centerx, rect.centery - 4.6 * s
    head = pygame.Vector2(cx, top + 0.8 * s)
    neck, hip = pygame.Vector2(cx, top + 1.7 * s), pygame.Vector2(cx, top + 5.2 * s)
    pygame.draw.circle(surface, ink, head, int(0.7 * s), w)
    pygame.draw.line(surface, ink, neck, hip, w)
    for side in (-1, 1):
        shoulder = pygame.Vector2(cx, top + 2.2 * s)
        hand = pygame.Vector2(cx + side * 1.5 * s, top + 5.0 * s)
        pygame.draw.line(surface, ink, shoulder, hand, w)
        pygame.draw.line(surface, ink, hip, (cx + side * 1.0 * s, top + 9.2 * s), w)
    belt = pygame.Rect(0, 0, int(2.4 * s), max(2, int(0.35 * s)))
    belt.center = (int(cx), int(top + 4.7 * s))
    pygame.draw.rect(surface, PALETTE["muted"], belt)
    body = pygame.Rect(0, 0, int(0.9 * s), int(1.5 * s))
    body.center = belt.center
    pygame.draw.rect(surface, phone, body, border_radius=max(2, int(0.15 * s)))
    screen = body.inflate(-max(2, int(0.2 * s)), -max(2, int(0.3 * s)))
    pygame.draw.rect(surface, PALETTE["background"], screen)
    hand = pygame.Vector2(cx + 1.5 * s, top + 5.0 * s)  # not on the wrist: the arms lie still in these stretches
    r = 0.45 * s
    for a in (math.pi / 4, 3 * math.pi / 4):
        d = pygame.Vector2(math.cos(a), math.sin(a)) * r
        pygame.draw.line(surface, alert, hand - d, hand + d, max(2, w // 2))


def draw_pairing(c: Canvas, status: PhoneStatus | None, health: Health) -> None:
    """The screen itself; `status` is None when the kiosk is not set up for a phone."""
    lay, head, body, foot = c.layout, c.layout.header(), c.layout.body(), c.layout.footer()
    line, colour = status_line(status)
    streaming = status is not None and status.streaming
    title = P.PHONE_CONNECTED_TITLE if streaming else P.USE_PHONE
    c.text(title, head, "title", PALETTE["good" if streaming else "text"], max_lines=1)
    back = [(P.DONE if streaming else P.BACK, C.HOME)]
    if status is None:
        c.text(P.PHONE_NOT_SET_UP, body, "label", max_lines=6)
        c.button_row(back, foot)
        return
    if lay.kind == "watch":
        c.text(line if streaming else status.url, body, "label", PALETTE[colour], max_lines=3)
        c.button_row(back, foot)
        return
    u = lay.unit
    status_box = pygame.Rect(body.left, body.bottom - 2 * u, body.width, 2 * u)
    body = pygame.Rect(body.left, body.top, body.width, status_box.top - body.top - u // 2)
    if lay.kind == "portrait":
        qr_box = pygame.Rect(body.left, body.top, body.width, int(body.height * 0.36))
        url_box = pygame.Rect(body.left, qr_box.bottom + u // 2, body.width, int(body.height * 0.12))
        text_box = pygame.Rect(body.left, url_box.bottom, body.width, body.bottom - url_box.bottom)
    else:  # the URL across the whole width, in the biggest type that fits; the code and the steps below it
        url_box = pygame.Rect(body.left, body.top, body.width, int(body.height * (0.2 if lay.kind != "small" else 0.3)))
        below = pygame.Rect(body.left, url_box.bottom + u // 2, body.width, body.bottom - url_box.bottom - u // 2)
        qr_box = pygame.Rect(below.left, below.top, min(below.height, int(below.width * 0.36)), below.height)
        text_box = pygame.Rect(qr_box.right + u, below.top, below.right - qr_box.right - u, below.height)
    draw_qr(c.surface, qr_box, status.url)
    c.text(status.url, url_box, url_box.height, PALETTE["accent"], max_lines=1)
    token_box = pygame.Rect(text_box.left, text_box.top, text_box.width, max(u, int(text_box.height * 0.12)))
    c.text(P.token(status.token), token_box, "label", PALETTE["muted"], max_lines=1)
    rest = pygame.Rect(
        text_box.left, token_box.bottom + u // 2, text_box.width, text_box.bottom - token_box.bottom - u // 2
    )
    if lay.kind == "small":
        c.text(P.WEAR_PHONE, rest, "label", max_lines=4, align="left")
    else:
        figure_w = min(rest.height // 2, rest.width // 4)
        steps_box = pygame.Rect(rest.left, rest.top, rest.width - figure_w, rest.height)
        wear_box = pygame.Rect(rest.right - figure_w, rest.top, figure_w, rest.height)
        c.text("\n".join((*P.PAIR_STEPS, "", P.WEAR_PHONE)), steps_box, "label", max_lines=10, align="left")
        draw_wearing(c.surface, wear_box)
    c.text(line, status_box, "line", PALETTE[colour], max_lines=1)
    c.button_row(back, foot)


def wear_picture(size: tuple[int, int] = (640, 400)) -> pygame.Surface:
    """The README's picture of where the phone goes: the figure, and the words beside it."""
    canvas = Canvas.for_surface(pygame.Surface(size))
    canvas.clear()
    w, h = size
    u = canvas.layout.unit
    draw_wearing(canvas.surface, pygame.Rect(u, u, w * 2 // 5, h - 2 * u))
    words = pygame.Rect(w * 2 // 5 + 2 * u, u, w * 3 // 5 - 3 * u, h - 2 * u)
    top, middle, bottom = (
        pygame.Rect(words.left, words.top + i * words.height // 3, words.width, words.height // 3) for i in range(3)
    )
    canvas.text(P.WEAR_TITLE, top, "title", PALETTE["accent"], max_lines=2, align="left")
    canvas.text(P.WEAR_HOW, middle, "line", max_lines=4, align="left")
    canvas.text(P.WEAR_NOT_WRIST, bottom, "line", PALETTE["alert"], max_lines=4, align="left")
    return canvas.surface
