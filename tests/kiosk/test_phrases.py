from dataclasses import replace

from backstretch.kiosk import phrases
from backstretch.kiosk.results import ExerciseResult
from backstretch.kiosk.routine import load_routine


def test_progress_every_ten_seconds_and_five_before_the_end():
    said = [phrases.progress(s, 30.0) for s in range(1, 31)]
    assert [w for w in said if w] == ["10 seconds", "20 seconds", "5 more seconds"]
    assert [phrases.progress(s, 8.0) for s in range(1, 9)] == [None] * 8


def test_position_words_name_the_side():
    assert phrases.hold_move("spinal_twist", "left") == "Lower your knees to the left."
    assert phrases.hold_move("swiss_ball", None) == "Lean back over the ball."


def test_a_count_the_kiosk_is_not_sure_of_says_about_wherever_it_appears():
    assert (phrases.count(3), phrases.count(3, sure=False)) == ("3", "about 3")
    assert (phrases.rep_count(3, 8), phrases.rep_count(3, 8, sure=False)) == ("3/8", "about 3/8")
    unsure = ExerciseResult("pelvic_tilt", "Pelvic tilt", "reps", 1, "partial", 3, 8, range_deg=9.4, confidence="low")
    assert phrases.result_line(unsure) == "about 3 of 8 reps, range 9°"
    assert phrases.result_line(replace(unsure, confidence="high")) == "3 of 8 reps, range 9°"


def test_the_intro_speaks_every_instruction_line():
    assert (
        phrases.intro("Pelvic tilt", ["Lie on your back.", "Knees bent."])
        == "Pelvic tilt. Lie on your back. Knees bent."
    )


def test_every_phrase_the_routine_can_say_is_listed_for_the_voice():
    routine = load_routine()
    spoken = phrases.spoken(routine)
    twist = next(e for e in routine.exercises if e.id == "spinal_twist")
    for words in (
        "10 seconds",
        "5 more seconds",
        "Rest. Next: Spinal twist.",
        "Lower your knees to the left.",
        "Lower your knees to the right.",
        phrases.intro(twist.name, twist.instructions),
        phrases.PAIN_STOP,
        "8",
    ):
        assert words in spoken
    assert len(spoken) == len(set(spoken))
