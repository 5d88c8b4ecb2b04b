import numpy as np
import pytest

from backstretch.kiosk.simulator.body import SUPINE, random_rotation
from backstretch.kiosk.simulator.mock import MockSource
from backstretch.kiosk.simulator.script import Script


def angle(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return np.degrees(np.arccos(np.clip(a @ b / np.linalg.norm(a) / np.linalg.norm(b), -1, 1)))


def drain(source, clock, seconds):
    """Read as the kiosk does, a second at a time (the mock generates at most 2 s of backlog)."""
    samples = source.read()
    for _ in range(int(np.ceil(seconds))):
        clock.advance(1.0)
        samples += source.read()
    return np.array([s[:7] for s in samples], dtype=float)


def play(script, clock, seed=3, rate=100.0, **kw):
    source = MockSource(script.timeline, rate_hz=rate, clock=clock, seed=seed, **kw)
    source.open()
    return drain(source, clock, script.t + 0.5)


def test_gravity_is_one_g_at_rest_in_any_mounting(clock):
    data = play(Script(start=SUPINE).still(5.0), clock)
    magnitude = np.linalg.norm(data[:, 1:4], axis=1)
    assert magnitude.mean() == pytest.approx(1.0, abs=0.06)  # bias of an uncalibrated MPU-6050
    assert np.abs(data[:, 4:7]).max() < 8.0  # gyro bias and noise only


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_twist_angle_seen_by_accel_and_gyro_is_the_scripted_one(clock, seed):
    script = Script(start=SUPINE).still(2.0).twist_hold("left", 40.0, 5.0, transition_s=2.0)
    source = MockSource(script.timeline, rate_hz=200, clock=clock, seed=seed)
    source.imu.accel_bias[:] = 0
    source.imu.gyro_bias[:] = 0
    source.open()
    data = drain(source, clock, script.t)
    t = data[:, 0] - data[0, 0]
    rest = data[(t > 0.5) & (t < 1.5), 1:4].mean(axis=0)
    held = data[(t > 5) & (t < 8), 1:4].mean(axis=0)
    assert angle(rest, held) == pytest.approx(40.0, abs=1.0)
    moving = (t >= 2.0) & (t <= 4.0)
    turned = np.linalg.norm(data[moving, 4:7].sum(axis=0) / 200)
    assert turned == pytest.approx(40.0, abs=1.5)


def test_same_seed_same_samples_and_mounting_changes_the_axes(clock):
    script = Script(start=SUPINE).still(1.0)
    a = play(script, clock, seed=7)
    b = play(script, clock, seed=7)
    c = play(script, clock, seed=8)
    np.testing.assert_array_equal(a[:, 1:], b[:, 1:])
    assert angle(a[:, 1:4].mean(axis=0), c[:, 1:4].mean(axis=0)) > 5


def test_accelerometer_only_mock_has_no_gyro(clock):
    script = Script(start=SUPINE).still(1.0)
    source = MockSource(script.timeline, clock=clock, has_gyro=False)
    source.open()
    clock.advance(1.0)
    samples = source.read()
    assert len(samples) == 101 and samples[0].gx is None


def test_unplugged_mock_reports_lost_and_recovers(clock):
    source = MockSource(Script().still(5).timeline, clock=clock)
    source.open()
    source.plug(False)
    clock.advance(1)
    assert source.read() == [] and not source.health().connected
    source.plug(True)
    clock.advance(0.1)
    assert len(source.read()) == 10 and source.health().connected


def test_script_labels_reps_and_holds():
    s = Script(start=SUPINE).tilt_reps(3, 8.0).twist_hold("right", 35, 30)
    labels = s.labels("pelvic_tilt")
    assert labels["reps"] == 3
    assert labels["holds"][0]["side"] == "right"
    assert labels["holds"][0]["end"] - labels["holds"][0]["start"] == pytest.approx(30)


def test_random_rotation_is_a_rotation():
    r = random_rotation(np.random.default_rng(0))
    np.testing.assert_allclose(r @ r.T, np.eye(3), atol=1e-12)
    assert np.linalg.det(r) == pytest.approx(1.0)
