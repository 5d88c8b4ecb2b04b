"""Sound for a person who cannot see the screen: tones for every cue, and the words when a voice exists.

Tones are synthesized with numpy (no audio files). Spoken cues use espeak-ng when it is
installed, rendered once to a WAV in a cache and replayed from there; every phrase the routine
can say is rendered at start-up (`prepare`). Cues go through one queue onto one channel: each
cue's tone, then its words, then the next cue, so nothing cuts anything off and a tone never
sums with the voice (no clipping). A count or a "20 seconds" that a newer one of its kind has
overtaken in the queue is dropped (the newer one is the truth); every other cue is said however
late it comes (safety, completion, a countdown, what to do: `Cue.keep`). A cue whose words are
still being rendered waits for them up to RENDER_WAIT_S. No audio device, or no voice program,
is not an error: the kiosk says so once in the log and carries on.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import threading
import time
from collections import deque
from dataclasses import dataclass
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
TONE_LEVEL = 0.4  # of full scale, before the volume: the voice is the loudest thing
RENDER_WAIT_S = 4.0  # a cue whose words are not rendered yet waits this long, then goes as a tone alone
PLAYED_KEPT = 64


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


@dataclass
class Queued:
    cue: Cue
    at: float  # when it was queued (monotonic)


@dataclass(frozen=True)
class Played:
    """A cue that went to the speaker: its words, when it started, and how long its sound lasts."""

    words: str
    kind: str
    started: float
    seconds: float
    spoken: bool


class Sound:
    """Plays cues in order through one queue; silent (with one log line) when there is no audio device."""

    def __init__(
        self,
        enabled: bool = True,
        volume: float = 0.8,
        voice: bool = True,
        voice_program: str = "espeak-ng",
        cache: Path | None = None,
        clock=time.monotonic,
    ):
        self.volume = volume
        self.ready = False
        self.voice_program = shutil.which(voice_program) if voice and voice_program else None
        self.cache = cache or default_cache()
        self.clock = clock
        self._sounds: dict[str, pygame.mixer.Sound] = {}
        self._rendering: dict[str, threading.Event] = {}
        self._queue: deque[Queued] = deque()
        self.played: deque[Played] = deque(maxlen=PLAYED_KEPT)
        self.dropped: deque[str] = deque(maxlen=PLAYED_KEPT)
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
        """Queue a cue; it plays after everything queued before it has played in full."""
        if not self.ready:
            return
        self._queue.append(Queued(cue, self.clock()))
        if self.voice_program and not self._path(cue.words).exists():
            self._render_soon(cue.words)
        self.update()

    @property
    def busy(self) -> bool:
        return self.ready and (bool(self._queue) or self.voice_channel.get_busy())

    def update(self) -> None:
        """Once a frame: when the channel is free, the next cue that is still worth saying starts."""
        if not self.ready or self.voice_channel.get_busy():
            return
        now = self.clock()
        while self._queue:
            head = self._queue[0]
            if not head.cue.keep and any(q.cue.kind == head.cue.kind for q in list(self._queue)[1:]):
                self.dropped.append(self._queue.popleft().cue.words)
                continue
            voice = self._voice(head.cue.words)
            if voice is None and self._waiting_for(head, now):
                return
            self._queue.popleft()
            self._start(head.cue, voice, now)
            return

    def _waiting_for(self, head: Queued, now: float) -> bool:
        """True while the head's words are being rendered and it has not waited too long."""
        event = self._rendering.get(head.cue.words)
        return event is not None and not event.is_set() and now - head.at < RENDER_WAIT_S

    def _start(self, cue: Cue, voice: pygame.mixer.Sound | None, now: float) -> None:
        chime = self._tone(cue.kind)
        self.voice_channel.play(chime)
        seconds = chime.get_length()
        if voice is not None:
            self.voice_channel.queue(voice)  # straight after the tone, on the same channel: never over it
            seconds += voice.get_length()
        self.played.append(Played(cue.words, cue.kind, now, seconds, voice is not None))
        if voice is None and self.voice_program:
            _log.info("said as a tone only (the voice was not ready): %r", cue.words)

    def _tone(self, kind: str) -> pygame.mixer.Sound:
        key = f"tone:{kind}"
        if key not in self._sounds:
            freqs, seconds = TONES.get(kind, DEFAULT_TONE)
            self._sounds[key] = pygame.sndarray.make_sound(tone(freqs, seconds, TONE_LEVEL))
            self._sounds[key].set_volume(self.volume)
        return self._sounds[key]

    def _voice(self, words: str) -> pygame.mixer.Sound | None:
        if not self.voice_program:
            return None
        path = self._path(words)
        if str(path) in self._sounds:
            return self._sounds[str(path)]
        if not path.exists():
            return None
        try:
            sound = pygame.mixer.Sound(str(path))
        except pygame.error as exc:
            _log.warning("voice file %s unreadable: %s", path, exc)
            return None
        sound.set_volume(self.volume)
        self._sounds[str(path)] = sound
        return sound

    def _render_soon(self, words: str) -> None:
        if words in self._rendering:
            return
        done = self._rendering[words] = threading.Event()
        threading.Thread(target=self._render, args=(words, done), name=RENDER_THREAD, daemon=True).start()

    def _render(self, words: str, done: threading.Event | None = None) -> None:
        path = self._path(words)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{threading.get_ident()}.tmp")
            subprocess.run(
                [self.voice_program, "-s", "150", "-w", str(tmp), words], check=True, timeout=20, capture_output=True
            )
            tmp.replace(path)
        except (OSError, subprocess.SubprocessError) as exc:
            _log.warning("voice could not say %r: %s", words, exc)
        finally:
            if done is not None:
                done.set()

    def prepare(self, phrases: list[str]) -> threading.Thread | None:
        """Render every phrase the routine can say, in the background, so the first session speaks them all.

        A cue that comes before its phrase is ready waits for it (RENDER_WAIT_S at most)."""
        if not (self.ready and self.voice_program):
            return None
        missing = [w for w in dict.fromkeys(phrases) if not self._path(w).exists() and w not in self._rendering]
        events = {w: threading.Event() for w in missing}
        self._rendering.update(events)

        def render_all() -> None:
            for words in missing:
                self._render(words, events[words])

        thread = threading.Thread(target=render_all, name=RENDER_THREAD, daemon=True)
        thread.start()
        return thread

    def clear(self) -> None:
        """Forget what is queued and stop what is playing (the kiosk is starting over)."""
        if self.ready:
            self._queue.clear()
            self.voice_channel.stop()

    def _path(self, words: str) -> Path:
        return self.cache / (hashlib.sha1(words.encode()).hexdigest()[:16] + ".wav")

    def close(self) -> None:
        """Stop what is playing and let go of the sounds before the mixer goes: SDL's audio thread must
        never mix a buffer that is being freed."""
        if self.ready:
            self._queue.clear()
            pygame.mixer.stop()
            self._sounds.clear()
            pygame.mixer.quit()
            self.ready = False
