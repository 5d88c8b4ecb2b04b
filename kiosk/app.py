"""The composition root: the one module that builds the kiosk's parts from the configuration.

It picks the sensor source (a chip behind its reader thread, a replay, or the simulator), the
GPIO panel, systemd's notifier, the history, the session and the pygame window, and hands each
part what it needs. `backstretch run`, `simulate`, `record` and `doctor` start here; the CLI only
parses and dispatches. It is the only kiosk module allowed to import the ui (checked by
import-linter); the ui is imported inside the functions that open a window, so commands that
need no screen never load pygame.
"""

from __future__ import annotations

import os
import queue
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from backstretch.drivers.factory import make_source
from backstretch.drivers.phone import PhoneSource
from backstretch.drivers.sample import SampleSource
from backstretch.errors import BackstretchError

from .config import Config
from .doctor import Check, run_checks
from .history import History, database_path
from .notify import Notifier
from .routine import Routine
from .session import KioskSession, Observer
from .simulator.body import Timeline, standing
from .simulator.keyboard import SimKeys
from .simulator.mock import MockSource, SimulatedSource
from .simulator.performer import AutoPerformer, seed_routine_script
from .simulator.phone import PHONE_ON_BELLY, SimulatedPhone

if TYPE_CHECKING:
    from backstretch.ui.window import KioskWindow

    from .fleet import FleetPublisher

RECORD_POLL_S = 0.05
SIM_SENSORS = {"mock": "mock sensor", "phone": "phone pushing"}


def kiosk_history(cfg: Config, data_dir: str | None) -> tuple[History, FleetPublisher | None]:
    """The kiosk's history, and the fleet publisher that sends its outbox when `fleet.mqtt_url` is set.

    A database that cannot be used (another version's, damaged, locked, on a full or read-only disk)
    never stops the kiosk: it runs, keeps what is done and writes it once the file can be used."""
    from .fleet import open_fleet  # paho-mqtt loads only for the commands that can publish

    path = database_path(data_dir, cfg.history.database)
    fleet = open_fleet(cfg.fleet, path)
    return History(path, fleet.outbox if fleet else None, wait_for_file=True), fleet


