"""The network drop-in: the service has no network unless a phone is the sensor, and then only what it needs."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from .test_deploy import ROOT, UNIT, need, run_install, unit_root

DROPIN = ROOT / "systemd" / "network.conf"


def dropin_for(driver: str, port: int = 8765) -> str:
    """What install.sh writes for each network driver."""
    text = DROPIN.read_text()
    if driver == "phone":
        return text.replace("@PORT@", str(port))
    return "\n".join(line for line in text.splitlines() if not line.startswith("SocketBindAllow=")) + "\n"


def root_with(tmp_path: Path, dropin: str | None) -> Path:
    root = unit_root(tmp_path, UNIT.read_text())
    if dropin is not None:
        d = root / "etc/systemd/system/backstretch.service.d"
        d.mkdir()
        (d / "network.conf").write_text(dropin)
    return root


def exposure(root: Path) -> tuple[float, str]:
    proc = subprocess.run(
        ["systemd-analyze", "security", "--offline=true", f"--root={root}", "/etc/systemd/system/backstretch.service"],
        capture_output=True,
        text=True,
    )
    found = re.search(r"Overall exposure level for backstretch.service: ([0-9.]+)", proc.stdout)
    assert found, proc.stdout[-2000:] + proc.stderr
    return float(found.group(1)), proc.stdout


def test_without_the_drop_in_the_service_has_no_network():
    text = UNIT.read_text()
    assert re.search(r"^PrivateNetwork=yes$", text, re.M) and re.search(r"^IPAddressDeny=any$", text, re.M)
    families = re.search(r"^RestrictAddressFamilies=(.*)$", text, re.M).group(1).split()
    assert "AF_INET" not in families and "AF_INET6" not in families


@pytest.mark.parametrize("driver", ["phone", "phyphox"])
def test_with_the_drop_in_the_unit_verifies_and_exposure_stays_at_or_below_1_5(tmp_path, driver):
    need("systemd-analyze")
    root = root_with(tmp_path, dropin_for(driver, 9123))
    proc = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", f"--root={root}", "/etc/systemd/system/backstretch.service"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    level, report = exposure(root)
    assert level <= 1.5, report
    assert "Service may allocate Internet sockets" in report  # the drop-in was read
    assert "non-localhost entries" in report  # an allow list, not the whole internet


def test_the_drop_in_listens_on_the_configured_port_only_and_phyphox_listens_on_none():
    def settings(text: str) -> str:
        return "\n".join(line for line in text.splitlines() if not line.startswith("#"))

    phone, phyphox = settings(dropin_for("phone", 9123)), settings(dropin_for("phyphox"))
    assert "SocketBindDeny=any" in phone and "SocketBindAllow=tcp:9123" in phone and "@PORT@" not in phone
    assert "SocketBindDeny=any" in phyphox and "SocketBindAllow" not in phyphox
    allowed = re.search(r"^IPAddressAllow=(.*)$", phone, re.M).group(1).split()
    assert "any" not in allowed and "192.168.0.0/16" in allowed


def test_install_dry_run_says_the_network_opens_only_for_a_phone(tmp_path):
    proc = run_install("--dry-run", "--console-login", "keep", model="Raspberry Pi 4 Model B", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (
        "would allow the local network (systemd/network.conf) only if sensor.driver is phone or phyphox" in proc.stdout
    )
