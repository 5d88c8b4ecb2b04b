"""Optional GPIO parts with gpiozero: start/next/pause buttons, a status LED and a buzzer.

Every pin is optional. Without GPIO hardware (a laptop) the kiosk runs without them and says
so once; the pin factory can be passed in, as gpiozero's own devices allow, for tests.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from gpiozero import LED, Button, Buzzer
from gpiozero.exc import GPIOZeroError

_log = logging.getLogger(__name__)

BUTTONS = ("start", "next", "pause")
BOUNCE_S = 0.05


class GpioPanel:
    """The configured buttons (each press calls `on_press(name)`), LED and buzzer."""

    def __init__(self, pins: dict[str, int | None], on_press: Callable[[str], None], pin_factory=None):
        self.buttons: dict[str, Button] = {}
        self.led: LED | None = None
        self.buzzer: Buzzer | None = None
        self.problem = ""
        self._led_state = ""
        wanted = {name: pin for name, pin in pins.items() if pin is not None}
        if not wanted:
            return
        try:
            for name in BUTTONS:
                if wanted.get(f"{name}_button") is not None:
                    button = Button(wanted[f"{name}_button"], bounce_time=BOUNCE_S, pin_factory=pin_factory)
                    button.when_pressed = lambda _dev=None, name=name: on_press(name)
                    self.buttons[name] = button
            if wanted.get("led") is not None:
                self.led = LED(wanted["led"], pin_factory=pin_factory)
            if wanted.get("buzzer") is not None:
                self.buzzer = Buzzer(wanted["buzzer"], pin_factory=pin_factory)
        except (GPIOZeroError, OSError, RuntimeError) as exc:
            self.close()
            self.problem = (
                f"GPIO not available ({exc.__class__.__name__}: {exc}); running without buttons, LED and buzzer"
            )
            _log.warning("%s", self.problem)

    @property
    def available(self) -> bool:
        return not self.problem

    def set_led(self, state: str) -> None:
        """'on', 'off' or 'blink' (the kiosk blinks while the sensor is lost). Called every frame:
        only a change reaches the pin, so a blink keeps its rhythm."""
        if self.led is None or state == self._led_state:
            return
        self._led_state = state
        if state == "blink":
            self.led.blink(on_time=0.3, off_time=0.3)
        elif state == "on":
            self.led.on()
        else:
            self.led.off()

    def beep(self, seconds: float = 0.1) -> None:
        if self.buzzer is not None:
            self.buzzer.blink(on_time=seconds, off_time=0.0, n=1)

    def close(self) -> None:
        for part in [*self.buttons.values(), self.led, self.buzzer]:
            if part is not None:
                part.close()
        self.buttons, self.led, self.buzzer = {}, None, None
