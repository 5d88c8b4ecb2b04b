"""Fuzzed and hostile configuration, routine and recording files through the real CLI.

650 files generated with a fixed seed (mutations of the shipped config and routine and of a real
recording) plus the named cases in tests/data/fuzz and a few too large to keep there. Each must
give a short message on stderr and exit status 2 (or 0 when a mutation happens to be valid):
never a traceback, never "internal error", never a hang. In-process for speed, with a timer that
turns a hang into a failure; the named cases also run as real processes.
"""

from __future__ import annotations

import logging
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from backstretch.config import DEFAULT_CONFIG, DEFAULT_ROUTINE
from backstretch.kiosk.cli import main

SEED = 20261124
DATA = Path(__file__).resolve().parents[1] / "data"
FUZZ = DATA / "fuzz"
RECORDING = DATA / "synthetic" / "synth-pelvic_tilt-5.csv"
CASE_LIMIT_S = 10  # a case still running after this long is a hang
MAX_STDERR = 8000  # characters: a few short lines, never an echo of the input

HOSTILE_VALUES = [
    "-1",
    "0",
    "1e309",
    "nan",
    "-inf",
    "99999999999999999999999",
    '""',
    '"\\u0000"',
    '"\\u001b[2J"',
    '"' + "x" * 5000 + '"',
    "[]",
    "[[[[[[[[[[1]]]]]]]]]]",
    "{}",
    "{a = {b = {c = 1}}}",
    "true",
    "1979-05-27T07:32:00Z",
    '"/dev/zero"',
    '"/nonexistent/file"',
    "0x68",
    '"auto"',
]
HOSTILE_CSV = ["nan", "inf", "-", "1e309", "\x00", "", "0x10", "1,2", "é", "  ", "#", "t", "9" * 400]


def mutate_toml(text: str, rng: random.Random) -> str:
    lines = text.splitlines()
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(lines))
        action = rng.randrange(7)
        if action == 0 and "=" in lines[i]:
            key = lines[i].split("=", 1)[0]
            lines[i] = f"{key}= {rng.choice(HOSTILE_VALUES)}"
        elif action == 1:
            del lines[i]
        elif action == 2:
            lines.insert(i, lines[rng.randrange(len(lines))])
        elif action == 3:
            lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)]
        elif action == 4:
            lines.insert(i, f"unknown_{rng.randrange(1000)} = {rng.choice(HOSTILE_VALUES)}")
        elif action == 5:
            lines.insert(i, rng.choice(["[sensor]", "[[exercise]]", "[routine]", "[nope]", "[history", "]]"]))
        else:
            raw = bytearray(lines[i].encode())
            for _ in range(rng.randint(1, 3)):
                if raw:
                    raw[rng.randrange(len(raw))] = rng.randrange(256)
            lines[i] = raw.decode("utf-8", "replace")
    return "\n".join(lines) + "\n"


def mutate_csv(lines: list[str], rng: random.Random) -> str:
    lines = list(lines)
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(lines))
        cells = lines[i].split(",")
        action = rng.randrange(6)
        if action == 0:
            cells[rng.randrange(len(cells))] = rng.choice(HOSTILE_CSV)
            lines[i] = ",".join(cells)
        elif action == 1:
            lines[i], lines[i - 1] = lines[i - 1], lines[i]  # time runs backwards
        elif action == 2:
            lines[i] = ",".join(cells[: rng.randrange(len(cells))])
        elif action == 3:
            lines[i] = ",".join(cells + ["0"] * rng.randint(1, 4))
        elif action == 4:
            lines.insert(i, rng.choice(["# comment", "", "t,ax,ay,az", "\x00\x01\x02", "," * 50]))
        else:
            lines = lines[: i + 1]
    return "\n".join(lines) + "\n"


def generated(tmp_path: Path) -> list[tuple[str, list[str]]]:
    """(name, argv) for every generated case; the files go in tmp_path."""
    rng = random.Random(SEED)
    config_text = DEFAULT_CONFIG.read_text()
    routine_text = DEFAULT_ROUTINE.read_text()
    recording = RECORDING.read_text().splitlines()[:400]
    cases = []
    for i in range(300):
        path = tmp_path / f"config-{i}.toml"
        path.write_text(mutate_toml(config_text, rng), encoding="utf-8", errors="replace")
        cases.append((path.name, ["--config", str(path), "config"]))
    for i in range(150):
        path = tmp_path / f"routine-{i}.toml"
        path.write_text(mutate_toml(routine_text, rng), encoding="utf-8", errors="replace")
        cases.append((path.name, ["--config", str(routine_config(tmp_path, path)), "routine"]))
    for i in range(200):
        path = tmp_path / f"recording-{i}.csv"
        path.write_text(mutate_csv(recording, rng), encoding="utf-8", errors="replace")
        cases.append((path.name, ["analyze", str(path), "--exercise", "reps"]))
    return cases


