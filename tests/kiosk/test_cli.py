"""The command as a user runs it: exit status, one-line errors, never a traceback."""

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from backstretch.drivers.recording import read_recording

ROOT = Path(__file__).resolve().parents[2]


def run_cli(args, env: dict[str, str]) -> subprocess.CompletedProcess:
    """The command in a process of its own, from this checkout, with `env` as its whole environment."""
    return subprocess.run(
        [sys.executable, "-m", "backstretch.kiosk.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )


def backstretch(*args, tmp_path, check_traceback=True):
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "xdg"), SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg-data")  # doctor looks at the history: this machine's is not the test's
    for name in ("STATE_DIRECTORY", "BACKSTRETCH_DATA_DIR"):
        env.pop(name, None)
    proc = run_cli(args, env)
    if check_traceback:
        assert "Traceback" not in proc.stderr + proc.stdout
    return proc


def write_config(tmp_path, text):
    path = tmp_path / "c.toml"
    path.write_text(text)
    return str(path)


@pytest.mark.skipif(Path("/dev/i2c-1").exists(), reason="this machine has an I2C bus")
def test_doctor_without_i2c_says_how_to_enable_it_and_fails(tmp_path):
    proc = backstretch("doctor", tmp_path=tmp_path)
    assert proc.returncode == 1
    assert "FAIL  i2c      no I2C bus /dev/i2c-1" in proc.stdout
    assert "raspi-config" in proc.stdout and "dtparam=i2c_arm=on" in proc.stdout
    assert "OK    gpio" in proc.stdout
    assert "display" in proc.stdout and "audio" in proc.stdout


def test_doctor_with_the_mock_sensor_passes(tmp_path):
    proc = backstretch("--config", write_config(tmp_path, '[sensor]\ndriver = "mock"\n'), "doctor", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stdout
    assert "OK    sensor   mock sensor" in proc.stdout


def test_doctor_fails_when_configured_gpio_is_missing(tmp_path):
    cfg = write_config(tmp_path, '[sensor]\ndriver = "mock"\n[gpio]\nstart_button = 17\n')
    env_factory = os.environ.get("GPIOZERO_PIN_FACTORY")
    if env_factory:
        pytest.skip("a pin factory is forced")
    proc = backstretch("--config", cfg, "doctor", tmp_path=tmp_path)
    assert proc.returncode == 1 and "FAIL  gpio" in proc.stdout


def test_bad_config_lists_problems_and_exits_2(tmp_path):
    cfg = write_config(tmp_path, "[sensor]\nrate_hz = 5000\nbus = -1\n")
    proc = backstretch("--config", cfg, "config", tmp_path=tmp_path)
    assert proc.returncode == 2
    assert "2 configuration problem(s)" in proc.stderr
    assert f"sensor.rate_hz = 5000 ({cfg}): must be a whole number between 10 and 1000" in proc.stderr


def test_config_shows_the_fleet_password_and_admin_pin_as_set_never_their_values(tmp_path):
    cfg = write_config(
        tmp_path,
        '[fleet]\nmqtt_url = "mqtt://b"\nusername = "desk"\npassword = "s3cr3t"\n[people]\nadmin_pin = "97531"\n',
    )
    proc = backstretch("--config", cfg, "config", tmp_path=tmp_path)
    assert proc.returncode == 0
    assert 'password = "(set, not shown)"' in proc.stdout and 'admin_pin = "(set, not shown)"' in proc.stdout
    assert 'username = "desk"' in proc.stdout
    assert "s3cr3t" not in proc.stdout and "97531" not in proc.stdout


def test_collect_never_echoes_a_password_given_in_the_broker_address(tmp_path):
    proc = backstretch(
        "collect", "--mqtt-url", "mqtt://desk:s3cr3t@broker", "--data-dir", str(tmp_path), tmp_path=tmp_path
    )
    assert proc.returncode == 2 and "fleet.password" in proc.stderr and "s3cr3t" not in proc.stderr


def test_missing_config_file(tmp_path):
    proc = backstretch("--config", str(tmp_path / "nope.toml"), "config", tmp_path=tmp_path)
    assert proc.returncode == 2 and "nope.toml: no such file" in proc.stderr


def test_simulate_runs_and_exits_after_duration(tmp_path):
    proc = backstretch(
        "simulate", "--duration", "1.5", "--speed", "20", "--data-dir", str(tmp_path / "d"), tmp_path=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    assert "simulating Back stretches at x20 with the auto performer" in proc.stderr
    text = backstretch(
        "simulate", "--text", "--duration", "1.5", "--speed", "20", "--data-dir", str(tmp_path / "d"), tmp_path=tmp_path
    )
    assert "mock sensor 100 Hz" in text.stdout and "[intro] Pelvic tilt." in text.stdout


def simulated_routine(tmp_path, *options) -> tuple[str, list[dict[str, str]]]:
    """A whole routine simulated in the terminal at x60 into tmp_path/d: what it printed and the history's CSV rows."""
    data = tmp_path / "d"
    proc = backstretch("simulate", "--text", "--speed", "60", "--data-dir", str(data), *options, tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "session completed:" in proc.stdout
    sheet = backstretch("history", "--csv", "--data-dir", str(data), tmp_path=tmp_path)
    rows = list(csv.DictReader(io.StringIO(sheet.stdout)))
    assert [r["exercise"] for r in rows] == ["Pelvic tilt", "Spinal twist", "Swiss ball stretch"]
    return proc.stdout, rows


def test_simulate_plays_the_whole_routine_into_history_and_csv(tmp_path):
    _, rows = simulated_routine(tmp_path, "--performer", "auto")
    assert rows[0]["reps_done"] == "8" and rows[1]["holds_completed"] == "10"
    listing = backstretch("history", "--data-dir", str(tmp_path / "d"), tmp_path=tmp_path)
    assert "1 session(s)" in listing.stdout and "completed" in listing.stdout and "Pelvic tilt 8/8" in listing.stdout


def test_history_data_dir_from_the_environment(tmp_path):
    env_dir = tmp_path / "env"
    proc = run_cli(
        ["history"], dict(os.environ, BACKSTRETCH_DATA_DIR=str(env_dir), XDG_CONFIG_HOME=str(tmp_path / "x"))
    )
    assert proc.returncode == 0 and f"no sessions yet in {env_dir}" in proc.stdout
    assert not env_dir.exists()  # `history` only reads: it creates nothing


def test_record_from_mock_writes_a_valid_recording(tmp_path):
    out = tmp_path / "r.csv"
    proc = backstretch("record", "--source", "mock", "--seconds", "1", "--out", str(out), tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    rec = read_recording(out)
    assert rec.has_gyro and 80 <= len(rec.data) <= 130 and rec.comments[0].startswith("source: mock sensor")


def test_record_replay_of_a_corrupt_file_is_one_line(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("t,ax,ay,az\n0,0,0,1\n0,1,1,1\n")
    cfg = write_config(tmp_path, f'[sensor]\ndriver = "replay"\nreplay_file = "{bad}"\n')
    proc = backstretch("--config", cfg, "record", "--out", str(tmp_path / "o.csv"), tmp_path=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"backstretch: {bad}:3: t = 0 does not increase (previous 0)"


def test_bad_argument_is_a_usage_error(tmp_path):
    proc = backstretch("simulate", "--duration", "soon", tmp_path=tmp_path)
    assert proc.returncode == 2 and "'soon' is not a number" in proc.stderr


def test_analyze_json_is_one_object_per_file_in_the_design_form(tmp_path):
    data = ROOT / "tests" / "data"
    twist = data / "synthetic" / "synth-spinal_twist-2.csv"
    proc = backstretch("analyze", str(twist), str(twist), "--exercise", "spinal_twist", "--json", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 2
    import json

    result = json.loads(lines[0])
    assert list(result) == ["exercise", "reps", "holds", "duration", "confidence", "unusable_s"]
    assert result["confidence"] in ("high", "low")
    assert set(result["holds"][0]) == {"side", "start", "end", "seconds", "completed"}
    assert result["holds"][0]["side"] in ("left", "right")


def test_analyze_and_synth_read_no_setting_so_a_configuration_problem_does_not_stop_them(tmp_path):
    cfg = write_config(tmp_path, "[sensor]\nrate_hz = 5000\n")
    twist = ROOT / "tests" / "data" / "synthetic" / "synth-spinal_twist-2.csv"
    proc = backstretch("--config", cfg, "analyze", str(twist), "--exercise", "spinal_twist", tmp_path=tmp_path)
    assert proc.returncode == 0 and "holds: " in proc.stdout, proc.stderr
    proc = backstretch(
        "--config", cfg, "synth", "--out", str(tmp_path), "--exercise", "reps", "--count", "1", tmp_path=tmp_path
    )
    assert proc.returncode == 0 and Path(proc.stdout.strip()).exists(), proc.stderr
    assert backstretch("--config", cfg, "routine", tmp_path=tmp_path).returncode == 2  # the others still check it


def test_analyze_imports_neither_the_configuration_nor_mqtt_nor_the_chip_drivers(tmp_path):
    """What a developer waits for starts with what it needs: no settings, no broker client, no I2C."""
    twist = ROOT / "tests" / "data" / "synthetic" / "synth-spinal_twist-2.csv"
    code = (
        "import sys\nfrom backstretch.kiosk.cli import main\n"
        f"main(['analyze', {str(twist)!r}, '--exercise', 'reps', '--json'])\n"
        "print(sorted(m for m in ('backstretch.kiosk.config', 'paho', 'backstretch.drivers.factory', 'smbus2') "
        "if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0 and proc.stdout.splitlines()[-1] == "[]", proc.stdout + proc.stderr


def test_analyze_says_when_it_could_not_read_the_body_rather_than_reporting_nothing_done(tmp_path):
    """A recording whose accelerometer read zero for most of it (a sensor that lost power): no rep is seen, and the
    count is not one to trust."""
    import json

    rec = tmp_path / "dead.csv"
    rows = [f"{i / 100:.2f},{0.0 if 500 <= i < 2500 else 1.0},0,0" for i in range(3000)]
    rec.write_text("t,ax,ay,az\n" + "\n".join(rows) + "\n")
    proc = backstretch("analyze", str(rec), "--exercise", "reps", "--json", tmp_path=tmp_path)
    result = json.loads(proc.stdout)
    assert (
        proc.returncode == 0 and result["unusable_s"] == pytest.approx(20.0, abs=0.05) and result["confidence"] == "low"
    )
    text = backstretch("analyze", str(rec), "--exercise", "reps", tmp_path=tmp_path).stdout
    assert "20.0 s of it had no usable accelerometer reading" in text  # 2000 of 3000 samples over 30 s
    assert "low confidence: more than 1 s of the recording could not be read" in text


def test_analyze_counts_readings_that_cancel_out_within_a_frame_as_unreadable(tmp_path):
    """A sensor that rattles between +1 g and -1 g gives samples with a direction each, but frames with none."""
    import json

    rec = tmp_path / "rattle.csv"
    rows = [f"{i / 100:.2f},{(-1.0) ** i if 500 <= i < 2500 else 1.0},0,0" for i in range(3000)]
    rec.write_text("t,ax,ay,az\n" + "\n".join(rows) + "\n")
    result = json.loads(backstretch("analyze", str(rec), "--exercise", "reps", "--json", tmp_path=tmp_path).stdout)
    assert 15.0 <= result["unusable_s"] <= 20.0 and result["confidence"] == "low"


def test_analyze_plot_writes_a_png(tmp_path):
    rec = ROOT / "tests" / "data" / "synthetic" / "synth-pelvic_tilt-1.csv"
    out = tmp_path / "plot.png"
    proc = backstretch("analyze", str(rec), "--exercise", "pelvic_tilt", "--plot", str(out), tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "reps: " in proc.stdout
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--exercise", "yoga"], "unknown exercise 'yoga'"),
        (["--exercise", "reps", "--first-side", "left"], "no such file"),
    ],
)
def test_analyze_bad_input_is_one_line_and_status_2(tmp_path, args, message):
    proc = backstretch("analyze", str(tmp_path / "missing.csv"), *args, tmp_path=tmp_path)
    assert proc.returncode == 2
    assert message in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_analyze_malformed_csv(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("t,ax,ay,az\n0,0,0,1\n0.1,0,x,1\n")
    proc = backstretch("analyze", str(bad), "--exercise", "reps", tmp_path=tmp_path)
    assert proc.returncode == 2 and proc.stderr.strip() == f"backstretch: {bad}:3: 'x' is not a number"


def test_synth_writes_labelled_sets(tmp_path):
    proc = backstretch(
        "synth",
        "--out",
        str(tmp_path / "s"),
        "--exercise",
        "swiss_ball",
        "--count",
        "1",
        "--rate",
        "25",
        tmp_path=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "s" / "synth-swiss_ball-1.labels.json").exists()
    assert read_recording(tmp_path / "s" / "synth-swiss_ball-1.csv").rate_hz == pytest.approx(25, rel=0.01)


def test_bad_routine_file_lists_problems_and_exits_2(tmp_path):
    bad = ROOT / "tests" / "data" / "routines" / "bad-detect.toml"
    cfg = write_config(tmp_path, f'[history]\nroutine = "{bad}"\n')
    proc = backstretch("--config", cfg, "routine", tmp_path=tmp_path)
    assert proc.returncode == 2
    assert f"exercise[1].detect = \"jump\" ({bad}): must be one of 'reps', 'hold'" in proc.stderr


def test_routine_shows_the_seed(tmp_path):
    proc = backstretch("routine", tmp_path=tmp_path)
    assert proc.returncode == 0
    assert "Spinal twist: 30 s holds, 5 per side (left, right)" in proc.stdout


@pytest.mark.skipif(Path("/dev/i2c-1").exists(), reason="this machine has an I2C bus")
def test_record_without_a_sensor_writes_nothing_and_says_why(tmp_path):
    out = tmp_path / "r.csv"
    proc = backstretch("record", "--source", "mpu6050", "--seconds", "0.5", "--out", str(out), tmp_path=tmp_path)
    assert proc.returncode == 1 and not out.exists()
    assert "no samples in 0.5 s, nothing written: no I2C bus /dev/i2c-1" in proc.stderr


def test_record_from_an_accelerometer_only_replay_has_no_gyro_columns(tmp_path):
    src = tmp_path / "a.csv"
    src.write_text("t,ax,ay,az\n" + "".join(f"{i / 50},0,0,1\n" for i in range(200)))
    cfg = write_config(tmp_path, f'[sensor]\ndriver = "replay"\nreplay_file = "{src}"\n')
    out = tmp_path / "r.csv"
    proc = backstretch("--config", cfg, "record", "--seconds", "1", "--out", str(out), tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    rec = read_recording(out)
    assert not rec.has_gyro and len(rec.data) >= 40


def without_display(tmp_path, *args):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "xdg"), SDL_AUDIODRIVER="dummy")
    return run_cli(args, env)


def test_simulate_without_a_display_says_so_and_plays_in_the_terminal(tmp_path):
    proc = without_display(tmp_path, "simulate", "--duration", "1", "--speed", "20", "--data-dir", str(tmp_path / "d"))
    assert proc.returncode == 0, proc.stderr
    assert "no display" in proc.stderr and "(--text)" in proc.stderr
    assert "[intro] Pelvic tilt." in proc.stdout
    keyboard = without_display(tmp_path, "simulate", "--performer", "keyboard", "--data-dir", str(tmp_path / "d"))
    assert keyboard.returncode == 1 and "no display for the keyboard performer" in keyboard.stderr


def test_the_keyboard_performer_has_no_text_mode(tmp_path):
    proc = backstretch("simulate", "--text", "--performer", "keyboard", tmp_path=tmp_path)
    assert proc.returncode == 2 and "--text has no keyboard" in proc.stderr


def test_simulate_with_the_auto_performer_exits_0_after_the_summary(tmp_path):
    proc = backstretch("simulate", "--speed", "60", "--data-dir", str(tmp_path / "d"), tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    listing = backstretch("history", "--data-dir", str(tmp_path / "d"), tmp_path=tmp_path)
    assert "completed" in listing.stdout
