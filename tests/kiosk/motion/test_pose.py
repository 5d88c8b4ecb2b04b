import numpy as np
import pytest

from backstretch.kiosk.motion.analysis import run_pipeline
from backstretch.kiosk.motion.events import Calibrated, HoldEnded
from backstretch.kiosk.simulator.body import SUPINE
from backstretch.kiosk.simulator.script import Script

from .helpers import on_the_mat, render


def twists(first: str, stood_first: bool) -> Script:
    s = on_the_mat(seed=1) if stood_first else Script(start=SUPINE, rng=np.random.default_rng(1)).still(4)
    second = "right" if first == "left" else "left"
    s.twist_hold(first, 40, 12).still(4).twist_hold(second, 35, 12).still(4)
    return s


@pytest.mark.parametrize("seed", range(6))
def test_sides_come_from_the_body_under_any_mounting(seed):
    """Started on the right although the routine asked for left: the body still tells."""
    events, pipeline = run_pipeline(render(twists("right", True), 50, seed=seed), "spinal_twist", hold_s=10)
    assert [e.side for e in events if isinstance(e, HoldEnded)] == ["right", "left"]
    assert pipeline.pose.side_source == "body"


def test_without_a_standing_pose_the_first_hold_is_the_side_asked_for():
    samples = render(twists("left", False), 50, seed=3)
    for asked, expected in (("left", ["left", "right"]), ("right", ["right", "left"])):
        events, pipeline = run_pipeline(samples, "spinal_twist", hold_s=10, first_side=asked)
        assert [e.side for e in events if isinstance(e, HoldEnded)] == expected
        assert pipeline.pose.side_source == "routine"


def test_calibration_quality_reflects_how_still_the_pose_was():
    events, pipeline = run_pipeline(render(on_the_mat(), 100, seed=2), "pelvic_tilt")
    cal = [e for e in events if isinstance(e, Calibrated)]
    assert cal and cal[-1].quality == "good" and cal[-1].wobble_deg < 1.0
    assert pipeline.state.calibrated
