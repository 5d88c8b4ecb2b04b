"""The Pi deployment, checked offline: the unit, its hardening score, the install script, the notify protocol."""

import itertools
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "systemd" / "backstretch.service"
INSTALL = ROOT / "systemd" / "install.sh"
IN_CI = bool(os.environ.get("BACKSTRETCH_CI"))  # .ci/run installs the tools, so there they must be present


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        if IN_CI:
            pytest.fail(f"{tool} is missing in CI")
        pytest.skip(f"{tool} is not installed")
    return path


def unit_root(tmp_path: Path, unit_text: str) -> Path:
    root = tmp_path / "root"
    (root / "etc/systemd/system").mkdir(parents=True)
    (root / "etc/systemd/system/backstretch.service").write_text(unit_text)
    exe = root / "opt/backstretch/venv/bin/backstretch"
    exe.parent.mkdir(parents=True)
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    shutil.copytree("/usr/lib/systemd/system", root / "usr/lib/systemd/system", symlinks=True)
    return root


def verify(tmp_path: Path, unit_text: str) -> subprocess.CompletedProcess:
    need("systemd-analyze")
    root = unit_root(tmp_path, unit_text)
    return subprocess.run(
        ["systemd-analyze", "verify", "--man=no", f"--root={root}", "/etc/systemd/system/backstretch.service"],
        capture_output=True,
        text=True,
    )


def test_unit_verifies_with_nothing_on_stderr(tmp_path):
    proc = verify(tmp_path, UNIT.read_text())
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr


def test_the_verify_check_catches_a_bad_key(tmp_path):
    """verify exits 0 on unknown keys: the check must look at stderr, and this shows it does."""
    proc = verify(tmp_path, UNIT.read_text().replace("[Service]", "[Service]\nRestartt=always"))
    assert "Restartt" in proc.stderr


