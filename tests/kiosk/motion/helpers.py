"""Constructed signals for the detector tests, made with the mock sensor's physics."""

from __future__ import annotations

import numpy as np

from backstretch.drivers.sample import Sample
from backstretch.kiosk.motion.orientation import Orientation
from backstretch.kiosk.simulator.body import SUPINE, random_rotation
from backstretch.kiosk.simulator.mock import ImuModel
from backstretch.kiosk.simulator.script import Script


def render(
    script: Script, rate_hz: float = 100.0, seed: int = 0, gyro: bool = True, noise: bool = True, mounting=None
) -> list[Sample]:
    rng = np.random.default_rng(seed)
    imu = ImuModel(
        rng,
        mounting=mounting if mounting is not None else random_rotation(rng),
        rate_hz=rate_hz,
        has_gyro=gyro,
        noise=noise,
    )
    t = np.arange(0.0, script.t, 1.0 / rate_hz)
    values = imu.measure(script.timeline, t)
    rows = np.column_stack([t, values]).tolist()
    return [Sample(*r) if gyro else Sample(*r[:4]) for r in rows]


def feed(counter, samples) -> list:
    """A rep counter fed as the kiosk feeds it (4 samples a frame batch), then finished: every event it gave."""
    orientation, events = Orientation(), []
    for i in range(0, len(samples), 4):
        for f in orientation.feed(samples[i : i + 4]):
            events += counter.update(f)
    return events + counter.finish(float(samples[-1][0]))


def on_the_mat(settle_s: float = 4.0, seed: int = 0) -> Script:
    """Standing, then lying down and settling: where every mat exercise begins."""
    s = Script(rng=np.random.default_rng(seed))
    s.still(3.0).move(3.0, pitch=SUPINE[0]).still(settle_s)
    return s
