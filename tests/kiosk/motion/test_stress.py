"""Stress copies of a stored real recording, as regression tests of the generator and of the count."""

import numpy as np
import pytest

from backstretch.drivers.recording import read_recording
from backstretch.kiosk.motion.analysis import run_pipeline, summarize
from backstretch.kiosk.motion.stress import STRESSES, find_pauses, stress_copy


@pytest.fixture
def uci(data_dir):
    import json

    rec = read_recording(data_dir / "uci-s1-e4.csv")
    return rec, json.loads((data_dir / "uci-s1-e4.labels.json").read_text())


def reps(data) -> dict:
    events, pipeline = run_pipeline(data, "reps")
    return summarize("reps", events, float(data[-1, 0]), pipeline.confidence)


def test_every_copy_is_a_valid_recording(uci):
    rec, labels = uci
    for kind in STRESSES:
        copy = stress_copy(rec.data, labels, kind, seed=0)
        if copy is None:
            continue
        data, _ = copy
        assert np.isfinite(data[:, :7]).all() and (np.diff(data[:, 0]) > 0).all(), kind
        assert np.linalg.norm(data[:, 1:4], axis=1) == pytest.approx(
            np.linalg.norm(rec.data[: len(data), 1:4], axis=1).mean(), rel=0.5
        )


def test_the_pauses_between_the_three_blocks_are_found_and_shortened(uci):
    rec, labels = uci
    assert len(find_pauses(rec.data, labels)) == 2 and len(find_pauses(rec.data, {})) >= 2
    data, _ = stress_copy(rec.data, labels, "short-pauses", seed=0)
    assert rec.duration - (data[-1, 0] - data[0, 0]) > 10.0


def test_a_rotated_copy_counts_as_the_original(uci):
    rec, labels = uci
    data, _ = stress_copy(rec.data, labels, "rotation", seed=1)
    assert reps(data)["reps"] == reps(rec.data)["reps"] == labels["reps"]


def test_the_mid_rep_copy_starts_inside_the_first_rep(uci):
    rec, labels = uci
    data, _ = stress_copy(rec.data, labels, "mid-rep", seed=0)
    first = labels["rep_intervals"][0]
    assert rec.duration - data[-1, 0] == pytest.approx(first["start"] + 0.3 * (first["end"] - first["start"]), abs=1.5)


@pytest.mark.parametrize("seed", [0, 1])
def test_under_stress_a_wrong_count_on_the_stored_recording_is_never_marked_high(uci, seed):
    """Except a recording cut to start at the far end of a rep: both counters miss that rep alike (a known,
    correlated failure, see the issue note)."""
    rec, labels = uci
    for kind in (k for k in STRESSES if k != "mid-rep"):
        data, want = stress_copy(rec.data, labels, kind, seed)
        result = reps(data)
        if kind == "rotation":
            assert result["reps"] == want["reps"] and result["confidence"] == "high"
        if result["reps"] != want["reps"]:
            assert result["confidence"] == "low", kind