def test_hardening_exposure_is_at_most_2_5(tmp_path):
    need("systemd-analyze")
    root = unit_root(tmp_path, UNIT.read_text())
    proc = subprocess.run(
        [
            "systemd-analyze",
            "security",
            "--offline=true",
            f"--root={root}",
            "--threshold=25",
            "/etc/systemd/system/backstretch.service",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr
    level = float(re.search(r"Overall exposure level for backstretch.service: ([0-9.]+)", proc.stdout).group(1))
    assert level <= 2.5


def test_unit_runs_unprivileged_with_a_watchdog():
    text = UNIT.read_text()
    for line in (
        "Type=notify",
        "User=backstretch",
        "Restart=always",
        "StateDirectory=backstretch",
        "Environment=SDL_VIDEODRIVER=kmsdrm",
        "CapabilityBoundingSet=",
        "DevicePolicy=closed",
        "DeviceAllow=/dev/i2c-1 rw",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
    ):
        assert re.search(rf"^{re.escape(line)}$", text, re.M), line
    assert re.search(r"^WatchdogSec=\d+", text, re.M)
    assert "*" not in "".join(line for line in text.splitlines() if line.startswith("DeviceAllow="))


def test_install_script_passes_shellcheck():
    proc = subprocess.run([need("shellcheck"), str(INSTALL)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout


def run_install(*args, model="", codename="bookworm", tmp_path=None):
    env = dict(os.environ)
    if tmp_path is not None:
        (tmp_path / "model").write_bytes(model.encode() + b"\0")
        (tmp_path / "os-release").write_text(f"VERSION_CODENAME={codename}\n")
        env.update(BACKSTRETCH_MODEL_FILE=str(tmp_path / "model"), BACKSTRETCH_OS_RELEASE=str(tmp_path / "os-release"))
    return subprocess.run(["bash", str(INSTALL), *args], capture_output=True, text=True, env=env, timeout=60)


def test_install_refuses_on_a_machine_that_is_not_a_pi(tmp_path):
    proc = run_install("--dry-run", model="Generic x86 PC", tmp_path=tmp_path)
    assert proc.returncode == 1
    assert "this is not a Raspberry Pi" in proc.stderr and "make simulate" in proc.stderr


def test_install_refuses_an_unsupported_os(tmp_path):
    proc = run_install("--dry-run", model="Raspberry Pi 5 Model B", codename="bullseye", tmp_path=tmp_path)
    assert proc.returncode == 1 and "bullseye is not supported" in proc.stderr


def test_dry_run_prints_every_change_and_makes_none(tmp_path):
    proc = run_install("--dry-run", "--console-login", "disable", model="Raspberry Pi 4 Model B", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for change in (
        "usermod --append --groups video,render,input,i2c,gpio,audio backstretch",
        "/opt/backstretch/venv/bin/pip install --quiet --upgrade",
        "[pi]",
        "would write: /etc/systemd/system/backstretch.service",
        "systemctl enable backstretch.service",
        "systemctl disable getty@tty1.service",
        "backstretch doctor",
        "dry run: nothing was changed",
    ):
        assert change in out, change
    assert "i2c" in out.lower()
    assert not Path("/etc/systemd/system/backstretch.service").exists() or "would write" in out


def test_uninstall_dry_run_keeps_config_and_history(tmp_path):
    proc = run_install("--dry-run", "--uninstall", model="Raspberry Pi 5 Model B", codename="trixie", tmp_path=tmp_path)
    assert proc.returncode == 0
    assert "systemctl disable --now backstretch.service" in proc.stdout
    assert "kept: /etc/backstretch (config) and /var/lib/backstretch (history)" in proc.stdout


def test_notify_ready_after_the_first_frame_then_watchdog_inside_half_the_period(tmp_path):
    sock_path = tmp_path / "notify.sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(str(sock_path))
    listener.settimeout(30)
    cfg = tmp_path / "c.toml"
    cfg.write_text('[sensor]\ndriver = "mock"\n')
    env = dict(
        os.environ,
        NOTIFY_SOCKET=str(sock_path),
        WATCHDOG_USEC="1000000",
        SDL_VIDEODRIVER="dummy",
        SDL_AUDIODRIVER="dummy",
        XDG_CONFIG_HOME=str(tmp_path / "x"),
        BACKSTRETCH_DATA_DIR=str(tmp_path / "d"),
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "backstretch.kiosk.cli", "--config", str(cfg), "run", "--duration", "4"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    messages = []
    try:
        while True:
            data = listener.recv(4096).decode()
            messages.append((time.monotonic(), data))
            if "STOPPING=1" in data:
                break
    finally:
        proc.wait(timeout=60)
        listener.close()
    assert proc.returncode == 0, proc.stderr
    kinds = [m.split("\n")[0] for _, m in messages]
    assert kinds[0] == "READY=1"
    pings = [t for t, m in messages if m == "WATCHDOG=1"]
    assert len(pings) >= 6
    gaps = [b - a for a, b in itertools.pairwise(pings)]
    assert max(gaps) < 0.5  # half of WATCHDOG_USEC


def test_the_final_doctor_runs_as_the_service_user_in_a_clean_environment(tmp_path):
    proc = run_install("--dry-run", "--console-login", "keep", model="Raspberry Pi 4 Model B", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (
        "would run as backstretch: runuser -u backstretch -- env -i HOME=/var/lib/backstretch "
        "STATE_DIRECTORY=/var/lib/backstretch PATH=/usr/bin:/bin LANG=C.UTF-8 "
        "/opt/backstretch/venv/bin/backstretch doctor"
    ) in proc.stdout


def test_everything_run_as_the_service_user_gets_the_clean_environment():
    script = INSTALL.read_text()
    assert script.count("runuser") == 1  # the one clean-environment prefix
    assert 'AS_SERVICE=(runuser -u "$USER_NAME" -- env -i ' in script
    assert '"${AS_SERVICE[@]}" "$VENV/bin/backstretch" --config "$ETC/config.toml" config' in script


def test_os_release_is_read_as_data_never_run(tmp_path):
    marker = tmp_path / "ran"
    proc = run_install("--dry-run", "--console-login", "keep", model="Raspberry Pi 4 Model B", tmp_path=tmp_path)
    assert proc.returncode == 0
    (tmp_path / "os-release").write_text(f'VERSION_CODENAME="bookworm"\ntouch {marker}\n$(touch {marker})\n')
    env = dict(
        os.environ,
        BACKSTRETCH_MODEL_FILE=str(tmp_path / "model"),
        BACKSTRETCH_OS_RELEASE=str(tmp_path / "os-release"),
    )
    proc = subprocess.run(
        ["bash", str(INSTALL), "--dry-run", "--console-login", "keep"], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 0 and "Raspberry Pi OS bookworm" in proc.stdout
    assert not marker.exists()


def test_a_real_install_reads_no_file_the_environment_names(tmp_path):
    (tmp_path / "model").write_bytes(b"Raspberry Pi 4 Model B\0")
    env = dict(os.environ, BACKSTRETCH_MODEL_FILE=str(tmp_path / "model"))
    proc = subprocess.run(
        ["bash", str(INSTALL)], capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=60
    )
    assert proc.returncode == 1
    if Path("/proc/device-tree/model").exists():
        pytest.skip("this machine has a device-tree model of its own")
    assert "this is not a Raspberry Pi" in proc.stderr  # /proc/device-tree/model, not the file named above
