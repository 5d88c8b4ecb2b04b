"""Display and audio checks for `backstretch doctor`: can SDL open what the kiosk needs?"""

from __future__ import annotations

import os
import shutil

from backstretch.kiosk.config import Config
from backstretch.kiosk.doctor import OK, WARN, Check

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import pygame

SERVICE_DRIVER = "kmsdrm"  # what systemd/backstretch.service sets: the Pi's screen with no desktop
HINT = (
    "on the Pi without a desktop the service uses SDL_VIDEODRIVER=kmsdrm: put the user in the video and "
    "render groups and let no desktop hold the screen; on a laptop run inside a desktop session"
)


def display_check(cfg: Config) -> Check:
    """Whether SDL opens a display with the driver the service will use (kmsdrm), not only the shell's.

    `doctor` runs from a shell (maybe over SSH, maybe on a desktop) while the kiosk runs as the service
    with kmsdrm: a display that works here can still be a black screen there, so both are tried.
    """
    shell = os.environ.get("SDL_VIDEODRIVER", "")
    service = _try_driver(SERVICE_DRIVER)
    if isinstance(service, str):
        here = _try_driver(shell) if shell != SERVICE_DRIVER else service
        also = f"; this shell's {here[0]!r} works" if not isinstance(here, str) else ""
        return Check(
            "display", WARN, f"the service's driver {SERVICE_DRIVER!r} cannot open the screen ({service}){also}: {HINT}"
        )
    driver, size = service
    want = f"{cfg.display.width}x{cfg.display.height}"
    return Check("display", OK, f"SDL video driver {driver!r} (the service's), screen {size} (config asks {want})")


def _try_driver(name: str) -> tuple[str, str] | str:
    """Open SDL's display with driver `name` ('' = SDL's own choice): (driver, size), or why it failed."""
    before = os.environ.get("SDL_VIDEODRIVER")
    if name:
        os.environ["SDL_VIDEODRIVER"] = name
    else:
        os.environ.pop("SDL_VIDEODRIVER", None)
    try:
        pygame.display.init()
        driver = pygame.display.get_driver()
        sizes = pygame.display.get_desktop_sizes()
        return driver, f"{sizes[0][0]}x{sizes[0][1]}" if sizes else "of unknown size"
    except pygame.error as exc:
        return str(exc) or "no reason given"
    finally:
        pygame.display.quit()
        if before is None:
            os.environ.pop("SDL_VIDEODRIVER", None)
        else:
            os.environ["SDL_VIDEODRIVER"] = before


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
