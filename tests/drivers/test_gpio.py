import threading

import pytest
from gpiozero import Device
from gpiozero.pins.mock import MockFactory

from backstretch.drivers.gpio import GpioPanel


@pytest.fixture
def factory():
    old = Device.pin_factory
    Device.pin_factory = MockFactory()
    try:
        yield Device.pin_factory
    finally:
        Device.pin_factory.reset()
        Device.pin_factory = old


def test_buttons_led_and_buzzer(factory):
    pressed = []
    got = threading.Event()

    def on_press(name):
        pressed.append(name)
        got.set()

    panel = GpioPanel(
        {"start_button": 17, "next_button": None, "pause_button": 22, "led": 23, "buzzer": 24},
        on_press,
        pin_factory=factory,
    )
    assert panel.available and set(panel.buttons) == {"start", "pause"}
    factory.pin(22).drive_low()  # pressed: buttons pull up
    assert got.wait(1.0)
    assert pressed == ["pause"]
    panel.set_led("on")
    assert factory.pin(23).state
    panel.set_led("off")
    assert not factory.pin(23).state
    panel.set_led("blink")
    blinking = panel.led._blink_thread
    panel.set_led("blink")  # the app asks every frame: the blink must not restart
    assert panel.led._blink_thread is blinking
    panel.beep(0.05)
    panel.close()


def test_nothing_configured_needs_no_gpio():
    panel = GpioPanel({"start_button": None}, lambda name: None, pin_factory=object())
    assert panel.available and not panel.buttons


def test_no_gpio_hardware_runs_without_and_says_why(caplog):
    from gpiozero.exc import BadPinFactory

    class NoGpio:
        def __getattr__(self, name):
            raise BadPinFactory("Unable to load any default pin factory!")

    panel = GpioPanel({"start_button": 17, "led": 23}, lambda name: None, pin_factory=NoGpio())
    assert not panel.available
    assert "running without buttons" in panel.problem
    assert "running without buttons" in caplog.text
    panel.set_led("on")  # harmless without hardware
    panel.beep()
