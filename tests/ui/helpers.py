"""Input the window tests give the real window."""

from __future__ import annotations

import pygame


def finger_on(window, button) -> None:
    """A finger on the middle of `button`, posted as a touch screen sends it (0..1 across the screen)."""
    w, h = window.screen.get_size()
    x, y = button.rect.centerx / w, button.rect.centery / h
    pygame.event.post(pygame.event.Event(pygame.FINGERDOWN, x=x, y=y, touch_id=0, finger_id=0))
