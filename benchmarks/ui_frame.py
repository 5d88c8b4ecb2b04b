"""Frame cost of the kiosk UI: draw every screen many times and print percentiles.

Run: SDL_VIDEODRIVER=dummy .venv/bin/python benchmarks/ui_frame.py
Also prints the app's start-up time (first frame of `backstretch run`) and peak memory. Asserts nothing.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pygame  # noqa: E402

from backstretch.kiosk.routine import load_routine  # noqa: E402
from backstretch.ui.canvas import Canvas  # noqa: E402
from backstretch.ui.screens import SCREENS, draw  # noqa: E402
from backstretch.ui.screenshots import SIZES, states  # noqa: E402

FRAMES = 120


def percentiles(values: list[float]) -> str:
    v = sorted(values)
    pick = lambda q: v[min(len(v) - 1, int(q * len(v)))] * 1000  # noqa: E731
    return f"p50 {pick(0.5):5.2f} ms  p95 {pick(0.95):5.2f} ms  p99 {pick(0.99):5.2f} ms"


def main() -> None:
    pygame.font.init()
    all_states = states(load_routine())
    for size in SIZES:
        canvas = Canvas.for_surface(pygame.Surface(size))
        times = []
        for name in SCREENS:
            view, extras = all_states[name]
            for i in range(FRAMES):
                extras.t = i / 30
                start = time.perf_counter()
                draw(canvas, view, extras)
                times.append(time.perf_counter() - start)
        print(f"{size[0]}x{size[1]:<5} all screens, {len(times)} frames: {percentiles(times)}")
    print(f"peak resident memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    env = dict(os.environ, BACKSTRETCH_DATA_DIR="/tmp/backstretch-bench")
    cfg = Path("/tmp/backstretch-bench.toml")
    cfg.write_text('[sensor]\ndriver = "mock"\n')
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "backstretch.kiosk.cli", "--config", str(cfg), "run", "--duration", "0.01"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        check=True,
    )
    print(f"start-up to first frame and exit (`backstretch run`): {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
