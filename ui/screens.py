"""Every screen of the kiosk, drawn from the routine engine's View.

Each screen puts the one thing that matters from 3 m away (the count, the seconds left, the
side, what to do) in the biggest type the layout allows; watch-size screens show only that.
Words come from the phrase catalogue, sizes from the layout's type roles. What does not fit a
small screen is paged (a few seconds a page), never dropped. Overlays (paused, it hurts, still
there, skip?) are solid and always have a way back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pygame

from backstretch.drivers.phone import PhoneStatus
from backstretch.drivers.sample import Health
from backstretch.kiosk import phrases as P
from backstretch.kiosk.commands import Command as C
from backstretch.kiosk.engine import ACTIVE, CALIBRATE, COUNTDOWN, DONE, IDLE, INTRO, REST, SUMMARY, SWITCH, View
from backstretch.kiosk.results import SessionRecord

from . import widgets
from .canvas import Canvas, Layout
from .figure import draw_figure
from .pairing import draw_pairing, lost_hint
from .theme import PALETTE

SCREENS = (
    "idle",
    "intro",
    "calibrate",
    "reps",
    "hold",
    "done",
    "switch",
    "rest",
    "summary",
    "history",
    "sensor-lost",
    "config-error",
    "phone",
    "trouble",
)
PAGE_S = 5.0  # how long a page of lines or rows stays up on a small screen
TREND_SESSIONS = 8


@dataclass
class Extras:
    """What a screen needs beyond the engine's View."""

    t: float = 0.0  # for animation and paging
    streak: int = 0
    sessions: list[SessionRecord] = field(default_factory=list)  # recent, newest first
    problems: list[str] = field(default_factory=list)  # configuration errors
    sensor: Health = field(default_factory=Health)
    show_history: bool = False
    note: str = ""  # a line for the idle screen (no GPIO, sensor missing, the simulator's keys)
    trouble: bool = False  # the loop caught a failure: a calm screen, then back to the start
    show_phone: bool = False
    phone: PhoneStatus | None = None  # None: the kiosk is not set up for a phone


def screen_name(view: View, extras: Extras) -> str:
    if extras.problems:
        return "config-error"
    if extras.trouble:
        return "trouble"
    if extras.show_phone:
        return "phone"
    if view.sensor_lost and view.phase not in (IDLE, SUMMARY):
        return "sensor-lost"
    if view.phase == IDLE:
        return "history" if extras.show_history else "idle"
    if view.phase in (COUNTDOWN, ACTIVE):
        return "hold" if view.exercise and view.exercise.detect == "hold" else "reps"
    return {INTRO: "intro", CALIBRATE: "calibrate", DONE: "done", SWITCH: "switch", REST: "rest", SUMMARY: "summary"}[
        view.phase
    ]


def draw(canvas: Canvas, view: View, extras: Extras) -> str:
    canvas.clear()
    name = screen_name(view, extras)
    DRAW[name](canvas, view, extras)
    if name in ("config-error", "trouble"):
        return name
    if view.pain_prompt:
        _pain_overlay(canvas, view)
    elif view.skip_ask:
        _overlay(canvas, P.skip_ask(view.exercise.name), "", [(P.SKIP_IT, C.SKIP), (P.CANCEL, C.CANCEL)])
    elif view.paused:
        _overlay(canvas, P.PAUSED_TITLE, P.PAUSED_LINE, [(P.CARRY_ON_BUTTON, C.RESUME), (P.STOP, C.STOP)])
    elif view.still_there:
        _overlay(canvas, P.STILL_THERE_TITLE, P.STILL_THERE_LINE, [(P.IM_HERE, C.TOUCH)])
    return name


# -- screens --------------------------------------------------------------------------------


