"""Display and audio checks for `backstretch doctor`: can SDL open what the kiosk needs?"""

from __future__ import annotations

import os
import shutil

from backstretch.kiosk.config import Config
from backstretch.kiosk.doctor import OK, WARN, Check

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import pygame


def display_check(cfg: Config) -> Check:
    asked = os.environ.get("SDL_VIDEODRIVER", "")
    try:
        pygame.display.init()
    except pygame.error as exc:
        hint = (
            "on the Pi without a desktop set SDL_VIDEODRIVER=kmsdrm and put the user in the video and "
            "render groups; on a laptop run inside a desktop session"
        )
        return Check("display", WARN, f"SDL cannot open a display{f' with {asked!r}' if asked else ''} ({exc}): {hint}")
    try:
        driver = pygame.display.get_driver()
        sizes = pygame.display.get_desktop_sizes()
    finally:
        pygame.display.quit()
    size = f"{sizes[0][0]}x{sizes[0][1]}" if sizes else "unknown size"
    want = f"{cfg.display.width}x{cfg.display.height}"
    return Check("display", OK, f"SDL video driver {driver!r}, screen {size} (config asks {want})")


def audio_check(cfg: Config) -> Check:
    if not cfg.audio.enabled:
        return Check("audio", OK, "off (audio.enabled = false)")
    try:
        pygame.mixer.init()
    except pygame.error as exc:
        return Check("audio", WARN, f"no audio device ({exc}): the kiosk will run silent")
    try:
        driver = pygame.mixer.get_init()
    finally:
        pygame.mixer.quit()
    voice = cfg.audio.voice_program
    if not cfg.audio.voice:
        spoken = "voice off (audio.voice = false): tones only"
    elif shutil.which(voice):
        spoken = f"spoken cues with {voice}"
    else:
        return Check(
            "audio",
            WARN,
            f"mixer ready, but {voice} is not installed: tones only (sudo apt install {voice} for spoken cues)",
        )
    return Check("audio", OK, f"mixer ready ({driver[0]} Hz, {driver[2]} channels), {spoken}")
