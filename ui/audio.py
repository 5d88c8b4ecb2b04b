"""Sound for a person who cannot see the screen: tones for every cue, and the words when a voice exists.

Tones are synthesized with numpy (no audio files). Spoken cues use espeak-ng when it is
installed, rendered once to a WAV in a cache and replayed from there. No audio device, or no
voice program, is not an error: the kiosk says so once in the log and carries on.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import threading
from pathlib import Path

import numpy as np
import pygame

from backstretch.kiosk.cues import Cue

_log = logging.getLogger(__name__)
RENDER_THREAD = "voice-render"  # the threads that turn words into cached WAV files

RATE = 22050
# kind -> (frequencies in Hz played one after another, seconds each)
TONES = {
    "count": ((880,), 0.12),
    "countdown": ((660,), 0.15),
    "hold": ((660, 990), 0.18),
    "done": ((660, 880, 1100), 0.14),
    "well_done": ((523, 659, 784, 1047), 0.14),
    "broken": ((440, 330), 0.2),
    "switch": ((784, 587), 0.16),
    "rest": ((523,), 0.3),
    "progress": ((740,), 0.08),
    "sensor": ((330, 330), 0.25),
    "still_there": ((600, 800), 0.2),
    "pause": ((500,), 0.15),
    "resume": ((700,), 0.15),
    "stop": ((392, 330, 262), 0.2),
}
DEFAULT_TONE = ((700,), 0.12)


def tone(freqs: tuple[float, ...], seconds: float, volume: float = 0.5) -> np.ndarray:
    """A short chime: each frequency in turn, with soft edges so it does not click. int16 stereo."""
    n = int(RATE * seconds)
    t = np.arange(n) / RATE
    edge = np.minimum(1.0, np.minimum(t, t[::-1]) / 0.01)
    parts = [np.sin(2 * np.pi * f * t) * edge * np.exp(-3 * t) for f in freqs]
    wave = np.concatenate(parts) * volume * 32767
    mono = wave.astype(np.int16)
    return np.column_stack([mono, mono])


def default_cache() -> Path:
    """XDG_CACHE_HOME (the service points it at its CacheDirectory), else ~/.cache."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "backstretch" / "voice"


class Sound:
    """Plays cues; silent (with one log line) when there is no audio device."""

    def __init__(
        self,
        enabled: bool = True,
        volume: float = 0.8,
        voice: bool = True,
        voice_program: str = "espeak-ng",
        cache: Path | None = None,
    ):
        self.volume = volume
        self.ready = False
        self.voice_program = shutil.which(voice_program) if voice and voice_program else None
        self.cache = cache or default_cache()
        self._sounds: dict[str, pygame.mixer.Sound] = {}
        self._speaking: set[str] = set()
        self.problem = ""
        if not enabled:
            self.problem = "audio off in the configuration"
            return
        try:
            pygame.mixer.init(frequency=RATE, size=-16, channels=2)
        except pygame.error as exc:
            self.problem = f"no audio device ({exc}): running silent"
            _log.warning("%s", self.problem)
            return
        self.ready = True
        if voice and not self.voice_program:
            _log.info("no %s installed: tones only, no spoken cues", voice_program)
        self.voice_channel = pygame.mixer.Channel(0)

    def play(self, cue: Cue) -> None:
        if not self.ready:
            return
        key = f"tone:{cue.kind}"
        if key not in self._sounds:
            freqs, seconds = TONES.get(cue.kind, DEFAULT_TONE)
            self._sounds[key] = pygame.sndarray.make_sound(tone(freqs, seconds, 0.4))
        self._sounds[key].set_volume(self.volume)
        self._sounds[key].play()
        if self.voice_program:
            self._say(cue.words)

    def _say(self, words: str) -> None:
        path = self._path(words)
        if path.exists():
            sound = self._sounds.get(str(path)) or pygame.mixer.Sound(str(path))
            self._sounds[str(path)] = sound
            sound.set_volume(self.volume)
            self.voice_channel.play(sound)
        elif words not in self._speaking:  # render in the background; the next time it is said, it plays
            self._speaking.add(words)
            threading.Thread(target=self._render, args=(words, path), name=RENDER_THREAD, daemon=True).start()

    def _render(self, words: str, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            subprocess.run(
                [self.voice_program, "-s", "150", "-w", str(tmp), words], check=True, timeout=20, capture_output=True
            )
            tmp.replace(path)
        except (OSError, subprocess.SubprocessError) as exc:
            _log.warning("voice could not say %r: %s", words, exc)

    def prepare(self, phrases: list[str]) -> None:
        """Render the routine's fixed phrases in the background, so the first session speaks them too."""
        if not (self.ready and self.voice_program):
            return
        missing = [(w, self._path(w)) for w in phrases if not self._path(w).exists()]
        threading.Thread(
            target=lambda: [self._render(w, p) for w, p in missing], name=RENDER_THREAD, daemon=True
        ).start()

    def _path(self, words: str) -> Path:
        return self.cache / (hashlib.sha1(words.encode()).hexdigest()[:16] + ".wav")

    def close(self) -> None:
        """Stop what is playing and let go of the sounds before the mixer goes: SDL's audio thread must
        never mix a buffer that is being freed."""
        if self.ready:
            pygame.mixer.stop()
            self._sounds.clear()
            pygame.mixer.quit()
            self.ready = False