def _idle(c: Canvas, v: View, x: Extras) -> None:
    lay, head, body, foot = c.layout, c.layout.header(), c.layout.body(), c.layout.footer()
    if lay.kind == "watch":
        c.text(P.streak(x.streak) if x.streak else P.TAP_TO_START, body, "line")
        c.button(P.START, C.START, foot, primary=True)
        return
    c.text("Back stretches", head, "title", max_lines=1)
    note = pygame.Rect(body.left, body.bottom - lay.unit * 2, body.width, lay.unit * 2) if x.note else None
    if note:
        body = pygame.Rect(body.left, body.top, body.width, note.top - body.top)
    left, right = _split(body, lay, 0.45)
    draw_figure(c.surface, left, ("pelvic_tilt", "spinal_twist", "swiss_ball")[int(x.t / 8) % 3], x.t)
    lines, streak = _rows(right, 2, first=0.66)
    c.text(P.IDLE_LINES, lines, "line", max_lines=4)
    c.text(P.streak(x.streak), streak, "line", PALETTE["good"] if x.streak else PALETTE["muted"], max_lines=1)
    if note:
        c.text(x.note, note, "label", PALETTE["warn"] if v.sensor_lost else PALETTE["muted"], max_lines=1)
    c.button_row([(P.START, C.START), (P.HISTORY, C.HISTORY), (P.USE_PHONE, C.PHONE)], foot)


