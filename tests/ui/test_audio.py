"""Sound: tones always, the words when espeak-ng is there, silence (said once) without a sound card."""

import itertools
import logging
import os
import shutil
import threading

import pygame
import pytest

from backstretch.kiosk import phrases
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


# -- the voice queue, through the real mixer (SDL's dummy or disk driver plays in real time) --------

FAKE_VOICE = """#!{python}
import sys, wave, struct
out = sys.argv[sys.argv.index("-w") + 1]
words = sys.argv[-1]
n = int(22050 * 0.05 * len(words.split()))  # 50 ms a word
with wave.open(out, "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(22050)
    w.writeframes(b"".join(struct.pack("<h", 12000 if (i // 25) % 2 else -12000) for i in range(n)))
"""


@pytest.fixture
def fake_voice(tmp_path):
    """A stand-in for espeak-ng: writes a square wave, 50 ms a word, to the -w file."""
    import sys

    script = tmp_path / "fake-espeak"
    script.write_text(FAKE_VOICE.format(python=sys.executable))
    script.chmod(0o755)
    return str(script)


def play_out(sound):
    """Let the queue run until everything queued has played (a real mixer plays in real time)."""
    import time

    while sound.busy:
        sound.update()
        time.sleep(0.005)


def test_overlapping_cues_play_in_order_and_none_is_cut(tmp_path, fake_voice):
    sound = Sound(cache=tmp_path / "cache", voice_program=fake_voice)
    said = ["Lower your knees to the left.", "3", "Well done. Relax.", phrases.PAIN_STOP]
    sound.prepare(said).join()
    for kind, words in zip(("position", "countdown", "done", "stop"), said, strict=True):
        sound.play(Cue(kind, words))  # all in the same frame, as the engine may say them
    play_out(sound)
    played = list(sound.played)
    assert [p.words for p in played] == said and all(p.spoken for p in played)
    for before, after in itertools.pairwise(played):
        assert after.started >= before.started + before.seconds - 0.05, f"{after.words!r} cut {before.words!r}"
    sound.close()


def test_a_count_overtaken_by_a_newer_one_is_dropped_but_safety_and_completion_never_are(tmp_path, fake_voice):
    sound = Sound(cache=tmp_path / "cache", voice_program=fake_voice)
    intro = "Pelvic tilt. Lie on your back, knees bent. Arms out, palms flat on the floor."
    sound.prepare([intro, "7", "8", "Well done.", phrases.SENSOR_LOST]).join()
    sound.play(Cue("intro", intro))
    for kind, words in (("count", "7"), ("count", "8"), ("well_done", "Well done."), ("sensor", phrases.SENSOR_LOST)):
        sound.play(Cue(kind, words))  # all while the intro is still being said
    play_out(sound)
    assert [p.words for p in sound.played] == [intro, "8", "Well done.", phrases.SENSOR_LOST]
    assert list(sound.dropped) == ["7"]
    sound.close()


def test_a_phrase_still_being_rendered_is_waited_for_not_skipped(tmp_path, fake_voice):
    sound = Sound(cache=tmp_path / "cache", voice_program=fake_voice)
    sound.play(Cue("rest", "Rest. Next: Spinal twist."))  # first use, nothing prepared
    play_out(sound)
    [played] = sound.played
    assert played.spoken
    sound.close()


def test_tone_and_voice_never_overlap_so_nothing_clips(tmp_path, fake_voice, monkeypatch):
    import numpy as np

    raw = tmp_path / "out.raw"
    monkeypatch.setenv("SDL_AUDIODRIVER", "disk")
    monkeypatch.setenv("SDL_DISKAUDIOFILE", str(raw))
    pygame.mixer.quit()
    sound = Sound(cache=tmp_path / "cache", voice_program=fake_voice, volume=1.0)
    sound.prepare(["Hold."]).join()
    for _ in range(3):
        sound.play(Cue("hold", "Hold."))
    play_out(sound)
    sound.close()
    pcm = np.frombuffer(raw.read_bytes(), dtype=np.int16)
    assert pcm.size > 0
    # the voice alone peaks at 12000 and the tone at 0.4 of full scale (13107); summed they would reach 25000
    assert np.abs(pcm.astype(np.int32)).max() < max(12000, 0.4 * 32767) * 1.1
