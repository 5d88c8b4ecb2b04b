"""Frame cost of the kiosk UI, start-up to the first frame, and the CPU of a running simulator.

Run: .venv/bin/python benchmarks/ui_frame.py   (the same figures as `backstretch bench ui`; asserts nothing)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backstretch.ui.bench import run


def main() -> None:
    result = run()
    for size, figures in result["sizes"].items():
        print(f"{size:<9} every screen state: frame p50 {figures['p50_ms']:5.2f} ms  p95 {figures['p95_ms']:5.2f} ms")
    print(f"first frame of a fresh kiosk process: {result['first_frame_s']} s")
    print(f"simulate at 800x480, 30 fps, steady state: {result['cpu_percent_30fps']}% of one core")


if __name__ == "__main__":
    main()