def _intro(c: Canvas, v: View, x: Extras) -> None:
    lay, body, foot = c.layout, c.layout.body(), c.layout.footer()
    ex = v.exercise
    _title(c, ex.name, P.exercise_of(v.exercise_index + 1, v.exercise_count))
    if lay.kind == "watch":
        lines, _, _ = _page(ex.instructions, 1, x.t)
        c.text(lines[0], body, "line", max_lines=3)
        c.button_row([(P.IM_READY, C.NEXT), (P.IT_HURTS, C.PAIN)], foot)
        return
    left, right = _split(body, lay, 0.42, 0.45)
    draw_figure(c.surface, left, ex.motion, x.t)
    per_page = 4 if lay.kind == "portrait" else 2
    lines, page, pages = _page(ex.instructions, per_page, x.t)
    if pages > 1:
        right, dots = _rows(right, 2, first=0.88)
        widgets.dots(c.surface, dots.inflate(-dots.width // 2, 0), page + 1, pages)
    _lines(c, right, lines, per_page)
    c.button_row([(P.IM_READY, C.NEXT), (P.IT_HURTS, C.PAIN), (P.SKIP, C.SKIP)], foot)


def _calibrate(c: Canvas, v: View, x: Extras) -> None:
    lay, body, foot = c.layout, c.layout.body(), c.layout.footer()
    _title(c, v.exercise.name, P.GETTING_READY)
    still = v.motion.capture > 0
    if lay.kind == "watch":
        c.text(P.KEEP_STILL_SHORT, body, "line", max_lines=2)
        c.button(P.IT_HURTS, C.PAIN, foot)
        return
    top, bottom = _rows(body, 2, first=0.5)
    c.text(P.GET_INTO_POSITION_SHOWN, top, "line", max_lines=2)
    label, bar, state = _rows(bottom, 3)
    c.text(P.SETTING_START, label, "label", PALETTE["muted"], max_lines=1)
    widgets.gauge(c.surface, bar.inflate(0, -bar.height // 3), v.motion.capture * 100, None, 100.0, still)
    c.text(
        P.STILL_GOOD if still else P.STILL_MOVING,
        state,
        "label",
        PALETTE["good"] if still else PALETTE["warn"],
        max_lines=1,
    )
    _session_buttons(c, foot, (P.PAUSE, C.PAUSE))


def _reps(c: Canvas, v: View, x: Extras) -> None:
    lay, body, foot = c.layout, c.layout.body(), c.layout.footer()
    _title(c, v.exercise.name, P.set_of(v.set_index + 1, v.exercise.sets))
    count = P.rep_count(v.reps, v.reps_target, v.reps_sure)
    if lay.kind == "watch":
        c.text(count, body, "count", max_lines=1)
        c.button(P.IT_HURTS, C.PAIN, foot)
        return
    big, rest = _split(body, lay, 0.55, 0.5)
    c.text(count, big, "count", max_lines=1)
    label, gauge_row, chart_label, chart = _rows(rest, 4)
    c.text(P.RANGE, label, "label", PALETTE["muted"], max_lines=1)
    top = max(15.0, max(v.rep_sizes, default=0) * 1.3)
    widgets.gauge(c.surface, gauge_row.inflate(0, -gauge_row.height // 3), v.motion.angle_deg, None, top, False)
    c.text(P.LAST_REPS, chart_label, "label", PALETTE["muted"], max_lines=1)
    widgets.bars(c.surface, chart, v.rep_sizes, max(v.rep_sizes, default=0) * 0.6)
    _session_buttons(c, foot, (P.PAUSE, C.PAUSE), (P.SKIP, C.SKIP))


def _hold_status(v: View) -> tuple[str, tuple]:
    if v.hold_complete:
        return P.HOLD_DONE, PALETTE["good"]
    if v.phase == COUNTDOWN and not v.holding:
        return P.GET_INTO_STRETCH, PALETTE["text"]
    if not v.holding:
        return P.MOVE_INTO_POSITION, PALETTE["warn"]
    if not v.motion.in_zone:
        return P.OUT_OF_POSITION, PALETTE["alert"]
    return P.HOLD_STEADY, PALETTE["good"]


def _hold(c: Canvas, v: View, x: Extras) -> None:
    lay, body, foot = c.layout, c.layout.body(), c.layout.footer()
    ex = v.exercise
    if lay.kind == "watch":  # the side where the title goes; the ring and its number below
        c.text(P.side_label(v.side), lay.header(), "title", PALETTE["accent"], max_lines=1)
        _ring(c, v, body)
        c.button(P.IT_HURTS, C.PAIN, foot)
        return
    _title(c, ex.name, P.hold_of(min(v.holds_done + 1, v.holds_wanted), v.holds_wanted))
    status, colour = _hold_status(v)
    ring_box, info = _split(body, lay, 0.5, 0.6)
    _ring(c, v, ring_box)
    side, line = _rows(info, 2, first=0.5)
    c.text(P.side_label(v.side), side, "side", PALETTE["accent"], max_lines=1)
    c.text(status, line, "line", colour, max_lines=2)
    _session_buttons(c, foot, (P.PAUSE, C.PAUSE), (P.SKIP, C.SKIP))


def _ring(c: Canvas, v: View, box: pygame.Rect) -> None:
    """The hold's ring, filling while in position; inside, the seconds left, the countdown, or a tick."""
    radius = min(box.width, box.height) // 2 - 2
    running = v.holding and v.motion.in_zone
    fraction = 1.0 if v.hold_complete else (v.hold_seconds / v.hold_target if v.hold_target else 0.0)
    widgets.ring(c.surface, box.center, radius, fraction, running or v.hold_complete)
    inner = pygame.Rect(0, 0, int(radius * 1.3), int(radius * 1.15))
    inner.center = box.center
    if v.hold_complete:
        widgets.tick(c.surface, box.center, int(radius * 0.9))
        return
    if v.phase == COUNTDOWN and not v.holding:
        number = str(v.countdown) if v.countdown else ""
    else:
        number = str(max(0, int(v.hold_target - v.hold_seconds + 0.999)))
    if number:
        c.text(number, inner, "count", max_lines=1)
    else:
        c.text(P.GET_INTO_STRETCH, inner.inflate(-inner.width // 8, 0), "label", max_lines=3)


def _done(c: Canvas, v: View, x: Extras) -> None:
    lay, body, foot = c.layout, c.layout.body(), c.layout.footer()
    ex = v.exercise
    if ex.detect == "reps":
        count = P.rep_count(v.reps, v.reps_target, v.reps_sure)
    else:
        count = f"{v.holds_done}/{v.holds_wanted}"
    _title(c, ex.name, P.WELL_DONE)
    if lay.kind == "watch":
        mark, number = _rows(body, 2, first=0.4)
        widgets.tick(c.surface, mark.center, mark.height)
        c.text(count, number, "count", PALETTE["good"], max_lines=1)
        c.button_row([(P.NEXT, C.NEXT), (P.IT_HURTS, C.PAIN)], foot, primary=None)
        return
    mark, words = _split(body, lay, 0.4, 0.45)
    widgets.tick(c.surface, mark.center, min(mark.width, mark.height) // 2)
    number, line = _rows(words, 2, first=0.65)
    c.text(count, number, "count", PALETTE["good"], max_lines=1)
    c.text(P.WELL_DONE, line, "line", max_lines=1)
    _session_buttons(c, foot, (P.NEXT, C.NEXT))


def _switch(c: Canvas, v: View, x: Extras) -> None:
    lay, body, foot = c.layout, c.layout.body(), c.layout.footer()
    _title(c, v.exercise.name, P.SWITCH_TITLE)
    side = v.side or ""
    if lay.kind == "watch":
        c.text(P.now_side(side), body, "side", PALETTE["accent"], max_lines=2)
        c.button_row([(P.IM_READY, C.NEXT), (P.IT_HURTS, C.PAIN)], foot)
        return
    top, bottom = _rows(body, 2, first=0.35)
    c.text(P.SWITCH_TO_THE, top, "line", PALETTE["muted"], max_lines=1)
    c.text(f"{side.upper()} side", bottom, "count", PALETTE["accent"], max_lines=1)
    c.button_row([(P.IM_READY, C.NEXT), (P.IT_HURTS, C.PAIN), (P.PAUSE, C.PAUSE)], foot)


def _rest(c: Canvas, v: View, x: Extras) -> None:
    lay, body, foot = c.layout, c.layout.body(), c.layout.footer()
    _title(c, P.REST_TITLE, "")
    seconds = f"{int(v.remaining_s + 0.99)}"
    nxt = P.next_up(v.next_name)
    if lay.kind == "watch":
        big, small = _rows(body, 2, first=0.7)
        c.text(seconds, big, "count", max_lines=1)
        c.text(nxt, small, "label", PALETTE["muted"], max_lines=1)
        c.button(P.IT_HURTS, C.PAIN, foot)
        return
    if v.just_done is not None:  # what was just done, then the seconds, then what is next
        done, big = _rows(body, 2, first=0.25)
        big, small = _rows(big, 2, first=0.7)
        c.text(P.just_done(v.just_done), done, "line", PALETTE["good"], max_lines=2)
    else:
        big, small = _rows(body, 2, first=0.66)
    c.text(seconds, big, "count", max_lines=1)
    c.text(nxt, small, "line", PALETTE["muted"], max_lines=2)
    c.button_row([(P.SKIP_REST, C.NEXT), (P.IT_HURTS, C.PAIN), (P.PAUSE, C.PAUSE)], foot)


def _summary(c: Canvas, v: View, x: Extras) -> None:
    lay, body, foot = c.layout, c.layout.body(), c.layout.footer()
    stopped = v.session_status == "stopped_pain"
    title = {"completed": P.ROUTINE_DONE_TITLE, "stopped_pain": P.STOPPED_TITLE}.get(v.session_status, P.SAVED_TITLE)
    _title(c, title, "")
    asking = v.pain is None and not stopped
    if asking:  # the end check-in: its question and rows of 15 mm buttons, one of them Done
        foot = _pain_area(lay)
        label = pygame.Rect(foot.left, foot.top - lay.unit * 2 - 4, foot.width, lay.unit * 2)
        body = pygame.Rect(body.left, body.top, body.width, max(lay.unit, label.top - 4 - body.top))
        c.text(P.END_QUESTION, label, "label", PALETTE["muted"], max_lines=1)
        _pain_grid(c, foot, (P.DONE, C.HOME))
    else:
        c.button_row([(P.DONE, C.HOME)], foot)
    notes = []
    if stopped:
        notes.append((P.PAIN_STOP, PALETTE["alert"]))
    pain = P.pain_saved(v.pain_during, v.pain)
    if pain:
        notes.append((pain, PALETTE["warn"] if stopped else PALETTE["muted"]))
    rows = [("note", n) for n in notes] + [("result", r) for r in v.results]
    if not v.results:
        rows.append(("note", (P.NOTHING_FINISHED, PALETTE["muted"])))
    per_page = {"watch": 1, "small": 2}.get(lay.kind, 4 if lay.kind == "portrait" else 3)
    per_page = max(1, min(per_page, body.height // max(1, lay.unit * 3)))
    shown, _, _ = _page(rows, per_page, x.t)
    trends = _trends(x.sessions)
    boxes = _rows(body, per_page)
    sizes = _result_sizes(c, boxes[0], v.results)
    for row, (kind, item) in zip(boxes, shown, strict=False):
        if kind == "note":
            c.text(item[0], row, "line", item[1], max_lines=2)
        else:
            _result_row(c, row, item, trends.get(item.exercise_id, []), sizes)


def _result_boxes(lay: Layout, row: pygame.Rect) -> tuple[pygame.Rect, pygame.Rect, pygame.Rect]:
    """A result row's name, words and chart; on small screens the name and words share one box."""
    if lay.kind in ("watch", "small"):
        return row, row, pygame.Rect(row.right, row.top, 0, 0)
    label = pygame.Rect(row.left, row.top, int(row.width * 0.3), row.height)
    words = pygame.Rect(label.right + lay.unit // 2, row.top, int(row.width * 0.5) - lay.unit // 2, row.height)
    chart = pygame.Rect(
        words.right + lay.unit // 2, row.top + 4, row.right - words.right - lay.unit // 2, row.height - 8
    )
    return label, words, chart


def _result_sizes(c: Canvas, row: pygame.Rect, results) -> tuple[int, int]:
    """One size for every name and one for every result line of the session, on every page."""
    label, words, _ = _result_boxes(c.layout, row)
    if c.layout.kind in ("watch", "small"):
        size = c.common_size([_result_text(r) for r in results] or [""], words, "label", max_lines=2)
        return size, size
    names = c.common_size([r.name for r in results] or [""], label, "line", max_lines=2)
    return names, c.common_size([P.result_line(r) for r in results] or [""], words, "label", max_lines=2)


def _result_text(r) -> str:
    return f"{r.name}: {P.result_line(r)}"


def _result_row(c: Canvas, row: pygame.Rect, r, trend: list[float], sizes: tuple[int, int]) -> None:
    """Name, the result in words, and (room allowing) the range of movement over the last sessions."""
    label, words, chart = _result_boxes(c.layout, row)
    if c.layout.kind in ("watch", "small"):
        c.text(_result_text(r), row, sizes[1], max_lines=2, align="left")
        return
    c.text(r.name, label, sizes[0], max_lines=2, align="left")
    c.text(P.result_line(r), words, sizes[1], PALETTE["muted"], max_lines=2, align="left")
    widgets.trend(c.surface, chart, trend or [r.range_deg])


def _trends(sessions: list[SessionRecord]) -> dict[str, list[float]]:
    """Each exercise's largest angle per session, oldest first, over the last sessions that did it."""
    out: dict[str, list[float]] = {}
    for s in reversed(sessions):
        for r in s.results:
            if r.status != "skipped" and r.range_deg > 0:
                out.setdefault(r.exercise_id, []).append(r.range_deg)
    return {k: vals[-TREND_SESSIONS:] for k, vals in out.items()}


def _session_buttons(c: Canvas, foot: pygame.Rect, *buttons: tuple[str, str]) -> None:
    """A session screen's buttons; "It hurts" is always one of them."""
    first, *rest = buttons
    c.button_row([first, (P.IT_HURTS, C.PAIN), *rest], foot, primary=None)


def _pain_overlay(c: Canvas, v: View) -> None:
    """After "it hurts": the score decides whether the routine stops; Cancel goes back."""
    lay = c.layout
    foot = _pain_area(lay)
    title = pygame.Rect(lay.body().left, lay.header().top, lay.body().width, foot.top - 4 - lay.header().top)
    _overlay(c, P.PAIN_QUESTION, "", [], top=title)
    _pain_grid(c, foot, (P.CANCEL, C.CANCEL))


def _pain_grid(c: Canvas, foot: pygame.Rect, extra: tuple[str, str]) -> None:
    """0 to 10 in as many balanced rows as 15 mm targets need, and the extra button (Cancel, Done) in the
    grid when its label fits a cell at the button size, else in a row of its own below."""
    lay = c.layout
    items: list[tuple[str, str, int | None]] = [(str(n), C.PAIN, n) for n in range(11)]
    if lay.grid_takes_labels():
        items.append((*extra, None))
    per_row = lay.grid_columns(len(items))
    cell = lay.grid_cell(len(items))
    for i, (label, command, value) in enumerate(items):
        r, col = divmod(i, per_row)
        rect = pygame.Rect(
            foot.left + col * (cell.width + 4), foot.top + r * (cell.height + 4), cell.width, cell.height
        )
        c.button(label, command, rect, primary=value is None, value=value)
    if len(items) == 11:
        c.button(*extra, pygame.Rect(foot.left, foot.bottom - cell.height, foot.width, cell.height), primary=True)


def _pain_area(lay: Layout) -> pygame.Rect:
    """The bottom of the screen, tall enough for the 0-10 grid and its extra button."""
    footer = lay.footer()
    count = 12 if lay.grid_takes_labels() else 11
    rows = -(-count // lay.grid_columns(count)) + (count == 11)
    height = rows * lay.grid_touch() + (rows - 1) * 4
    return pygame.Rect(footer.left, footer.bottom - height, footer.width, height)


def _history(c: Canvas, v: View, x: Extras) -> None:
    lay, body, foot = c.layout, c.layout.body(), c.layout.footer()
    _title(c, P.HISTORY_TITLE, P.streak(x.streak) if x.streak else "")
    c.button_row([(P.BACK, C.HOME)], foot)
    if not x.sessions:
        c.text(P.NO_SESSIONS, body, "line", PALETTE["muted"])
        return
    if lay.kind in ("landscape", "portrait"):
        listing, charts = _split(body, lay, 0.62, 0.62)
        if lay.kind == "portrait":
            charts, listing = _rows(body, 2, first=0.3)
        _trend_panel(c, charts, x.sessions)
    else:
        listing = body
    if lay.kind == "watch":  # a page per exercise of each session, under its date: big enough to read
        pages = [(s, f"{head}\n{part}") for s in x.sessions for head, *parts in [P.session_parts(s)] for part in parts]
        [(s, words)], _, _ = _page(pages, 1, x.t)
        colour = PALETTE["good"] if s.status == "completed" else PALETTE["text"]
        c.text(words, listing.inflate(0, -4), "label", colour, max_lines=4, align="left")
        return
    per_page = {"small": 1}.get(lay.kind, 2)
    shown, _, _ = _page(x.sessions, per_page, x.t)
    for row, s in zip(_rows(listing, per_page), shown, strict=False):
        colour = PALETTE["good"] if s.status == "completed" else PALETTE["text"]
        c.text(P.session_line(s), row.inflate(0, -4), "label", colour, max_lines=5, align="left")


def _trend_panel(c: Canvas, box: pygame.Rect, sessions: list[SessionRecord]) -> None:
    """A small chart per exercise of its range of movement over the last sessions."""
    trends = _trends(sessions)
    names = {r.exercise_id: r.name for s in sessions for r in s.results}
    if not trends:
        return
    head, rest = _rows(box, 2, first=0.15)
    c.text(P.RANGE_TREND, head, "label", PALETTE["muted"], max_lines=2)
    for row, (key, values) in zip(_rows(rest, len(trends)), trends.items(), strict=False):
        label, chart = _rows(row, 2, first=0.4)
        c.text(f"{names.get(key, key)}: {values[-1]:.0f}°", label, "label", max_lines=1, align="left")
        widgets.trend(c.surface, chart.inflate(0, -4), values)


def _sensor_lost(c: Canvas, v: View, x: Extras) -> None:
    lay, body, foot = c.layout, c.layout.body(), c.layout.footer()
    c.text(P.SENSOR_NOT_FOUND, lay.header(), "title", PALETTE["alert"], max_lines=1)
    hint = lost_hint(x.sensor)
    if lay.kind == "watch":
        c.text(hint, body, "line", max_lines=2)
        c.button_row([(P.STOP, C.STOP), (P.IT_HURTS, C.PAIN)], foot, primary=None)
        return
    top, mid, low = _rows(body, 3)
    c.text(hint, top, "line", max_lines=1)
    c.text(P.CARRIES_ON, mid, "label", PALETTE["muted"], max_lines=2)
    c.text(f"Status: {x.sensor.last_error or P.WAITING_FOR_SENSOR}", low, "label", PALETTE["warn"], max_lines=2)
    c.button_row([(P.USE_PHONE, C.PHONE), (P.STOP, C.STOP), (P.IT_HURTS, C.PAIN)], foot, primary=None)


def _config_error(c: Canvas, v: View, x: Extras) -> None:
    lay, body = c.layout, c.layout.body().union(c.layout.footer())
    c.text(P.CONFIG_PROBLEM, lay.header(), "title", PALETTE["alert"], max_lines=1)
    per_page = max(1, body.height // (lay.unit * 4))
    shown, _, _ = _page(x.problems, per_page, x.t)
    for row, problem in zip(_rows(body, max(len(shown), min(3, per_page))), shown, strict=False):
        c.text(problem, row, "label", max_lines=4, align="left")


def _trouble(c: Canvas, v: View, x: Extras) -> None:
    body = c.layout.body().union(c.layout.footer())
    top, bottom = _rows(body, 2)
    c.text(P.SOMETHING_WRONG, top, "line", PALETTE["warn"], max_lines=3)
    c.text(P.SOMETHING_WRONG_LINE, bottom, "label", PALETTE["muted"], max_lines=2)


DRAW = {
    "idle": _idle,
    "intro": _intro,
    "calibrate": _calibrate,
    "reps": _reps,
    "hold": _hold,
    "done": _done,
    "switch": _switch,
    "rest": _rest,
    "summary": _summary,
    "history": _history,
    "sensor-lost": _sensor_lost,
    "phone": lambda c, v, x: draw_pairing(c, x.phone, x.sensor),
    "config-error": _config_error,
    "trouble": _trouble,
}


# -- helpers ------------------------------------------------------------------------------------


def _title(c: Canvas, title: str, detail: str) -> None:
    head = c.layout.header()
    if detail and c.layout.kind not in ("watch", "small"):
        left = pygame.Rect(head.left, head.top, int(head.width * 0.65), head.height)
        right = pygame.Rect(left.right, head.top, head.width - left.width, head.height)
        c.text(title, left, "title", max_lines=1, align="left")
        c.text(detail, right, "label", PALETTE["muted"], max_lines=1)
    else:
        c.text(title, head, "title", max_lines=1)


def _lines(c: Canvas, box: pygame.Rect, lines: list[str], slots: int) -> None:
    """Instruction lines, one slot each, all at one size (the largest every line of the page fits)."""
    rows = _rows(box, slots)
    size = c.common_size(lines, rows[0], "line", max_lines=3)
    for row, line in zip(rows, lines, strict=False):
        c.text(line, row, size, max_lines=3, align="left")


def _page(items: list, per_page: int, t: float) -> tuple[list, int, int]:
    """The page of items showing at time t (pages turn every PAGE_S), its number and the page count."""
    per_page = max(1, per_page)
    pages = max(1, -(-len(items) // per_page))
    page = int(t / PAGE_S) % pages
    return items[page * per_page : (page + 1) * per_page], page, pages


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
    h = box.height // max(1, n)
    return [pygame.Rect(box.left, box.top + i * h, box.width, h) for i in range(n)]


def _overlay(c: Canvas, title: str, line: str, buttons: list[tuple[str, str]], top: pygame.Rect | None = None) -> None:
    """A question over the screen: solid (nothing shows through to misread), with its own buttons only."""
    lay = c.layout
    c.clear()  # the screen below is neither seen nor touchable while covered
    body = lay.body()
    if top is None:
        top, bottom = _rows(body, 2)
    else:
        bottom = None
    c.text(title, top, "title", PALETTE["warn"], max_lines=2)
    if line and bottom is not None:
        c.text(line, bottom, "line", max_lines=2)
    if buttons:
        c.button_row(buttons, lay.footer())
