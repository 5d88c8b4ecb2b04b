"""The fault benchmark's cases on a virtual clock, with loose bounds (`backstretch bench faults` prints figures)."""

import pytest

from backstretch.kiosk.faultbench import CASES, run_case

BY_NAME = {case.name: case for case in CASES}
KEYS = [
    "expected",
    "delivered",
    "lost",
    "lost_reported",
    "lost_announcements",
    "detect_s",
    "recover_s",
    "worst_read_ms",
]


@pytest.fixture(scope="module")
def figures():
    return {case.name: run_case(case, threaded=False) for case in CASES}


def test_the_case_names_and_keys_are_the_issues(figures):
    assert list(figures) == [
        "errors_0.1pct",
        "errors_1pct",
        "errors_10pct",
        "outage_30s",
        "silent_powercycle",
        "all_zero",
        "all_ff",
        "rate_1khz",
    ]
    assert all(list(f) == KEYS for f in figures.values())


@pytest.mark.parametrize("name", list(BY_NAME))
def test_every_loss_is_reported(figures, name):
    f = figures[name]
    assert f["expected"] >= BY_NAME[name].seconds * BY_NAME[name].rate_hz * 0.99
    assert f["lost"] == f["expected"] - f["delivered"]
    assert abs(f["lost_reported"] - f["lost"]) <= 2


@pytest.mark.parametrize("name, share, announcements", [("errors_1pct", 0.01, 0), ("errors_10pct", 0.10, 1)])
def test_flaky_transfers_lose_little_and_are_not_announced(figures, name, share, announcements):
    f = figures[name]
    assert f["lost"] <= share * f["expected"]
    assert f["lost_announcements"] <= announcements


@pytest.mark.parametrize("name", ["silent_powercycle", "all_zero", "all_ff", "outage_30s"])
def test_a_silent_or_absent_sensor_is_noticed_within_a_second_announced_once_and_recovers(figures, name):
    f = figures[name]
    assert f["detect_s"] is not None and f["detect_s"] <= 1.0
    assert f["recover_s"] is not None and f["recover_s"] <= 2.0
    assert f["lost_announcements"] == 1


def test_1khz_loses_nothing(figures):
    f = figures["rate_1khz"]
    assert f["lost"] == 0 and f["lost_reported"] == 0
    assert f["detect_s"] is None and f["recover_s"] is None
