"""Sound: tones always, the words when espeak-ng is there, silence (said once) without a sound card."""

import logging
import os
import shutil
import threading

import pygame
import pytest

from backstretch.kiosk.cues import Cue
from backstretch.ui.audio import RENDER_THREAD, Sound, tone


def test_without_a_sound_card_the_app_is_silent_and_says_so(monkeypatch, caplog):
    monkeypatch.setenv("SDL_AUDIODRIVER", "no-such-driver")
    pygame.mixer.quit()
    with caplog.at_level(logging.WARNING, logger="backstretch.ui.audio"):
        sound = Sound(enabled=True)
        sound.play(Cue("count", "1"))  # harmless, and not said again
    assert not sound.ready and "running silent" in sound.problem
    [line] = caplog.messages
    assert line.startswith("no audio device") and line.endswith("running silent")


def test_tones_are_short_soft_edged_stereo():
    wave = tone((660, 990), 0.1, 0.5)
    assert wave.shape == (2 * 2205, 2) and abs(int(wave[0, 0])) < 200 and wave.max() > 8000


def test_spoken_cues_are_rendered_once_and_replayed_from_the_cache(tmp_path):
    if shutil.which("espeak-ng") is None:
        if os.environ.get("BACKSTRETCH_CI"):
            pytest.fail("espeak-ng is missing in CI")
        pytest.skip("espeak-ng is not installed")
    sound = Sound(cache=tmp_path)
    assert sound.ready and sound.voice_program
    cue = Cue("intro", "Pelvic tilt. Lie on your back, knees bent.")
    sound.play(cue)  # renders in the background
    for thread in [t for t in threading.enumerate() if t.name == RENDER_THREAD]:
        thread.join(30)
    wavs = list(tmp_path.glob("*.wav"))
    assert len(wavs) == 1 and wavs[0].stat().st_size > 10_000
    sound.play(cue)  # from the cache now: nothing more to render, the voice plays it
    assert not [t for t in threading.enumerate() if t.name == RENDER_THREAD]
    assert sound.voice_channel.get_sound() is not None
    sound.close()


def test_voice_cache_follows_xdg_cache_home(monkeypatch, tmp_path):
    from backstretch.ui.audio import default_cache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache() == tmp_path / "backstretch" / "voice"
