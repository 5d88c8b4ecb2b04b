"""The phone through the command line: `record --source phone`, then `analyze` what it wrote."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import numpy as np

from backstretch.drivers.recording import read_recording
from backstretch.kiosk.simulator.body import STANDING
from backstretch.kiosk.simulator.mock import ImuModel
from backstretch.kiosk.simulator.phone import PHONE_ON_BELLY
from backstretch.kiosk.simulator.script import Script

from ..drivers.fake_phone import FakePhone
from .conftest import free_port
from .test_cli import ROOT, backstretch, write_config

TOKEN = "r3cordm3"


def test_record_from_a_phone_then_analyze_the_file(tmp_path):
    port = free_port()
    cfg = write_config(tmp_path, f'[sensor]\nphone_listen = "127.0.0.1:{port}"\nphone_token = "{TOKEN}"\n')
    out = tmp_path / "phone.csv"
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "xdg"))
    command = ["record", "--source", "phone", "--seconds", "6", "--out", str(out)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "backstretch.kiosk.cli", "--config", cfg, *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    try:
        said = proc.stderr.readline()  # the command says where to push before it waits
        assert f"push to http://127.0.0.1:{port}/push/{TOKEN}" in said
        script = Script(start=STANDING, rng=np.random.default_rng(5)).still(0.5)
        script.tilt_reps(2, amplitude_deg=25.0, period_s=1.5, pause_s=0.2)
        t = np.arange(0.0, 4.5, 0.01)
        rows = np.column_stack([t, ImuModel(np.random.default_rng(5), PHONE_ON_BELLY).measure(script.timeline, t)])
        phone = FakePhone(port, TOKEN)
        phone.play(rows, time.monotonic, batch_s=0.25, jitter_s=0.05, late_every=5, late_s=1.2)
        phone.close()
        stdout, stderr = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 0, stderr
    assert f"wrote {len(rows)} samples" in stdout
    rec = read_recording(out)  # strictly increasing t, or it raises
    assert rec.has_gyro and abs(rec.rate_hz - 100.0) < 2.0
    assert any("phone (Sensor Logger)" in c for c in rec.comments)
    np.testing.assert_allclose(rec.data[:, 1:4], rows[:, 1:4], atol=1e-5)  # written in g, 5 decimals
    analyzed = backstretch("analyze", str(out), "--exercise", "reps", "--json", tmp_path=tmp_path)
    assert analyzed.returncode == 0, analyzed.stderr
    result = json.loads(analyzed.stdout)
    assert result["exercise"] == "reps" and abs(result["duration"] - 4.49) < 0.05


def test_record_from_a_phone_that_never_pushes_writes_nothing_and_says_why(tmp_path):
    cfg = write_config(tmp_path, f'[sensor]\nphone_listen = "127.0.0.1:{free_port()}"\n')
    out = tmp_path / "none.csv"
    proc = backstretch(
        "--config", cfg, "record", "--source", "phone", "--seconds", "0.5", "--out", str(out), tmp_path=tmp_path
    )
    assert proc.returncode == 1 and not out.exists()
    assert "no samples in 0.5 s, nothing written: waiting for a phone" in proc.stderr
