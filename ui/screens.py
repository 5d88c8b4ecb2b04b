"""Every screen of the kiosk, drawn from the routine engine's View.

Each screen puts the one thing that matters from 3 m away (the count, the timer, the side, what
to do) in the biggest type the layout allows; watch-size screens show only that.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pygame

from backstretch.drivers.phone import PhoneStatus
from backstretch.drivers.sample import Health
from backstretch.kiosk.engine import ACTIVE, CALIBRATE, COUNTDOWN, IDLE, INTRO, REST, SUMMARY, SWITCH, View
from backstretch.kiosk.results import SessionRecord

from . import widgets
from .canvas import Canvas
from .figure import draw_figure
from .pairing import draw_pairing, lost_hint
from .theme import PALETTE

SCREENS = (
    "idle",
    "intro",
    "calibrate",
    "reps",
    "hold",
    "switch",
    "rest",
    "summary",
    "history",
    "sensor-lost",
    "config-error",
    "phone",
)


@dataclass
class Extras:
    """What a screen needs beyond the engine's View."""

    t: float = 0.0  # for animation
    streak: int = 0
    sessions: list[SessionRecord] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # configuration errors
    sensor: Health = field(default_factory=Health)
    show_history: bool = False
    note: str = ""  # a line for the idle screen (no GPIO, silent, ...)
    show_phone: bool = False
    phone: PhoneStatus | None = None  # None: the kiosk is not set up for a phone


def screen_name(view: View, extras: Extras) -> str:
    if extras.problems:
        return "config-error"
    if extras.show_phone:
        return "phone"
    if view.sensor_lost and view.phase not in (IDLE, SUMMARY):
        return "sensor-lost"
    if view.phase == IDLE:
        return "history" if extras.show_history else "idle"
    if view.phase in (COUNTDOWN, ACTIVE):
        return "hold" if view.exercise and view.exercise.detect == "hold" else "reps"
    return {INTRO: "intro", CALIBRATE: "calibrate", SWITCH: "switch", REST: "rest", SUMMARY: "summary"}[view.phase]


def draw(canvas: Canvas, view: View, extras: Extras) -> str:
    canvas.clear()
    name = screen_name(view, extras)
    DRAW[name](canvas, view, extras)
    if view.pain_prompt:
        _pain_overlay(canvas, view)
    elif view.paused:
        _overlay(canvas, "Paused", "Tap Carry on when you are ready.", [("Carry on", "resume"), ("Stop", "stop")])
    elif view.still_there:
        _overlay(canvas, "Still there?", "Touch the screen to carry on.", [("I'm here", "touch")])
    return name


# -- screens --------------------------------------------------------------------------------