def routine_config(tmp_path: Path, routine: Path | str) -> Path:
    cfg = tmp_path / f"uses-{Path(routine).name}.cfg.toml"
    cfg.write_text(f"[history]\nroutine = {str(routine)!r}\n".replace("'", '"'))
    return cfg


def named(tmp_path: Path) -> list[tuple[str, list[str]]]:
    """The hostile cases of the issue, every one bad input (exit status 2)."""
    cases = []
    for path in sorted(FUZZ.glob("config-*.toml")):
        cases.append((path.name, ["--config", str(path), "config"]))
    for path in sorted(FUZZ.glob("routine-*.toml")):
        cases.append((path.name, ["--config", str(routine_config(tmp_path, path)), "routine"]))
    for path in sorted(FUZZ.glob("recording-*.csv")):
        cases.append((path.name, ["analyze", str(path), "--exercise", "reps"]))
    keys = tmp_path / "config-60000-unknown-keys.toml"
    keys.write_text("[sensor]\n" + "".join(f"k{i}=1\n" for i in range(60_000)))
    wide = tmp_path / "recording-million-columns.csv"
    wide.write_text("t,ax,ay,az," + ",".join("c" for _ in range(1_000_000)) + "\n0,0,0,1\n")
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)  # nobody ever writes to it
    cases += [
        (keys.name, ["--config", str(keys), "config"]),
        (wide.name, ["analyze", str(wide), "--exercise", "reps"]),
        ("config-fifo", ["--config", str(fifo), "config"]),
        ("config-dev-zero", ["--config", "/dev/zero", "config"]),
        ("routine-fifo", ["--config", str(routine_config(tmp_path, fifo)), "routine"]),
        ("routine-dev-zero", ["--config", str(routine_config(tmp_path, "/dev/zero")), "routine"]),
        ("recording-fifo", ["analyze", str(fifo), "--exercise", "reps"]),
        ("recording-dev-zero", ["analyze", "/dev/zero", "--exercise", "reps"]),
    ]
    return cases


class Hang(Exception):
    pass


def run_in_process(argv: list[str], capsys) -> tuple[int, str]:
    def hang(_signum, _frame):
        raise Hang(" ".join(argv))

    for handler in logging.root.handlers[:]:  # log lines go to this case's captured stderr
        logging.root.removeHandler(handler)
    old = signal.signal(signal.SIGALRM, hang)
    signal.setitimer(signal.ITIMER_REAL, CASE_LIMIT_S)
    try:
        code = main(argv)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    return code, capsys.readouterr().err


def check(name: str, code: int, err: str, bad: bool) -> list[str]:
    wrong = []
    if "internal error" in err or "Traceback" in err:
        wrong.append(f"{name}: {err.strip()[:300]}")
    if len(err) > MAX_STDERR:
        wrong.append(f"{name}: {len(err)} characters on stderr")
    if code not in ((2,) if bad else (0, 2)):
        wrong.append(f"{name}: exit status {code}: {err.strip()[:200]}")
    return wrong


@pytest.fixture
def quiet_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-user-config"))
    monkeypatch.setenv("BACKSTRETCH_DATA_DIR", str(tmp_path / "data"))


def test_650_generated_files_never_crash_or_hang(tmp_path, capsys, quiet_home):
    cases = generated(tmp_path)
    assert len(cases) == 650
    wrong, codes = [], []
    for name, argv in cases:
        code, err = run_in_process(argv, capsys)
        codes.append(code)
        wrong += check(name, code, err, bad=False)
    assert wrong == []
    assert codes.count(2) > 400  # the mutations mostly hit: the suite is testing refusals, not valid files


def test_the_named_hostile_files_are_bad_input_in_a_few_lines(tmp_path, capsys, quiet_home):
    wrong = []
    for name, argv in named(tmp_path):
        code, err = run_in_process(argv, capsys)
        wrong += check(name, code, err, bad=True)
        if err.count("\n") > 25:
            wrong.append(f"{name}: {err.count(chr(10))} lines on stderr")
    assert wrong == []


def test_the_named_hostile_files_as_real_processes(tmp_path, quiet_home):
    env = dict(os.environ)
    wrong = []
    for name, argv in named(tmp_path):
        proc = subprocess.run(
            [sys.executable, "-m", "backstretch.kiosk.cli", *argv],
            capture_output=True,
            text=True,
            errors="replace",
            env=env,
            timeout=30,
            stdin=subprocess.DEVNULL,
        )
        wrong += check(name, proc.returncode, proc.stderr, bad=True)
    assert wrong == []
