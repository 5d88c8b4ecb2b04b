from pathlib import Path

import pytest

from backstretch.errors import ConfigError
from backstretch.kiosk.routine import load_routine

ROUTINES = Path(__file__).parents[1] / "data" / "routines"


def test_the_shipped_routine_is_the_seed():
    r = load_routine()
    assert [e.id for e in r.exercises] == ["pelvic_tilt", "spinal_twist", "swiss_ball"]
    tilt, twist, ball = r.exercises
    assert 5 <= tilt.reps <= 10
    assert twist.hold_s == 30 and twist.sides == ["left", "right"] and 5 <= twist.holds_per_side <= 10
    assert 30 <= ball.hold_s <= 60 and ball.sets >= 2
    assert all(1 <= len(e.instructions) <= 4 and all(len(line) <= 40 for line in e.instructions) for e in r.exercises)
    assert ball.motion_params().hold.zone_min_deg == 25
    assert twist.motion_params().hold.target_s == 30 and twist.motion_params().first_side == "left"


def routine(tmp_path, text):
    path = tmp_path / "r.toml"
    path.write_text(text)
    return path


def test_an_installer_can_change_targets_and_drop_exercises():
    r = load_routine(ROUTINES / "short-twist.toml")
    [twist] = r.exercises
    assert twist.holds_wanted == 4 and twist.motion_params().hold.target_s == 45
    assert twist.motion_params().first_side == "right"


def test_every_problem_is_reported_with_its_key_path():
    path = ROUTINES / "every-problem.toml"
    with pytest.raises(ConfigError) as err:
        load_routine(path)
    p = err.value.problems
    assert f"routine.countdown_s = 40 ({path}): must be a whole number between 0 and 10" in p
    assert any(x.startswith(f"routine.colour ({path}): unknown key") for x in p)
    assert any(x.startswith("exercise[1].instructions") and "1 to 40 characters" in x for x in p)
    assert any(x.startswith("exercise[2].hold_s = 2") for x in p)
    assert any("'a' appears more than once" in x for x in p)


def test_cross_field_rules():
    path = ROUTINES / "cross-field.toml"
    with pytest.raises(ConfigError) as err:
        load_routine(path)
    p = err.value.problems
    assert any(x.startswith("exercise[1].reps") and "missing" in x for x in p)
    assert any(x.startswith('exercise[1].motion = "spinal_twist"') for x in p)
    assert any(x.startswith("exercise[2].sides") for x in p)


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "needs at least one [[exercise]]"),
        ("[[exercise]\n", "not valid TOML"),
        ("exercise = 3\n", "needs at least one [[exercise]]"),
    ],
)
def test_broken_files(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message.replace("[", r"\[")):
        load_routine(routine(tmp_path, text))


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="no such file"):
        load_routine(tmp_path / "nope.toml")
