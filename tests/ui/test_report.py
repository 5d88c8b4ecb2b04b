"""The therapist's report, rendered headless: a real page, with the person's numbers on it."""

import pygame
import pytest

from backstretch.kiosk.history import History
from backstretch.kiosk.progress import progress
from backstretch.kiosk.results import ExerciseResult, HoldRecord
from backstretch.ui.report import PAGE, write_report


def fill_history(h: History, days: int = 12) -> None:
    """Days of sessions whose range grows and whose right side lags the left, with pain going down."""
    for day in range(days):
        sid = h.begin_session(f"2026-11-{day + 1:02d}T08:00:00", "Back stretches")
        h.add_result(
            sid, ExerciseResult("pelvic_tilt", "Pelvic tilt", "reps", 1, "completed", 8, 8, range_deg=8 + day * 0.5)
        )
        holds = [HoldRecord("left", 30.0, True), HoldRecord("right", 20.0 + day, day > 8)]
        h.add_result(
            sid,
            ExerciseResult(
                "spinal_twist",
                "Spinal twist",
                "hold",
                2,
                "completed",
                hold_target_s=30,
                holds_wanted=2,
                holds=holds,
                range_deg=35 + day,
            ),
        )
        h.end_session(sid, f"2026-11-{day + 1:02d}T08:15:00", "completed")
        h.set_pain(sid, max(0, 7 - day // 2))


def colours_in(surface: pygame.Surface, rect: pygame.Rect) -> set:
    return {
        tuple(surface.get_at((x, y)))[:3]
        for x in range(rect.left, rect.right, 3)
        for y in range(rect.top, rect.bottom, 3)
    }


def test_the_report_is_a_full_page_with_charts_on_it(tmp_path):
    h = History(tmp_path / "h.sqlite3")
    fill_history(h)
    sessions = h.sessions()
    p = progress(sessions, "Me")
    assert p.sessions == 12 and p.range_deg["Pelvic tilt"][-1] == (11, 13.5)
    assert p.asymmetry("Spinal twist") == (30.0, pytest.approx(25.5))
    out = tmp_path / "report.png"
    write_report(out, p, sessions, "backstretch test")
    image = pygame.image.load(str(out))
    assert image.get_size() == PAGE
    charts = pygame.Rect(40, 120, PAGE[0] - 80, 700)
    seen = colours_in(image, charts)
    assert len(seen) > 20  # not blank: lines, bars, markers and text
    assert (0, 114, 178) in seen and (230, 159, 0) in seen  # the left and the right bars
    assert (213, 94, 0) in seen  # pain
    h.close()


def test_a_person_with_no_sessions_gets_an_honest_empty_page(tmp_path):
    h = History(tmp_path / "h.sqlite3")
    out = tmp_path / "empty.png"
    p = progress(h.sessions(), "Me")
    write_report(out, p, [], "backstretch test")
    image = pygame.image.load(str(out))
    assert image.get_size() == PAGE
    assert (0, 114, 178) not in colours_in(image, pygame.Rect(40, 120, PAGE[0] - 80, 700))  # no made-up data
    h.close()
