from gpiozero.pins.mock import MockFactory

from backstretch.kiosk.config import Config, GpioConfig, SensorConfig
from backstretch.kiosk.doctor import FAIL, OK, gpio_check, run_checks


def test_gpio_parts_are_listed_when_the_pins_answer():
    factory = MockFactory()
    try:
        check = gpio_check(Config(gpio=GpioConfig(start_button=17, led=23)), pin_factory=factory)
    finally:
        factory.close()
    assert check.status == OK and check.message == "start_button on GPIO17, led on GPIO23"


def test_a_replay_file_is_checked(tmp_path):
    rec = tmp_path / "r.csv"
    rec.write_text("t,ax,ay,az\n0,0,0,1\n0.02,0,0,1\n")
    checks = {c.name: c for c in run_checks(Config(sensor=SensorConfig(driver="replay", replay_file=str(rec))))}
    assert checks["sensor"].status == OK and "2 samples at 50 Hz" in checks["sensor"].message
    bad = run_checks(Config(sensor=SensorConfig(driver="replay", replay_file=str(tmp_path / "no.csv"))))
    assert {c.name: c.status for c in bad}["sensor"] == FAIL


def history_status(tmp_path, monkeypatch, path):
    from backstretch.kiosk.config import HistoryConfig
    from backstretch.kiosk.doctor import history_check

    monkeypatch.delenv("BACKSTRETCH_DATA_DIR", raising=False)
    check = history_check(Config(history=HistoryConfig(database=str(path))))
    return check.status, check.message


def test_the_history_the_kiosk_would_run_on_without_is_checked(tmp_path, monkeypatch):
    import os

    from backstretch.kiosk.doctor import WARN
    from backstretch.kiosk.history import History
    from backstretch.kiosk.results import ExerciseResult

    path = tmp_path / "kiosk" / "history.sqlite3"
    assert history_status(tmp_path, monkeypatch, path) == (OK, f"{path} is created at the first session")
    assert not path.parent.exists()  # the doctor only looks
    h = History(path)
    h.add_result(h.begin_session("2026-11-20T09:00:00", "r"), ExerciseResult("t", "T", "reps", 1, "completed", 8, 8))
    h.close()
    assert history_status(tmp_path, monkeypatch, path) == (OK, f"{path}: 1 session(s)")
    (tmp_path / "kiosk" / "history.sqlite3.pending.json").write_text("[]")
    assert history_status(tmp_path, monkeypatch, path)[0] == WARN
    pipe = tmp_path / "pipe.sqlite3"
    os.mkfifo(pipe)
    status, message = history_status(tmp_path, monkeypatch, pipe)
    assert status == FAIL and "not a regular file" in message
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(b"not a database " * 100)
    assert history_status(tmp_path, monkeypatch, damaged)[0] == FAIL
