"""The "Use your phone" screen: its QR code scans to the push URL, and it follows the phone."""

from __future__ import annotations

import os
import shutil
import subprocess

import numpy as np
import pygame
import pytest

from backstretch.drivers.phone import PhoneSource, PhoneStatus
from backstretch.drivers.sample import Health
from backstretch.drivers.stream import StreamFigures
from backstretch.kiosk import app as root
from backstretch.kiosk.config import AudioConfig, Config, DisplayConfig
from backstretch.kiosk.routine import load_routine
from backstretch.kiosk.session import KioskSession
from backstretch.ui.canvas import Canvas
from backstretch.ui.pairing import draw_pairing, draw_qr, lost_hint, qr_modules, status_line

from ..conftest import FakeClock
from ..drivers.fake_phone import FakePhone

URL = "http://192.168.1.50:8765/push/k7mxq2ab"
IN_CI = bool(os.environ.get("BACKSTRETCH_CI"))


def waiting(**kw) -> PhoneStatus:
    return PhoneStatus(URL, "k7mxq2ab", True, **kw)


@pytest.mark.parametrize("size", [(800, 480), (720, 1280), (480, 320)])
def test_the_qr_code_on_the_screen_scans_to_the_push_url(tmp_path, size):
    if not shutil.which("zbarimg"):
        if IN_CI:
            pytest.fail("zbarimg (zbar-tools) is missing: .ci/run installs it")
        pytest.skip("zbarimg (zbar-tools) is not installed")
    canvas = Canvas.for_surface(pygame.Surface(size))
    canvas.clear()
    draw_pairing(canvas, waiting(), Health())
    path = tmp_path / "pairing.png"
    pygame.image.save(canvas.surface, str(path))
    scanned = subprocess.run(["zbarimg", "-q", "--raw", str(path)], capture_output=True, text=True, timeout=30)
    assert scanned.stdout.strip() == URL
    shown = [t.text for t in canvas.texts]
    assert URL in shown and "Token: k7mxq2ab" in shown


def test_the_qr_code_is_drawn_module_for_module():
    surface = pygame.Surface((300, 300))
    area = draw_qr(surface, pygame.Rect(0, 0, 300, 300), URL)
    modules = qr_modules(URL)
    px = area.width // len(modules)
    assert px >= 2 and area.width == px * len(modules)
    for y, row in enumerate(modules):
        for x, dark in enumerate(row):
            colour = surface.get_at((area.left + x * px + px // 2, area.top + y * px + px // 2))[:3]
            assert colour == ((0, 0, 0) if dark else (255, 255, 255))


def test_the_status_line_says_what_the_phone_does():
    assert status_line(None) == ("", "muted")
    assert status_line(waiting()) == ("Waiting for your phone...", "muted")
    streaming = StreamFigures(connected=True, rate_hz=98.4, silent_s=0.2)
    assert status_line(waiting(figures=streaming)) == ("Phone connected: 98 samples a second", "good")
    silent = StreamFigures(connected=False, rate_hz=98.4, silent_s=12.0)
    assert status_line(waiting(figures=silent))[0] == "Phone silent for 12 s: wake it, keep the app recording"
    refused = waiting(figures=streaming, refused_device="bob", refused_device_ago_s=3.0)
    assert status_line(refused) == ("Another phone tried to connect: one phone at a time. Stop its recording.", "warn")
    assert status_line(waiting(problem="the app sends acceleration without gravity"))[1] == "alert"
    old = status_line(waiting(wrong_token_ago_s=2.0))
    assert old == ("A phone is pushing to an old address: put this kiosk's URL (Use your phone) in the app.", "warn")
    assert status_line(waiting(wrong_token_ago_s=30.0))[0] == "Waiting for your phone..."
    assert status_line(waiting(figures=streaming, wrong_token_ago_s=2.0))[1] == "good"  # a stray one: still connected


def test_a_lost_phone_is_woken_and_a_lost_clip_is_plugged_in():
    assert lost_hint(Health(model="phone")) == "Wake the phone and keep the app recording on Wi-Fi"
    assert lost_hint(Health(model="MPU-6050")) == "Check the clip's cable"


def test_a_kiosk_without_a_phone_says_how_to_set_one_up():
    canvas = Canvas.for_surface(pygame.Surface((800, 480)))
    draw_pairing(canvas, None, Health())
    assert any('driver = "phone"' in t.text for t in canvas.texts)


def test_the_window_pairs_a_phone_from_idle_and_from_sensor_not_found(tmp_path):
    clock = FakeClock(100.0)
    source = PhoneSource("127.0.0.1:0", "k7mxq2ab", clock=clock)
    source.open()
    cfg = Config(display=DisplayConfig(fullscreen=False), audio=AudioConfig(enabled=False))
    kiosk = KioskSession(load_routine(), source, clock)
    window = root.window(cfg, kiosk, None, "run")
    window.open_display()

    def shown() -> str:
        window.frame()
        return " | ".join(t.text for t in window.canvas.texts)

    rows = np.column_stack([np.arange(0, 1.0, 0.01), np.zeros((100, 2)), np.ones(100), np.zeros((100, 3))])
    try:
        assert "Waiting for your phone..." in shown()  # the idle screen's line
        assert any(b.command == "phone" for b in window.canvas.buttons)
        window.command("phone", None)
        assert source.url in shown() and "Use your phone" in shown()
        clock.t += 1
        assert FakePhone(source.port, "k7mxq2ab").send(rows)[0] == 200
        text = shown()
        assert "Phone connected" in text and "Phone connected: 100 samples a second" in text
        assert FakePhone(source.port, "k7mxq2ab", device="another").send(rows)[0] == 409
        assert "Another phone tried to connect" in shown()
        window.command("home", None)
        assert source.url not in shown() and any(b.command == "start" for b in window.canvas.buttons)
        kiosk.engine.command("start")
        clock.t += 10  # the phone went quiet mid-routine
        text = shown()
        assert "Sensor not found" in text and "Wake the phone and keep the app recording on Wi-Fi" in text
        window.command("phone", None)
        assert source.url in shown()
        clock.t += 1
        later = rows.copy()
        later[:, 0] += 11.0  # eleven seconds on, on the phone's clock
        assert FakePhone(source.port, "k7mxq2ab").send(later)[0] == 200
        shown()  # connected again; the routine carries on after a second of steady connection
        clock.t += 1
        assert source.url not in shown()  # the phone is back: the routine's own screen again
    finally:
        window.close()
        source.close()


def test_screenshots_also_draw_where_the_phone_is_worn(tmp_path):
    paths = root.screenshots(tmp_path, [(240, 240)])
    wear = tmp_path / "wear-phone.png"
    assert wear in paths and pygame.image.load(str(wear)).get_size() == (640, 400)