def _idle(c: Canvas, v: View, x: Extras) -> None:
    lay, head, body, foot = c.layout, c.layout.header(), c.layout.body(), c.layout.footer()
    if lay.kind == "watch":
        c.text("Back stretches", head, head.height, PALETTE["muted"], max_lines=1)
        c.text(f"{x.streak} day streak" if x.streak else "Tap to start", body, body.height // 3)
        c.button("Start", "start", foot, primary=True)
        return
    c.text("Back stretches", head, head.height, max_lines=1)
    left, right = _split(body, lay, 0.45)
    draw_figure(c.surface, left, ("pelvic_tilt", "spinal_twist", "swiss_ball")[int(x.t / 8) % 3], x.t)
    lines = "Clip the sensor to your waistband.\nTap Start, then follow the voice."
    c.text(lines, right.inflate(0, -right.height // 3).move(0, -right.height // 6), lay.unit * 2, max_lines=4)
    streak = f"{x.streak} day streak" if x.streak else "Start your streak today"
    c.text(
        streak,
        pygame.Rect(right.left, right.bottom - right.height // 3, right.width, right.height // 3),
        lay.unit * 2,
        PALETTE["good"] if x.streak else PALETTE["muted"],
        max_lines=1,
    )
    if x.note:
        c.text(
            x.note,
            pygame.Rect(body.left, body.bottom - lay.unit, body.width, lay.unit),
            lay.unit,
            PALETTE["warn"] if v.sensor_lost else PALETTE["muted"],
            max_lines=1,
        )
    c.button_row([("Start", "start"), ("History", "history"), ("Use your phone", "phone")], foot)


def _intro(c: Canvas, v: View, x: Extras) -> None:
    lay, body, foot = c.layout, c.layout.body(), c.layout.footer()
    ex = v.exercise
    _title(c, f"{ex.name}", f"{v.exercise_index + 1} of {v.exercise_count}")
    if lay.kind == "watch":
        c.text(ex.instructions[0], body, body.height // 3, max_lines=3)
        c.button("Ready", "next", foot, primary=True)
        return
    left, right = _split(body, lay, 0.42)
    draw_figure(c.surface, left, ex.motion, x.t)
    lines = ex.instructions if lay.kind != "small" else ex.instructions[:2]
    _lines(c, right, lines)
    c.button_row([("I'm ready", "next"), ("Skip", "skip")], foot)


def _calibrate(c: Canvas, v: View, x: Extras) -> None:
    lay, body, foot = c.layout, c.layout.body(), c.layout.footer()
    _title(c, v.exercise.name, "getting ready")
    if lay.kind == "watch":
        c.text("Keep still", body, body.height // 2, max_lines=2)
        return
    top, bottom = body.copy(), body.copy()
    top.height = int(body.height * 0.55)
    bottom.top, bottom.height = top.bottom, body.height - top.height
    c.text("Get into position and keep still", top, lay.unit * 4, max_lines=2)
    c.text(
        "Setting your start position",
        pygame.Rect(bottom.left, bottom.top, bottom.width, lay.unit * 2),
        lay.unit * 2,
        PALETTE["muted"],
        max_lines=1,
    )
    progress = v.motion.capture
    bar = pygame.Rect(bottom.left, bottom.bottom - lay.unit * 5, bottom.width, lay.unit * 2)
    widgets.gauge(c.surface, bar, progress * 100, None, 100.0, progress > 0)
    still = progress > 0
    c.text(
        "Keeping still: good" if still else "Moving: keep still",
        pygame.Rect(bottom.left, bar.bottom + lay.unit // 2, bottom.width, lay.unit * 2),
        lay.unit * 2,
        PALETTE["good"] if still else PALETTE["warn"],
        max_lines=1,
    )
    c.button_row([("Pause", "pause"), ("Skip", "skip")], foot, primary=None)


def _reps(c: Canvas, v: View, x: Extras) -> None:
    lay, body, foot = c.layout, c.layout.body(), c.layout.footer()
    _title(c, v.exercise.name, f"set {v.set_index + 1} of {v.exercise.sets}" if v.exercise.sets > 1 else "")
    count = f"{v.reps}/{v.reps_target}"
    if lay.kind == "watch":
        c.text(count, body.union(foot), int(body.height * 1.2), max_lines=1)
        return
    big, rest = _split(body, lay, 0.55, 0.5)
    c.text(count, big, big.height, max_lines=1)
    gauge_box = pygame.Rect(rest.left, rest.top + lay.unit, rest.width, max(8, lay.unit * 2))
    c.text(
        "Range of movement",
        pygame.Rect(rest.left, gauge_box.bottom + lay.unit // 2, rest.width, lay.unit * 2),
        lay.unit * 2,
        PALETTE["muted"],
        max_lines=1,
    )
    top = max(15.0, max(v.rep_sizes, default=0) * 1.3)
    widgets.gauge(c.surface, gauge_box, v.motion.angle_deg, None, top, False)
    chart = pygame.Rect(
        rest.left, gauge_box.bottom + lay.unit * 3, rest.width, max(8, rest.bottom - gauge_box.bottom - lay.unit * 4)
    )
    c.text(
        "Last reps",
        pygame.Rect(chart.left, chart.bottom - lay.unit * 2, chart.width, lay.unit * 2),
        lay.unit * 2,
        PALETTE["muted"],
        max_lines=1,
    )
    chart.height -= lay.unit * 2
    widgets.bars(c.surface, chart, v.rep_sizes, max(v.rep_sizes, default=0) * 0.6)
    _exercise_buttons(c, foot)


def _hold(c: Canvas, v: View, x: Extras) -> None:
    lay, body, foot = c.layout, c.layout.body(), c.layout.footer()
    ex = v.exercise
    side = f"{v.side} side" if v.side else ""
    _title(c, ex.name, f"hold {min(v.holds_done + 1, v.holds_wanted)} of {v.holds_wanted}")
    counting = v.phase == COUNTDOWN and not v.holding
    centre_text = str(v.countdown + 1) if counting and v.countdown >= 0 else f"{int(v.hold_seconds)}"
    running = v.holding and v.motion.in_zone
    if lay.kind == "watch":
        area = body.union(foot)
        widgets.ring(
            c.surface, area.center, min(area.width, area.height) // 2 - 4, v.hold_seconds / v.hold_target, running
        )
        c.text(centre_text, area.inflate(-area.width // 3, -area.height // 2), area.height // 3, max_lines=1)
        if side:
            c.text(
                side.split()[0].upper(),
                pygame.Rect(area.left, area.bottom - area.height // 5, area.width, area.height // 6),
                area.height // 6,
                max_lines=1,
            )
        return
    ring_box, info = _split(body, lay, 0.5, 0.58)
    radius = min(ring_box.width, ring_box.height) // 2 - lay.unit // 2
    widgets.ring(c.surface, ring_box.center, radius, v.hold_seconds / v.hold_target if v.hold_target else 0, running)
    inner = pygame.Rect(0, 0, int(radius * 1.3), int(radius * 0.9))
    inner.center = ring_box.center
    c.text(centre_text, inner, inner.height, max_lines=1)
    rows = _rows(info, 4)
    c.text(side.upper() if side else "Hold", rows[0], rows[0].height, PALETTE["accent"], max_lines=1)
    if counting:
        status, colour = "Get into the stretch", PALETTE["text"]
    elif not v.holding:
        status, colour = "Move into position", PALETTE["warn"]
    elif not v.motion.in_zone:
        status, colour = "Out of position: timer paused", PALETTE["alert"]
    else:
        status, colour = f"{max(0, int(v.hold_target - v.hold_seconds))} s to go", PALETTE["good"]
    c.text(status, rows[1], rows[1].height, colour, max_lines=2)
    zone = (ex.motion_params().hold.zone_min_deg, ex.motion_params().hold.zone_max_deg)
    widgets.gauge(c.surface, rows[2].inflate(0, -rows[2].height // 2), v.motion.angle_deg, zone, 90.0, v.motion.in_zone)
    c.text("Angle", rows[3], rows[3].height // 2, PALETTE["muted"], max_lines=1)
    _exercise_buttons(c, foot)


def _switch(c: Canvas, v: View, x: Extras) -> None:
    lay, body, foot = c.layout, c.layout.body(), c.layout.footer()
    _title(c, v.exercise.name, "switch sides")
    side = (v.side or "").upper()
    if lay.kind == "watch":
        c.text(f"Now {side}", body.union(foot), body.height // 2, max_lines=2)
        return
    top, bottom = _rows(body, 2)
    c.text("Switch to the", top, top.height // 2, PALETTE["muted"], max_lines=1)
    c.text(f"{side} side", bottom, bottom.height, PALETTE["accent"], max_lines=1)
    c.button_row([("Go", "next"), ("Pause", "pause")], foot)


def _rest(c: Canvas, v: View, x: Extras) -> None:
    lay, body, foot = c.layout, c.layout.body(), c.layout.footer()
    _title(c, "Rest", "")
    seconds = f"{int(v.remaining_s + 0.99)}"
    nxt = f"Next: {v.next_name}"
    if lay.kind == "watch":
        c.text(seconds, body, body.height, max_lines=1)
        c.text(nxt, foot, foot.height // 2, PALETTE["muted"], max_lines=1)
        return
    big, small = _rows(body, 2, first=0.65)
    c.text(seconds, big, big.height, max_lines=1)
    c.text(nxt, small, small.height // 2, PALETTE["muted"], max_lines=2)
    c.button_row([("Skip rest", "next"), ("Pause", "pause")], foot)


def _summary(c: Canvas, v: View, x: Extras) -> None:
    lay, body, foot = c.layout, c.layout.body(), c.layout.footer()
    done = {"completed": "Well done!", "stopped_pain": "Stopped: take care"}.get(v.session_status, "Session saved")
    _title(c, done, "")
    if lay.kind == "watch":
        total = sum(r.reps_done for r in v.results), sum(r.holds_completed for r in v.results)
        c.text(f"{total[0]} reps, {total[1]} holds", body, body.height // 3, max_lines=2)
        return
    if v.pain is None:  # room for the pain question: its label and rows of 15 mm buttons
        foot = _pain_area(lay)
        body = pygame.Rect(body.left, body.top, body.width, foot.top - lay.unit * 2 - 4 - body.top)
    results = v.results[:3] if lay.kind != "small" else v.results[:2]
    rows = _rows(body, max(1, len(results))) if results else [body]
    for row, r in zip(rows, results, strict=False):
        label = pygame.Rect(row.left, row.top, int(row.width * 0.38), row.height)
        figure = pygame.Rect(label.right, row.top, int(row.width * 0.42), row.height)
        chart = pygame.Rect(
            figure.right + lay.unit // 2, row.top + 2, row.right - figure.right - lay.unit // 2, row.height - 4
        )
        c.text(r.name, label, row.height // 2, max_lines=2, align="left")
        if r.detect == "reps":
            what = f"{r.reps_done}/{r.reps_target} reps, {r.range_deg:.0f} deg"
            values, target = [float(r.reps_done)], float(r.reps_target)
        else:
            sides = " ".join(f"{s[0].upper()} {r.seconds_on(s):.0f}s" for s in ("left", "right") if r.seconds_on(s))
            what = f"{r.holds_completed}/{r.holds_wanted} holds" + (f" {sides}" if sides else "")
            values, target = [h.seconds for h in r.holds], r.hold_target_s
        c.text(what, figure, row.height // 2, PALETTE["muted"], max_lines=2)
        widgets.bars(c.surface, chart, values, target)
    if not results:
        c.text("No exercise finished", body, lay.unit * 3, PALETTE["muted"])
    _pain_row(c, v, foot)


def _pain_row(c: Canvas, v: View, foot: pygame.Rect, ask: bool = False) -> None:
    """Pain check-in: 0 to 10, one tap, in as many rows as 15 mm targets need."""
    lay = c.layout
    if v.pain is not None and not ask:
        c.button_row([(f"Pain {v.pain}/10 saved. Done", "start")], foot)
        return
    per_row = _pain_per_row(foot, lay)
    label = pygame.Rect(foot.left, foot.top - lay.unit * 2, foot.width, lay.unit * 2)
    c.text("How is your back? 0 = no pain, 10 = worst", label, lay.unit * 2, PALETTE["muted"], max_lines=1)
    rows = -(-11 // per_row)
    per_row = -(-11 // rows)  # balanced rows: 6 and 5 rather than 9 and 2
    h = (foot.height - (rows - 1) * 4) // rows
    for r in range(rows):
        values = list(range(r * per_row, min(11, (r + 1) * per_row)))
        w = (foot.width - 4 * (per_row - 1)) // per_row
        for i, n in enumerate(values):
            rect = pygame.Rect(foot.left + i * (w + 4), foot.top + r * (h + 4), w, h)
            c.button(str(n), "pain", rect, value=n)


def _exercise_buttons(c: Canvas, foot: pygame.Rect) -> None:
    c.button_row([("Pause", "pause"), ("It hurts", "pain"), ("Skip", "skip")], foot, primary=None)


def _pain_overlay(c: Canvas, v: View) -> None:
    """After "it hurts": the score decides whether the routine stops."""
    lay = c.layout
    foot = _pain_area(lay)
    space = foot.top - lay.unit * 2 - 4 - lay.header().top
    title = pygame.Rect(
        lay.body().left, lay.header().top + space // 4, lay.body().width, min(space // 2, lay.header().height * 2)
    )
    _overlay(c, "How bad is the pain?", "", [], top=title)
    _pain_row(c, v, foot, ask=True)


def _pain_area(lay) -> pygame.Rect:
    """The bottom of the screen, tall enough for 0 to 10 as 15 mm buttons in as many rows as needed."""
    footer = lay.footer()
    rows = -(-11 // _pain_per_row(footer, lay))
    height = rows * lay.min_touch + (rows - 1) * 4
    return pygame.Rect(footer.left, footer.bottom - height, footer.width, height)


def _pain_per_row(foot: pygame.Rect, lay) -> int:
    return max(1, min(11, (foot.width + 4) // (lay.min_touch + 4)))


def _history(c: Canvas, v: View, x: Extras) -> None:
    lay, body, foot = c.layout, c.layout.body(), c.layout.footer()
    _title(c, "History", f"{x.streak} day streak" if x.streak else "")
    sessions = x.sessions[: {"portrait": 8, "landscape": 5, "small": 3, "watch": 2}[lay.kind]]
    if not sessions:
        c.text("No sessions yet", body, lay.unit * 3, PALETTE["muted"])
    for row, s in zip(_rows(body, max(1, len(sessions))), sessions, strict=False):
        reps = sum(r.reps_done for r in s.results)
        holds = sum(r.holds_completed for r in s.results)
        when = s.started_at[5:16].replace("T", " ")
        c.text(
            f"{when}  {reps} reps  {holds} holds  {s.status.replace('_', ' ')}",
            row,
            row.height * 2 // 3,
            PALETTE["good"] if s.status == "completed" else PALETTE["text"],
            max_lines=1,
            align="left",
        )
    c.button_row([("Back", "home")], foot)


def _sensor_lost(c: Canvas, v: View, x: Extras) -> None:
    lay, body, foot = c.layout, c.layout.body(), c.layout.footer()
    c.text("Sensor not found", c.layout.header(), c.layout.header().height, PALETTE["alert"], max_lines=1)
    hint = lost_hint(x.sensor)
    if lay.kind == "watch":
        c.text(hint, body, body.height // 3, max_lines=2)
        return
    top, mid, low = _rows(body, 3)
    c.text(hint, top, top.height, max_lines=1)
    c.text("The routine carries on when the sensor is back.", mid, mid.height // 2, PALETTE["muted"], max_lines=2)
    status = x.sensor.last_error or "waiting for the sensor"
    c.text(f"Status: {status}", low, low.height // 3, PALETTE["warn"], max_lines=2)
    c.button_row([("Use your phone", "phone"), ("Stop", "stop")], foot, primary=None)


def _config_error(c: Canvas, v: View, x: Extras) -> None:
    lay, body = c.layout, c.layout.body().union(c.layout.footer())
    c.text("Configuration problem", c.layout.header(), c.layout.header().height, PALETTE["alert"], max_lines=1)
    shown = x.problems[: max(1, body.height // (lay.unit * 3))]
    for row, problem in zip(_rows(body, max(len(shown), 3)), shown, strict=False):
        c.text(problem, row, row.height // 2, max_lines=4, align="left")


DRAW = {
    "idle": _idle,
    "intro": _intro,
    "calibrate": _calibrate,
    "reps": _reps,
    "hold": _hold,
    "switch": _switch,
    "rest": _rest,
    "summary": _summary,
    "history": _history,
    "sensor-lost": _sensor_lost,
    "phone": lambda c, v, x: draw_pairing(c, x.phone, x.sensor),
    "config-error": _config_error,
}


# -- helpers ------------------------------------------------------------------------------------


def _title(c: Canvas, title: str, detail: str) -> None:
    head = c.layout.header()
    if detail and c.layout.kind not in ("watch", "small"):
        left = pygame.Rect(head.left, head.top, int(head.width * 0.65), head.height)
        right = pygame.Rect(left.right, head.top, head.width - left.width, head.height)
        c.text(title, left, head.height, max_lines=1, align="left")
        c.text(detail, right, head.height // 2, PALETTE["muted"], max_lines=1)
    else:
        c.text(title, head, head.height, max_lines=1)


def _lines(c: Canvas, box: pygame.Rect, lines: list[str]) -> None:
    rows = _rows(box, len(lines))
    size = min(rows[0].height // 2, c.layout.unit * 3)
    for row, line in zip(rows, lines, strict=False):
        c.text(line, row, size, max_lines=2, align="left")


def _split(body: pygame.Rect, lay, left_share: float, top_share: float = 0.4) -> tuple[pygame.Rect, pygame.Rect]:
    """Side by side on a landscape screen, one above the other on a portrait one."""
    if lay.kind == "portrait":
        top = pygame.Rect(body.left, body.top, body.width, int(body.height * top_share))
        return top, pygame.Rect(body.left, top.bottom, body.width, body.bottom - top.bottom)
    left = pygame.Rect(body.left, body.top, int(body.width * left_share), body.height)
    return left, pygame.Rect(left.right + lay.unit, body.top, body.right - left.right - lay.unit, body.height)


def _rows(box: pygame.Rect, n: int, first: float | None = None) -> list[pygame.Rect]:
    if first is not None and n == 2:
        a = pygame.Rect(box.left, box.top, box.width, int(box.height * first))
        return [a, pygame.Rect(box.left, a.bottom, box.width, box.bottom - a.bottom)]
    h = box.height // n
    return [pygame.Rect(box.left, box.top + i * h, box.width, h) for i in range(n)]


def _overlay(c: Canvas, title: str, line: str, buttons: list[tuple[str, str]], top: pygame.Rect | None = None) -> None:
    lay = c.layout
    shade = pygame.Surface(c.surface.get_size(), pygame.SRCALPHA)
    shade.fill((*PALETTE["background"], 225))
    c.surface.blit(shade, (0, 0))
    c.buttons.clear()  # the screen below is not touchable while covered
    c.texts.clear()
    body = lay.body()
    top, bottom = (top, body) if top is not None else _rows(body, 2)
    c.text(title, top, top.height, PALETTE["warn"], max_lines=1)
    if line:
        c.text(line, bottom, bottom.height // 2, max_lines=2)
    if buttons:
        c.button_row(buttons, lay.footer())
