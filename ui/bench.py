"""`backstretch bench ui`: what the screen costs, measured, never asserted.

Three figures: the time to draw a frame of every screen state at each size (p50, p95), the time
from starting a kiosk process to its first frame on screen, and the CPU a steady-state
`simulate` process uses at 800x480 and 30 fps (share of one core, from /proc).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = ((800, 480), (720, 1280), (480, 320), (240, 240))
FRAMES_PER_STATE = 30
CPU_WARMUP_S = 8.0
CPU_SECONDS = 20.0
FIRST_FRAME = """
import time, sys
from backstretch.kiosk import app as root
from backstretch.kiosk.config import load_config
from backstretch.kiosk.routine import load_routine
from backstretch.kiosk.session import KioskSession
from pathlib import Path
cfg = load_config([(Path(sys.argv[1]), True)])
sim = root.simulation("auto", 1, cfg.sensor.rate_hz, time.monotonic)
sim.open()
kiosk = KioskSession(load_routine(), sim.source, time.monotonic, None, sim.observers)
window = root.window(cfg, kiosk, None, "simulate")
window.open_display()
window.frame()
print("first frame", flush=True)
window.close()
sim.close()
"""


def frame_times(sizes=SIZES, frames: int = FRAMES_PER_STATE) -> dict[str, dict[str, float]]:
    """p50 and p95 of drawing one frame, over every screenshot state, animated (t moves) at each size."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    import pygame

    from backstretch.kiosk.routine import load_routine

    from .canvas import Canvas
    from .screens import draw
    from .screenshots import states

    pygame.font.init()
    routine = load_routine()
    out = {}
    for size in sizes:
        canvas = Canvas.for_surface(pygame.Surface(size))
        times = []
        for view, extras, _ in states(routine).values():
            for i in range(frames):
                extras.t = i / 30
                start = time.perf_counter()
                draw(canvas, view, extras)
                times.append(time.perf_counter() - start)
        times.sort()
        out[f"{size[0]}x{size[1]}"] = {
            "p50_ms": round(times[len(times) // 2] * 1000, 2),
            "p95_ms": round(times[int(len(times) * 0.95)] * 1000, 2),
        }
    return out


def _config(folder: Path) -> Path:
    path = folder / "bench.toml"
    path.write_text(
        '[sensor]\ndriver = "mock"\n[display]\nwidth = 800\nheight = 480\nfps = 30\n[audio]\nenabled = false\n'
    )
    return path


def _env(folder: Path) -> dict[str, str]:
    env = dict(os.environ, BACKSTRETCH_DATA_DIR=str(folder), PYGAME_HIDE_SUPPORT_PROMPT="1")
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env.setdefault("SDL_VIDEODRIVER", "dummy")
    return env


def first_frame_s() -> float:
    """Seconds from starting a Python process to the kiosk's first frame: interpreter, imports, window, draw."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-c", FIRST_FRAME, str(_config(folder))],
            env=_env(folder),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        line = proc.stdout.readline()  # printed straight after the first frame
        wall = time.perf_counter() - start
        _, err = proc.communicate(timeout=60)
        if proc.returncode != 0 or not line:
            raise RuntimeError(f"first frame: the kiosk did not start: {err.strip().splitlines()[-1:]}")
        return round(wall, 3)


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks


def cpu_percent(seconds: float = CPU_SECONDS, warmup: float = CPU_WARMUP_S) -> float:
    """Share of one core a steady-state `backstretch simulate` uses at 800x480 and 30 fps."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cmd = [sys.executable, "-m", "backstretch.kiosk.cli", "--config", str(_config(folder)), "simulate"]
        cmd += ["--duration", str(warmup + seconds + 5)]
        proc = subprocess.Popen(cmd, env=_env(folder), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(warmup)  # start-up and the voice/tone caches are not the steady state
            ticks0, wall0 = _cpu_ticks(proc.pid), time.monotonic()
            time.sleep(seconds)
            ticks1, wall1 = _cpu_ticks(proc.pid), time.monotonic()
        finally:
            proc.terminate()
            proc.wait(10)
    hz = os.sysconf("SC_CLK_TCK")
    return round(100 * (ticks1 - ticks0) / hz / (wall1 - wall0), 1)


def run(seconds: float = CPU_SECONDS) -> dict:
    return {"sizes": frame_times(), "first_frame_s": first_frame_s(), "cpu_percent_30fps": cpu_percent(seconds)}
