"""The frame ring both rep counters look back over (kiosk/motion/ring.py)."""

from backstretch.kiosk.motion.ring import FrameRing


def test_the_ring_keeps_the_last_frames_oldest_first_and_finds_them_by_number():
    ring = FrameRing()
    total = ring.size + 10
    for i in range(total):
        ring.store(float(i), (float(i), 0.0, 1.0))
    assert ring.frames == total and ring.n == ring.size
    times = ring.window()[:, 0]
    assert times[0] == 10.0 and times[-1] == total - 1 and (times[1:] > times[:-1]).all()
    assert list(ring.rows(total - 3, total)[:, 0]) == [total - 3, total - 2, total - 1]
    assert ring.rows(0, 12)[:, 0].tolist() == [10.0, 11.0]  # frames no longer held are not made up
    ring.clear()
    assert ring.n == 0 and ring.frames == 0 and len(ring.window()) == 0
