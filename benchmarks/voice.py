"""Is every word heard? A whole routine in the real window, its speaker output captured and checked.

Run: .venv/bin/python benchmarks/voice.py [--json] [--duration S] [--pain-at S] [--performer sloppy]   (~13 min)

`backstretch simulate --performer auto --speed 1` runs in this process with the voice on a fresh
cache (so the start-up rendering is part of the test) and SDL's disk audio driver writing exactly
what the mixer sends to the speaker. Every cue the voice starts is noted (words, tone and voice
lengths); afterwards each is looked for in the capture: the loudness envelope of its tone and
words (from the voice cache) must match the captured one (correlation above 0.9) and the last
30 % of its sounding part must be there at its full level (a cut shows there), in the order the
cues were started. Prints cues queued, started, spoken, tone only, dropped, heard in full, how
long each waited behind earlier words, and clipped samples. In a desktop session the window
shows; without one, Xvfb is used when installed, else SDL's dummy video driver. `--pain-at S`
taps "It hurts" S seconds in, then 8, with mouse events on the buttons drawn: the advice to stop
must then be the last thing said, and heard in full.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

RATE = 22050  # the mixer's rate (ui/audio.py)
WIN = 220  # 10 ms envelope frames
SEARCH = 60  # frames either side of where a cue should be (the disk driver's clock drifts a little)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--duration", type=float, default=1500.0, help="stop after this many seconds")
    ap.add_argument("--pain-at", type=float, help="tap It hurts, then 8, this many seconds in")
    ap.add_argument("--performer", choices=("auto", "sloppy"), default="auto", help="sloppy: broken holds, wrong side")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="voice-") as tmp:
        work = Path(tmp)
        xvfb = _display()
        try:
            log = _run(work, args.duration, args.pain_at, args.performer)
        finally:
            if xvfb is not None:
                xvfb.terminate()
        result = check(work / "out.raw", log, work / "cache" / "backstretch" / "voice")
    if args.json:
        print(json.dumps({k: v for k, v in result.items() if k != "cues"}))
        return
    for c in result["cues"]:
        mark = "ok " if c["heard"] else "NOT HEARD IN FULL"
        print(f"{c['at_s']:8.2f} s {c['seconds']:5.2f} s  waited {c['waited_s']:4.2f} s  {mark}  {c['words'][:70]}")
    print(
        f"cues queued {result['queued']}, started {result['started']}, spoken {result['spoken']}, tone only "
        f"{result['tone_only']}, dropped {result['dropped']}, heard in full and in order {result['heard_in_full']}; "
        f"longest wait behind earlier words {result['longest_wait_s']} s; clipped samples {result['clipped']}; "
        f"{result['sound_s']} s of sound in {result['capture_s']} s"
    )
    if result["taps"]:
        print(
            f"tapped {', '.join(result['taps'])}: advice to stop said last and heard in full: "
            f"{result['pain_advice_last_and_heard']}"
        )


def _display() -> subprocess.Popen | None:
    """A display for the window: the desktop's, else a private Xvfb, else none (SDL's dummy driver)."""
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    if shutil.which("Xvfb"):
        number = 90 + os.getpid() % 100
        proc = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", "1024x768x24", "-nolisten", "tcp"])
        time.sleep(1.0)
        os.environ["DISPLAY"] = f":{number}"
        return proc
    os.environ["SDL_VIDEODRIVER"] = "dummy"
    return None


def _run(work: Path, duration: float, pain_at: float | None, performer: str) -> list[dict]:
    """The simulator in this process, with every cue the voice queues, starts and drops noted."""
    os.environ.update(
        SDL_AUDIODRIVER="disk", SDL_DISKAUDIOFILE=str(work / "out.raw"), XDG_CACHE_HOME=str(work / "cache")
    )
    import pygame

    from backstretch.kiosk import cli
    from backstretch.ui import audio, window

    log: list[dict] = []
    t0 = time.monotonic()
    play, start, update = audio.Sound.play, audio.Sound._start, audio.Sound.update

    def note(**kw) -> None:
        log.append({"t": time.monotonic() - t0, **kw})

    def noted_play(self, cue):
        note(ev="queued", kind=cue.kind, words=cue.words)
        return play(self, cue)

    def noted_start(self, cue, voice, now):
        tone_s = self._tone(cue.kind).get_length()
        note(ev="started", kind=cue.kind, words=cue.words, tone_s=tone_s, voice_s=voice.get_length() if voice else 0)
        return start(self, cue, voice, now)

    def noted_update(self):
        before = len(self.dropped)
        update(self)
        for words in list(self.dropped)[before:]:
            note(ev="dropped", words=words)

    audio.Sound.play, audio.Sound._start, audio.Sound.update = noted_play, noted_start, noted_update
    taps = [] if pain_at is None else [(pain_at, None), (pain_at + 3.0, 8)]  # It hurts, then 8
    frame = window.KioskWindow.frame

    def tapping_frame(self):
        if taps and time.monotonic() - t0 >= taps[0][0]:
            _, value = taps.pop(0)
            [button] = [b for b in self.canvas.buttons if b.command == "pain" and b.value == value]
            note(ev="tap", words=button.label)
            pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=button.rect.center))
        return frame(self)

    window.KioskWindow.frame = tapping_frame
    argv = ["simulate", "--performer", performer, "--speed", "1", "--duration", str(duration)]
    cli.main([*argv, "--data-dir", str(work / "data")])
    return log


def _envelope(x: np.ndarray) -> np.ndarray:
    n = len(x) // WIN
    return np.sqrt((x[: n * WIN].astype(np.float64).reshape(n, WIN) ** 2).mean(axis=1))


def _expected(cue: dict, cache: Path, volume: float) -> np.ndarray:
    """The envelope the speaker should have played for a cue: its tone, then its words."""
    from backstretch.ui.audio import DEFAULT_TONE, TONE_LEVEL, TONES, tone

    freqs, seconds = TONES.get(cue["kind"], DEFAULT_TONE)
    parts = [tone(freqs, seconds, TONE_LEVEL)[:, 0] * volume]
    if cue["voice_s"]:
        path = cache / (hashlib.sha1(cue["words"].encode()).hexdigest()[:16] + ".wav")
        with wave.open(str(path)) as w:
            parts.append(np.frombuffer(w.readframes(w.getnframes()), "<i2") * volume)
    return _envelope(np.concatenate(parts))


def check(capture: Path, log: list[dict], cache: Path, volume: float = 0.8) -> dict:
    """Find every started cue in the capture, in order, and say whether all of it was played."""
    raw = np.fromfile(capture, dtype="<i2").reshape(-1, 2)[:, 0]
    env = _envelope(raw)
    started = [e for e in log if e["ev"] == "started"]
    queued_at: dict[str, list[float]] = {}
    for e in log:
        if e["ev"] == "queued":
            queued_at.setdefault(e["words"], []).append(e["t"])
    offset = int(np.argmax(env > 200)) - round(started[0]["t"] * RATE / WIN) if started else 0
    cues, drift, end = [], 0, -1
    for e in started:
        want = _expected(e, cache, volume)
        guess = round(e["t"] * RATE / WIN) + offset + drift
        if guess + len(want) > len(env):
            break  # after the capture stopped
        best, at = -2.0, guess
        for i in range(max(0, guess - SEARCH), guess + SEARCH + 1):
            got = env[i : i + len(want)]
            if len(got) == len(want) and got.std() > 0:
                c = float(np.corrcoef(want, got)[0, 1])
                if c > best:
                    best, at = c, i
        drift += at - guess
        got = env[at : at + len(want)]
        loud = np.flatnonzero(want > 0.1 * want.max())
        tail = loud[int(len(loud) * 0.7) :]
        level = float(got[tail].sum() / max(1e-9, want[tail].sum()))
        heard = best > 0.9 and 0.8 < level < 1.25 and at >= end - 2
        end = at + len(want)
        waited = e["t"] - queued_at[e["words"]].pop(0)
        cues.append(
            {
                "at_s": round(at * WIN / RATE, 2),
                "seconds": round(len(want) * WIN / RATE, 2),
                "waited_s": round(waited, 2),
                "match": round(best, 3),
                "tail_level": round(level, 2),
                "heard": heard,
                "words": e["words"],
            }
        )
    from backstretch.kiosk.phrases import PAIN_STOP

    return {
        "taps": [e["words"] for e in log if e["ev"] == "tap"],
        "pain_advice_last_and_heard": bool(cues) and cues[-1]["words"] == PAIN_STOP and cues[-1]["heard"],
        "queued": sum(1 for e in log if e["ev"] == "queued"),
        "started": len(started),
        "spoken": sum(1 for e in started if e["voice_s"]),
        "tone_only": sum(1 for e in started if not e["voice_s"]),
        "dropped": sum(1 for e in log if e["ev"] == "dropped"),
        "checked": len(cues),
        "heard_in_full": sum(c["heard"] for c in cues),
        "longest_wait_s": max((c["waited_s"] for c in cues), default=0.0),
        "clipped": int((np.abs(raw.astype(np.int32)) >= 32767).sum()),
        "sound_s": round(sum(c["seconds"] for c in cues), 1),
        "capture_s": round(len(raw) / RATE, 1),
        "cues": cues,
    }


if __name__ == "__main__":
    main()
