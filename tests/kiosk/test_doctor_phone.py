"""doctor with a phone as the sensor: the push URL first, then whether a phone is pushing; phyphox read."""

from __future__ import annotations

import socket
import threading
import time

import numpy as np

from backstretch.config import DEFAULT_CONFIG
from backstretch.kiosk.config import load_config
from backstretch.kiosk.doctor import FAIL, OK, WARN, network_sensor_checks

from ..drivers.fake_phone import FakePhone
from ..drivers.fake_phyphox import FakePhyphox
from ..drivers.test_phyphox import accel_rows
from .conftest import free_port


def phone_config(tmp_path, port: int, token: str = "d0ct0rtk"):
    path = tmp_path / "phone.toml"
    path.write_text(f'[sensor]\ndriver = "phone"\nphone_listen = "127.0.0.1:{port}"\nphone_token = "{token}"\n')
    return load_config([(DEFAULT_CONFIG, True), (path, True)])


def test_doctor_prints_the_push_url_and_says_a_phone_is_pushing(tmp_path):
    port = free_port()
    cfg = phone_config(tmp_path, port)
    rows = np.column_stack([np.arange(0, 2.0, 0.01), np.zeros((200, 2)), np.ones(200), np.zeros((200, 3))])
    phone = FakePhone(port, "d0ct0rtk")
    pushing = []

    def start_phone(text: str) -> None:  # doctor says where to push, then waits: the phone starts then
        assert f"http://127.0.0.1:{port}/push/d0ct0rtk" in text
        thread = threading.Thread(target=lambda: phone.play(rows, time.monotonic, batch_s=0.2, late_every=0))
        thread.start()
        pushing.append(thread)

    checks = network_sensor_checks(cfg, wait_s=10.0, notice=start_phone)
    pushing[0].join()
    phone.close()
    assert checks[0].status == OK and f"HTTP push to http://127.0.0.1:{port}/push/d0ct0rtk" in checks[0].message
    assert checks[1].status == OK and "a phone is pushing: 100 samples a second" in checks[1].message
    assert "totalacceleration, with gyroscope" in checks[1].message


def test_doctor_warns_when_no_phone_pushes_and_when_the_kiosk_holds_the_port(tmp_path):
    port = free_port()
    checks = network_sensor_checks(phone_config(tmp_path, port), wait_s=0.3, notice=lambda text: None)
    assert [c.status for c in checks] == [OK, WARN] and "no phone pushed in 0.3 s" in checks[1].message
    with socket.socket() as kiosk:
        kiosk.bind(("127.0.0.1", port))
        kiosk.listen()
        held = network_sensor_checks(phone_config(tmp_path, port), wait_s=0.3, notice=lambda text: None)
    assert [c.status for c in held] == [WARN] and "the kiosk is running and listening" in held[0].message


def test_doctor_reads_phyphox_or_says_why_not(tmp_path):
    fake = FakePhyphox(accel_rows(30.0), time.monotonic)
    try:
        path = tmp_path / "phyphox.toml"
        path.write_text(f'[sensor]\ndriver = "phyphox"\nphyphox_url = "{fake.url}"\n')
        check = network_sensor_checks(load_config([(DEFAULT_CONFIG, True), (path, True)]))[0]
        assert check.status == OK and f"{fake.url}: 100 samples a second" in check.message
        fake.title = "Magnetometer"
        check = network_sensor_checks(load_config([(DEFAULT_CONFIG, True), (path, True)]))[0]
        assert check.status == FAIL and "open that experiment" in check.message
    finally:
        fake.close()
