"""The kiosk's pygame window (fullscreen on the Pi): one loop, at the display's rate.

Each frame: inputs become commands, the session steps (sensor -> motion -> routine engine),
cues become sound, the screen is drawn upright and turned onto the panel, systemd is told we
are alive. All pygame calls stay on this thread; the sensor has its own reader thread.
The window builds none of its parts: the composition root (kiosk/app.py) hands them in.

The loop is fail-safe (as pibooth's is): a frame that raises is logged with its traceback, the
session in progress is saved as interrupted, a calm "something went wrong" screen shows and the
kiosk goes back to the start; only MAX_FAILURES frames failing in a row end the process, for
systemd to restart. It is also cheap: a blank screen draws nothing and ticks slowly, the idle,
rest and summary screens run at a lower rate, the dim shade is built once and fitted text is
cached by the canvas.
"""

from __future__ import annotations

import logging
import queue
import time
from dataclasses import dataclass
from datetime import date

import pygame

from backstretch.drivers.gpio import GpioPanel
from backstretch.drivers.phone import PhoneSource
from backstretch.errors import BackstretchError
from backstretch.kiosk import phrases
from backstretch.kiosk.commands import ENGINE as ENGINE_COMMANDS
from backstretch.kiosk.config import Config
from backstretch.kiosk.engine import IDLE, SESSION_PHASES, SUMMARY
from backstretch.kiosk.history import History
from backstretch.kiosk.notify import Notifier
from backstretch.kiosk.session import KioskSession
from backstretch.kiosk.simulator.keyboard import SimKeys

from .audio import Sound
from .canvas import Canvas
from .input import GPIO_COMMANDS, SIM_KEYS, Rotation, command_for
from .pairing import status_line
from .people import PeopleScreens
from .screens import TREND_SESSIONS, Extras, draw
from .theme import PALETTE

_log = logging.getLogger(__name__)

DIM_ALPHA = 170
MAX_FAILURES = 5  # frames failing in a row before the process gives up (systemd restarts it)
TROUBLE_S = 4.0  # how long "something went wrong, back to the start" stays up
CALM_FPS = 10  # idle, rest, summary, history: nothing there moves fast
BLANK_FPS = 2  # a blank screen only listens for a touch
CALM_PHASES = ("idle", "rest", "summary")
ONCE_SUMMARY_S = 5.0


@dataclass
class WindowOptions:
    mode: str = "run"  # run | simulate
    duration: float | None = None
    once: bool = False  # simulate: exit after the summary has been up ONCE_SUMMARY_S


