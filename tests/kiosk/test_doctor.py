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
