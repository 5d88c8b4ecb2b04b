import itertools
import math

import numpy as np
import pytest

from backstretch.drivers.sample import Sample
from backstretch.kiosk.motion.orientation import FrameBinner, GravityFilter, Orientation, as_array
from backstretch.kiosk.motion.vector import angle_deg
from backstretch.kiosk.simulator.body import SUPINE
from backstretch.kiosk.simulator.script import Script

from .helpers import render


def frames(samples, batch=1):
    o = Orientation()
    out = []
    for i in range(0, len(samples), batch):
        out += o.feed(samples[i : i + batch])
    return out + o.flush()


def tilt_seen(samples) -> float:
    """Angle between the estimated gravity at the start and after a 30-degree move."""
    fs = frames(samples)
    first = next(f.up for f in fs if f.t > 1.0)
    last = fs[-1].up
    return angle_deg(first, last)


@pytest.mark.parametrize("rate", [12.5, 25.0, 100.0, 1000.0])
@pytest.mark.parametrize("gyro", [True, False])
def test_gravity_follows_a_tilt_at_any_rate(rate, gyro):
    script = Script(start=SUPINE).still(2.0).move(2.0, pitch=SUPINE[0] - 30).still(2.0)
    assert tilt_seen(render(script, rate, seed=4, gyro=gyro)) == pytest.approx(30.0, abs=1.0)


def test_nan_gyro_is_treated_as_missing():
    script = Script(start=SUPINE).still(2.0).move(2.0, roll=25).still(2.0)
    samples = [s._replace(gx=math.nan, gy=math.nan, gz=math.nan) for s in render(script, 50, seed=2)]
    fs = frames(samples)
    assert not any(f.has_gyro for f in fs)
    assert tilt_seen(samples) == pytest.approx(25.0, abs=1.0)


def test_an_absurd_gyro_reading_is_treated_as_missing_and_spoils_nothing_after_it():
    """One corrupt but finite gyro value (a bad line in a recording) would otherwise make the angular rate
    infinite, then NaN, for the rest of the stream: the body would never read still again."""
    script = Script(start=SUPINE).still(4.0).move(2.0, roll=25).still(4.0)
    samples = render(script, 50, seed=2)
    samples[60] = samples[60]._replace(gx=1e30)
    fs = frames(samples)
    assert all(math.isfinite(f.rate_dps) for f in fs)
    clean = frames(render(script, 50, seed=2))
    assert fs[-1].rate_dps == pytest.approx(clean[-1].rate_dps, abs=0.1)  # still again, as without the bad value
    assert tilt_seen(samples) == pytest.approx(25.0, abs=1.0)


def test_frames_do_not_depend_on_batching():
    samples = render(Script(start=SUPINE).still(1).move(2, roll=30).still(1), 100, seed=1)
    one = [(f.t, f.up, f.rate_dps) for f in frames(samples, 1)]
    assert one == [(f.t, f.up, f.rate_dps) for f in frames(samples, 7)]
    assert one == [(f.t, f.up, f.rate_dps) for f in frames(samples, len(samples))]


def test_the_filter_is_given_each_bin_s_fields_in_order():
    """Orientation hands the filter its bins column by column (cheaper than a list per row): the frames must be
    those of the bins' rows as they are."""
    data = as_array(render(Script(start=SUPINE).still(1).move(2, roll=30).still(1), 100, seed=5))
    data[::7, 4:] = math.nan  # some bins with fewer gyro readings than samples
    bins = FrameBinner().add(data)
    assert frames(data, len(data))[: len(bins)] == GravityFilter().run(bins.tolist())


def test_jittery_and_missing_timestamps():
    samples = render(Script(start=SUPINE).still(2).move(2, pitch=60).still(3), 100, seed=3)
    rng = np.random.default_rng(0)
    jittered = sorted((s._replace(t=s.t + rng.normal(0, 0.002)) for s in samples), key=lambda s: s.t)
    gappy = [s for s in jittered if not 2.5 < s.t < 3.6]  # a second of samples lost
    fs = frames(gappy)
    assert angle_deg(fs[10].up, fs[-1].up) == pytest.approx(30.0, abs=1.5)
    assert all(b.t > a.t for a, b in itertools.pairwise(fs))


def test_binner_averages_on_a_fixed_grid():
    b = FrameBinner(25.0)
    out = [b.add(as_array([Sample(t, 0.0, 0.0, 1.0 + t)])) for t in (0.0, 0.01, 0.019, 0.021, 0.05)]
    closed = np.concatenate(out)
    # 0.0, 0.01 and 0.019 share the bin centred on 0.0; 0.021 and 0.05 share the next
    assert len(closed) == 1 and closed[0, 0] == pytest.approx((0 + 0.01 + 0.019) / 3)
    assert b.flush()[0, 0] == pytest.approx((0.021 + 0.05) / 2)


@pytest.mark.parametrize(
    "bad",
    [(0.0, 0.0, 0.0), (math.nan, 0.0, 1.0), (math.inf, 0.0, 1.0), (1e200, 1e200, 1e200), (40.0, 0.0, 0.0)],
    ids=["all-zero", "nan", "inf", "overflowing", "beyond-range"],
)
def test_a_reading_with_no_gravity_direction_is_dropped_and_counted(bad):
    samples = render(Script(start=SUPINE).still(3.0), 100, seed=6)
    broken = [s._replace(ax=bad[0], ay=bad[1], az=bad[2]) if i % 10 == 5 else s for i, s in enumerate(samples)]
    o = Orientation()
    with np.errstate(all="raise"):  # no division by zero, no overflow, anywhere on the way
        fs = o.feed(broken) + o.flush()
    assert o.binner.rejected == len(samples) // 10
    assert all(all(math.isfinite(c) for c in f.up) and math.isfinite(f.rate_dps) for f in fs)
    assert angle_deg(fs[0].up, frames(samples)[0].up) < 1.0


def test_a_stream_of_only_bad_readings_gives_no_frames():
    o = Orientation()
    assert o.feed([Sample(i / 100, 0.0, 0.0, 0.0) for i in range(50)]) + o.flush() == []
    assert o.binner.rejected == 50


def test_still_body_reads_still_and_learns_gyro_bias():
    samples = render(Script(start=SUPINE).still(20.0), 100, seed=5)
    o = Orientation()
    fs = o.feed(samples)
    assert fs[-1].rate_dps < 2.5
    assert fs[-1].dyn_g < 0.01
