"""The simulator in a terminal: the mock performer's sample stream and movement, as text."""

from __future__ import annotations

import math
import time
from typing import TextIO

from drivers.mock import MockSource
from drivers.sample import Sample

from .performer import seed_routine_script

PRINT_EVERY_S = 0.5


def tilt_from(reference: tuple[float, float, float], s: Sample) -> float:
    """Angle in degrees between the start pose's gravity and this sample's accel."""
    dot = reference[0] * s.ax + reference[1] * s.ay + reference[2] * s.az
    norm = math.dist((0, 0, 0), reference) * math.dist((0, 0, 0), (s.ax, s.ay, s.az))
    return math.degrees(math.acos(max(-1.0, min(1.0, dot / norm)))) if norm else 0.0


def run_text_simulation(out: TextIO, duration: float | None, speed: float, rate_hz: float, seed: int) -> int:
    """Play the scripted routine on the mock sensor and print a line every half second of body time."""
    script = seed_routine_script(seed)
    wall0 = time.monotonic()

    def clock() -> float:
        return (time.monotonic() - wall0) * speed

    source = MockSource(script.timeline, rate_hz=rate_hz, clock=clock, seed=seed)
    source.open()
    out.write(f"backstretch simulator (text): mock sensor {rate_hz:g} Hz, speed x{speed:g}, "
              f"script {script.timeline.end:.0f} s\n")
    reference = None
    next_print = 0.0
    count = 0
    try:
        while True:
            if duration is not None and time.monotonic() - wall0 >= duration:
                break
            for s in source.read():
                count += 1
                if reference is None:
                    reference = (s.ax, s.ay, s.az)
                if s.t >= next_print:
                    next_print += PRINT_EVERY_S
                    out.write(f"{s.t:7.1f} s  {script.phase_at(s.t):<20} accel {s.ax:+.2f} {s.ay:+.2f} {s.az:+.2f} g"
                              f"  gyro {s.gx:+7.1f} {s.gy:+7.1f} {s.gz:+7.1f} dps"
                              f"  tilt from start {tilt_from(reference, s):5.1f} deg\n")
                    out.flush()
            if clock() > script.timeline.end:
                break
            time.sleep(0.02)
    finally:
        source.close()
    out.write(f"done: {count} samples in {time.monotonic() - wall0:.1f} s\n")
    return 0
