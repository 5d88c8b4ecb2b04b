import pygame

from backstretch.kiosk.motion.events import Calibrated, HoldEnded, RepCounted
from backstretch.ui.plot import HEIGHT, WIDTH, plot_trace
from backstretch.ui.theme import PALETTE


def test_plot_draws_trace_zone_and_marks(tmp_path):
    out = tmp_path / "p.png"
    trace = [(t / 10, 40.0 if 20 < t < 80 else 2.0) for t in range(100)]
    events = [
        Calibrated(0.5, "good", 0.3),
        RepCounted(3.0, 1, 2.0, 10.0, 2.5),
        HoldEnded(8.0, "left", 2.1, 7.9, 5.8, False, 41.0),
    ]
    plot_trace(str(out), "test", trace, events, zone=(15.0, 80.0))
    image = pygame.image.load(str(out))
    assert image.get_size() == (WIDTH, HEIGHT)
    colours = {tuple(image.get_at((x, y)))[:3] for x in range(0, WIDTH, 7) for y in range(0, HEIGHT, 7)}
    assert PALETTE["zone"] in colours and PALETTE["warn"] in colours  # the zone band and a broken hold