class KioskWindow:
    def __init__(
        self,
        cfg: Config,
        kiosk: KioskSession,
        history: History | None,
        gpio: GpioPanel,
        gpio_presses: queue.Queue[str],
        notifier: Notifier,
        options: WindowOptions,
        problems: list[str] | None = None,
        sim_keys: SimKeys | None = None,
        people: PeopleScreens | None = None,
    ):
        self.cfg, self.options, self.history = cfg, options, history
        self.kiosk = kiosk
        self.gpio, self.gpio_presses = gpio, gpio_presses
        self.notifier = notifier
        self.problems = problems or []
        self.sim_keys = sim_keys
        self.people = people  # "Who is stretching?" and the admin flow, in front of the idle screen
        self._phase = IDLE
        self.extras = Extras(note=self._note())
        self.show_history = False
        self.show_phone = False
        self.last_touch = time.monotonic()
        self._motion_t = 0.0
        self._shade: pygame.Surface | None = None
        self._blanked = False
        self.failures = 0  # frames failed in a row
        self.trouble_until = 0.0
        self._summary_at: float | None = None
        self.frames = 0
        self.running = True

    def _note(self) -> str:
        if self.history and self.history.unsaved:
            return self.history.unsaved
        if self.sim_keys and self.sim_keys.body is not None:
            return phrases.KEYBOARD_HINT  # the keyboard person starts standing: say how to lie down
        return "" if self.gpio.available else phrases.NO_GPIO

    # -- set up -----------------------------------------------------------------------------
    def open_display(self) -> None:
        d = self.cfg.display
        full = d.fullscreen and self.options.mode == "run"
        flags = pygame.FULLSCREEN | pygame.NOFRAME if full else 0
        size = (0, 0) if full else self._window_size()
        try:
            pygame.display.init()
            pygame.font.init()
            self.screen = pygame.display.set_mode(size, flags)
        except pygame.error as exc:
            raise BackstretchError(
                f"cannot open the display ({exc}): on the Pi without a desktop set SDL_VIDEODRIVER=kmsdrm and "
                "put the user in the video and render groups; on a laptop run inside a desktop session"
            ) from None
        caption = "backstretch" + (" simulator" if self.options.mode == "simulate" else "")
        if self.sim_keys and self.sim_keys.body is not None:
            caption += f" ({phrases.KEYBOARD_HINT.split(': ', 1)[-1]})"
        pygame.display.set_caption(caption)
        if full:
            pygame.mouse.set_visible(False)
        self.rotation = Rotation(self.screen.get_size(), d.rotate)
        self.canvas = Canvas.for_surface(pygame.Surface(self.rotation.logical))
        self.sound = Sound(
            self.cfg.audio.enabled, self.cfg.audio.volume, self.cfg.audio.voice, self.cfg.audio.voice_program
        )
        self.sound.prepare(phrases.spoken(self.kiosk.engine.routine))
        self.kiosk.engine.speaking = lambda: self.sound.busy  # a phase's clock starts once its words are said
        _log.info(
            "display %s (%s), rotate %d, %s",
            self.screen.get_size(),
            pygame.display.get_driver(),
            d.rotate,
            "sound on" if self.sound.ready else self.sound.problem,
        )

    def _window_size(self) -> tuple[int, int]:
        w, h = self.cfg.display.width, self.cfg.display.height
        return (h, w) if self.cfg.display.rotate in (90, 270) else (w, h)

    # -- the loop ---------------------------------------------------------------------------
    def run(self) -> int:
        self.open_display()
        frame_clock = pygame.time.Clock()
        started = time.monotonic()
        try:
            while self.running:
                self.safe_frame()
                if self.frames == 1:
                    self.notifier.ready("showing the kiosk")
                self.notifier.alive()
                if self.options.duration is not None and time.monotonic() - started >= self.options.duration:
                    break
                if self.options.once and self._once_done():
                    break
                frame_clock.tick(self.frame_rate())
        finally:
            self.notifier.stopping()
            self.close()
        return 0

    def _once_done(self) -> bool:
        """--once: the routine is over and its summary has been seen (or the kiosk is back at the start)."""
        if self.kiosk.sessions_done:
            return True
        if self.kiosk.engine.view.phase != SUMMARY:
            self._summary_at = None
            return False
        if self._summary_at is None:
            self._summary_at = time.monotonic()
        # and its last words heard: the end question is not cut off by the exit
        return time.monotonic() - self._summary_at >= ONCE_SUMMARY_S and not self.sound.busy

    def frame_rate(self) -> int:
        """Full rate during a session; slower where nothing moves fast; barely awake when blank."""
        if self._blanked:
            return BLANK_FPS
        if self.kiosk.engine.view.phase in CALM_PHASES and not self.kiosk.engine.view.frozen:
            return min(CALM_FPS, self.cfg.display.fps)
        return self.cfg.display.fps

    def safe_frame(self) -> None:
        """One frame that cannot take the kiosk down: a failure is logged, the session saved, the start shown."""
        try:
            self.frame()
            self.failures = 0
        except Exception:
            self.failures += 1
            _log.exception("a frame failed (%d in a row)", self.failures)
            if self.failures >= MAX_FAILURES:
                raise  # something is broken for good: let systemd start us afresh
            self._recover()

    def _recover(self) -> None:
        """Save what was done as interrupted, show a calm screen, and go back to the start."""
        try:
            self.kiosk.engine.interrupt()
            self.kiosk.engine.take_cues()
        except Exception:
            _log.exception("could not save the session after a failure")
        self.show_history = self.show_phone = False
        self.trouble_until = time.monotonic() + TROUBLE_S
        self.sound.clear()

    def frame(self) -> None:
        """One frame: inputs, the session, sound, drawing."""
        for event in pygame.event.get():
            self.on_event(event)
        while not self.gpio_presses.empty():
            self.command(GPIO_COMMANDS.get(self.gpio_presses.get(), "next"), None)
        if not self.problems:
            for cue in self.kiosk.step():
                self.sound.play(cue)
                if cue.kind in ("count", "hold", "done", "well_done"):
                    self.gpio.beep(0.08)
            self.gpio.set_led("blink" if self.kiosk.engine.view.sensor_lost else "on")
        self.sound.update()
        self.draw()
        self.frames += 1

    def on_event(self, event: pygame.event.Event) -> None:
        if event.type == pygame.QUIT:
            self.running = False
            return
        if event.type == pygame.KEYDOWN and self.sim_keys and self.sim_keys.act(SIM_KEYS.get(event.key, "")):
            return
        if event.type == pygame.KEYDOWN and event.key == pygame.K_q and self.options.mode == "simulate":
            self.running = False
            return
        mapped = command_for(event, self.canvas, self.rotation)
        if mapped:
            self.command(*mapped)

    def command(self, name: str, value: int | None) -> None:
        asleep = self._dimmed()
        self.last_touch = time.monotonic()
        if asleep:
            return  # the first touch on a dimmed or blank screen only wakes it
        engine = self.kiosk.engine
        if self.people and self.people.command(name, value, self._idle()):
            return
        if name == "history":
            self.show_history = engine.view.phase == IDLE and not self.show_history
            if self.show_history and self.history:
                self.extras.sessions = self.history.sessions(limit=10)
            return
        if name == "phone":
            self.show_phone = not self.show_phone and (engine.view.phase == IDLE or engine.view.sensor_lost)
            self.show_history = False
            return
        if name == "home" and (self.show_history or self.show_phone):
            self.show_history = self.show_phone = False
            return
        if name in ENGINE_COMMANDS and not self.problems:
            self.show_history = self.show_phone = False
            try:
                engine.command(name, value)
            except ValueError as exc:
                _log.warning("ignored command: %s", exc)

    def draw(self) -> None:
        view = self.kiosk.engine.view
        x = self.extras
        x.t = time.monotonic()
        x.problems = self.problems
        x.show_history = self.show_history
        x.sensor = self.kiosk.source.health()
        source = self.kiosk.source
        x.phone = source.status() if isinstance(source, PhoneSource) else None
        if self.show_phone and view.phase in SESSION_PHASES and not view.sensor_lost:
            self.show_phone = False  # the phone is back mid-routine: the routine's screen again
        x.show_phone = self.show_phone
        if x.phone is not None and view.phase == IDLE:  # waiting, connected, silent, or a second phone refused
            x.note = status_line(x.phone)[0]
        elif view.sensor_lost:
            x.note = phrases.not_found_line(x.sensor.model)
        else:
            x.note = self._note()
        if self.history:
            self.history.retry()  # a write that failed is tried again after its back-off
        if self.people and view.phase == IDLE and self._phase != IDLE:
            self.people.refresh()  # a session just ended: new streaks on the tiles
        arrived = view.phase != self._phase or self.frames == 0
        self._phase = view.phase
        if view.phase == IDLE and self.history and (arrived or self.frames % 300 == 0):
            x.streak = self.history.streak(date.today(), self.history.person)  # a session just ended counts now
        if view.phase == SUMMARY and arrived and self.history:
            x.sessions = self.history.sessions(limit=TREND_SESSIONS)  # the range of movement over the last ones
        x.trouble = time.monotonic() < self.trouble_until
        if self._blank():
            if not self._blanked:  # draw the black once; then nothing until a touch or movement
                self.screen.fill((0, 0, 0))
                pygame.display.flip()
            self._blanked = True
            self._screen_care(view)
            return
        self._blanked = False
        if not (self.people and self.people.draw(self.canvas, self._idle())):
            draw(self.canvas, view, x)
            if self.people:
                self.people.overlay(self.canvas, self._idle())
        self._screen_care(view)
        self.screen.blit(self.rotation.to_physical_surface(self.canvas.surface), (0, 0))
        pygame.display.flip()

    def _idle(self) -> bool:
        """The idle screen is up: where the people screens may show."""
        return (
            self.kiosk.engine.view.phase == IDLE
            and not self.show_history
            and not self.problems
            and time.monotonic() >= self.trouble_until
        )

    def _screen_care(self, view) -> None:
        """Dim, then blank, a wall display nobody is using; any touch or movement wakes it."""
        fresh = view.motion.t != self._motion_t  # a sensor that has gone quiet is not movement
        self._motion_t = view.motion.t
        if view.phase in SESSION_PHASES or (fresh and not view.motion.still):
            self.last_touch = max(self.last_touch, time.monotonic() - 1)
        if self._dimmed() and not self._blank():
            if self._shade is None or self._shade.get_size() != self.canvas.surface.get_size():
                self._shade = pygame.Surface(self.canvas.surface.get_size(), pygame.SRCALPHA)
                self._shade.fill((*PALETTE["background"], DIM_ALPHA))
            self.canvas.surface.blit(self._shade, (0, 0))

    def _blank(self) -> bool:
        d = self.cfg.display
        return bool(d.blank_after_s and time.monotonic() - self.last_touch >= d.blank_after_s)

    def _dimmed(self) -> bool:
        d = self.cfg.display
        idle = time.monotonic() - self.last_touch
        return bool(d.dim_after_s and idle >= d.dim_after_s) or bool(d.blank_after_s and idle >= d.blank_after_s)

    def close(self) -> None:
        self.gpio.close()
        if hasattr(self, "sound"):
            self.sound.close()
        pygame.display.quit()