def sensor_source(
    cfg: Config,
    driver: str | None = None,
    body: Timeline | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> SampleSource:
    """The configured sensor (or `driver`): a chip, a replay, or the simulator's mock sensor measuring `body`."""
    s = cfg.sensor
    driver = driver or s.driver
    if driver == "mock":
        return MockSource(body or standing(), s.rate_hz, clock)
    return make_source(
        driver,
        bus=s.bus,
        address=s.address_or_none,
        rate_hz=s.rate_hz,
        accel_range_g=s.accel_range_g,
        gyro_range_dps=s.gyro_range_dps,
        replay_file=s.replay_file,
        phone_listen=s.phone_listen,
        phone_token=s.phone_token,
        phyphox_url=s.phyphox_url,
        lost_after_s=s.lost_after_s,
        clock=clock,
    )


@dataclass
class Simulation:
    """The simulator as the session sees it: a source, observers of the View, and the keys' actions.

    With a simulated phone the session reads the kiosk's real phone receiver, which the phone feeds."""

    source: SampleSource
    keys: SimKeys
    observers: list[Observer] = field(default_factory=list)
    phone: SimulatedPhone | None = None

    def open(self) -> None:
        self.source.open()
        if self.phone is not None:
            self.phone.start()

    def close(self) -> None:
        if self.phone is not None:
            self.phone.stop()
        self.source.close()


def simulation(
    performer: str, seed: int, rate_hz: float, clock: Callable[[], float], sensor: str = "mock"
) -> Simulation:
    """A virtual body, the mock sensor on it (or a phone on the belly pushing to the kiosk's receiver over
    loopback), and who moves it: a (sloppy) virtual person, or the keyboard."""
    body = standing()
    mock = MockSource(body, rate_hz, clock, seed, mounting=PHONE_ON_BELLY if sensor == "phone" else None)
    source: SampleSource = mock
    simulated: SimulatedSource = mock
    phone = None
    if sensor == "phone":
        source = PhoneSource("127.0.0.1:0", clock=clock)
        simulated = phone = SimulatedPhone(mock, lambda: source.url)
    keys = SimKeys(simulated, body if performer == "keyboard" else None)
    if performer == "keyboard":
        return Simulation(source, keys, phone=phone)
    person = AutoPerformer(body, mock.body_time, seed, sloppy=performer == "sloppy")
    return Simulation(source, keys, [person.watch], phone)


def has_display() -> bool:
    """Whether a window can be seen: a desktop session, or a video driver someone chose on purpose."""
    return any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER"))


def window(
    cfg: Config,
    kiosk: KioskSession,
    history: History | None,
    mode: str = "run",
    duration: float | None = None,
    problems: Sequence[str] = (),
    sim_keys: SimKeys | None = None,
    fleet: FleetPublisher | None = None,
    once: bool = False,
) -> KioskWindow:
    """The pygame window around a session, with the GPIO panel, systemd's notifier and the people screens."""
    from backstretch.drivers.gpio import GpioPanel
    from backstretch.ui.people import PeopleScreens
    from backstretch.ui.window import KioskWindow, WindowOptions

    screens = None
    if history is not None:
        on_streak = (lambda days: fleet.set_status(streak=days)) if fleet else None
        pin, private = cfg.people.admin_pin, cfg.people.progress_needs_pin
        screens = PeopleScreens(
            history, kiosk.engine, kiosk.engine.routine, pin, on_streak=on_streak, progress_needs_pin=private
        )

    presses: queue.Queue[str] = queue.Queue()
    gpio = GpioPanel(cfg.gpio.pins(), presses.put)
    options = WindowOptions(mode, duration, once)
    return KioskWindow(cfg, kiosk, history, gpio, presses, Notifier(), options, list(problems), sim_keys, screens)


def run(cfg: Config, routine: Routine, data_dir: str | None, duration: float | None, problems: list[str]) -> None:
    """`backstretch run`: the kiosk with the configured sensor. Problems are shown on the screen, not only logged."""
    history, fleet = kiosk_history(cfg, data_dir)
    source = sensor_source(cfg)
    source.open()
    if fleet:
        fleet.sensor = source.health
        fleet.start()
    kiosk = KioskSession(routine, source, time.monotonic, history)
    try:
        window(cfg, kiosk, history, "run", duration, problems, fleet=fleet).run()
    finally:
        if fleet:
            fleet.stop()
        source.close()
        history.close()


def simulate(
    cfg: Config,
    routine: Routine,
    data_dir: str | None,
    duration: float | None,
    speed: float,
    seed: int,
    performer: str,
    text: bool,
    sensor: str = "mock",
    once: bool = False,
) -> int:
    """`backstretch simulate`: the whole kiosk on the mock sensor, in a window or in the terminal.

    With no display to open a window on (no DISPLAY or WAYLAND_DISPLAY, no SDL_VIDEODRIVER chosen) it says
    so and plays in the terminal, rather than running an invisible window until killed."""
    if not text and not has_display():
        if performer == "keyboard":
            raise BackstretchError(
                "no display for the keyboard performer (DISPLAY is not set): run inside a desktop session, "
                "or use --performer auto --text"
            )
        print(
            "simulate: no display (DISPLAY is not set), so the simulator plays in the terminal (--text)",
            file=sys.stderr,
        )
        text = True
    wall0 = time.monotonic()

    def clock() -> float:
        return (time.monotonic() - wall0) * speed

    history, fleet = kiosk_history(cfg, data_dir)
    sim = simulation(performer, seed, cfg.sensor.rate_hz, clock, sensor)
    sim.open()
    if fleet:
        fleet.sensor = sim.source.health
        fleet.start()
    kiosk = KioskSession(routine, sim.source, clock, history, sim.observers)
    if performer != "keyboard":
        kiosk.engine.command("start")
    try:
        if text:
            from .simulator.text import play

            print(
                f"backstretch simulator (text): {routine.settings.name}, "
                f"{SIM_SENSORS[sensor]} {cfg.sensor.rate_hz:g} Hz, "
                f"speed x{speed:g}, {'sloppy' if performer == 'sloppy' else 'attentive'} performer"
            )
            play(sys.stdout, kiosk, duration, pain=seed % 4)
            return 0
        print(
            f"simulating {routine.settings.name} at x{speed:g} with the {performer} performer "
            f"(history: {history.path}); Q quits",
            file=sys.stderr,
        )
        return window(cfg, kiosk, history, "simulate", duration, sim_keys=sim.keys, fleet=fleet, once=once).run()
    finally:
        if fleet:
            fleet.stop()
        sim.close()
        history.close()


def record(cfg: Config, out_path: Path, seconds: float, driver: str | None) -> int:
    """`backstretch record`: the sensor stream to a CSV recording; the mock sensor plays the seed routine."""
    from backstretch.drivers.recording import RecordingWriter

    driver = driver or cfg.sensor.driver
    source = sensor_source(cfg, driver, body=seed_routine_script().timeline if driver == "mock" else None)
    source.open()
    waiting = source.health()
    if not waiting.connected and waiting.last_error:  # e.g. the phone's push URL, or the chip not found yet
        print(f"recording {seconds:g} s; {waiting.last_error}", file=sys.stderr, flush=True)
    writer = None
    try:
        with open(out_path, "w", encoding="utf-8") as out:
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                batch = source.read()
                if batch and writer is None:  # the header follows what the sensor turned out to give
                    writer = RecordingWriter(
                        out,
                        batch[0].has_gyro,
                        [
                            f"source: {source.health().detail or driver}",
                            f"recorded {time.strftime('%Y-%m-%d %H:%M:%S')}",
                        ],
                    )
                if writer:
                    writer.write(batch)
                time.sleep(RECORD_POLL_S)
    finally:
        source.close()
    if writer is None:
        out_path.unlink(missing_ok=True)
        reason = source.health().last_error or "the sensor sent nothing"
        raise BackstretchError(f"no samples in {seconds:g} s, nothing written: {reason}")
    print(f"wrote {writer.count} samples to {out_path}")
    return 0


def doctor(cfg: Config) -> list[Check]:
    """`backstretch doctor`: the hardware checks, then whether SDL can open the display and the sound."""
    from backstretch.ui.platform_check import audio_check, display_check

    return run_checks(cfg, extra=[display_check, audio_check])


def screenshots(out: Path, sizes: list[tuple[int, int]]) -> list[Path]:
    """Every screen rendered headless to PNG files, and the picture of where a phone is worn."""
    import os

    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    from backstretch.ui.screenshots import write_all, write_wear_picture

    return [*write_all(out, sizes), write_wear_picture(out)]


def bench_ui() -> dict:
    """`backstretch bench ui`: frame cost per screen size, time to the first frame, CPU of a running simulator."""
    from backstretch.ui.bench import run

    return run()


def plot(out: Path, title: str, trace, events, zone) -> None:
    """The angle, zone, reps and holds of one analysed recording, as a PNG."""
    from backstretch.ui.plot import plot_trace

    plot_trace(str(out), title, trace, events, zone)


def report(out: Path, progress, sessions) -> None:
    """A person's progress page as a PNG, drawn headless."""
    import os

    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    from backstretch.ui.report import write_report

    from .fleet import software_version

    write_report(out, progress, sessions, f"backstretch {software_version()}")
