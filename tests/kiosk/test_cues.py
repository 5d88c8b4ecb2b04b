from backstretch.kiosk.cues import hold_move, intro, progress


def test_progress_every_ten_seconds_and_five_before_the_end():
    cues = [progress(s, 30.0) for s in range(1, 31)]
    said = [c.words for c in cues if c]
    assert said == ["10 seconds", "20 seconds", "5 more seconds"]
    assert [progress(s, 8.0) for s in range(1, 9)] == [None] * 8


def test_position_words_name_the_side():
    assert hold_move("spinal_twist", "left").words == "Lower your knees to the left."
    assert hold_move("swiss_ball", None).words == "Lean back over the ball."
    assert intro("Pelvic tilt", "Lie on your back.").words == "Pelvic tilt. Lie on your back."
