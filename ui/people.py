"""People on the kiosk: "Who is stretching?", a person's progress, and the admin flow behind the PIN.

These screens sit in front of the idle screen. With more than one person the idle screen is the
tiles: big names (with each one's streak) and a Guest tile; one tap starts that person's
routine with their own targets. Nothing to type for the person stretching. The admin flow (add,
rename, remove with a confirmation, targets with - and +) needs the configured PIN, has a letter
keyboard only for names, and closes itself after a minute untouched.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

import pygame

from backstretch.errors import PeopleError
from backstretch.kiosk import people
from backstretch.kiosk.engine import RoutineEngine
from backstretch.kiosk.history import History
from backstretch.kiosk.people import Person
from backstretch.kiosk.progress import progress
from backstretch.kiosk.routine import Routine

from .canvas import Button, Canvas
from .report import CHARTS, draw_chart
from .theme import PALETTE, SCREEN_CHARTS

GUEST = 0  # the Guest tile's value (people's ids start at 1)
ADMIN_IDLE_S = 60.0  # the admin flow (and a person's progress) closes itself when left alone this long
PIN_TRIES = 5  # wrong PINs in a row before the admin flow locks
PIN_LOCK_S = 300.0
KEY_ROWS = ("QWERTYUIOP", "ASDFGHJKL-", "ZXCVBNM'")
STEP = {"reps": 1, "hold_s": 5}  # what - and + change a target by
CHART_LABELS = {"range": "Range", "sides": "Left/right", "pain": "Pain", "sessions": "Sessions"}
PROGRESS_TABS = (*CHARTS, "sessions")


class PeopleScreens:
    def __init__(
        self,
        history: History,
        engine: RoutineEngine,
        routine: Routine,
        admin_pin: str = "",
        clock: Callable[[], float] = time.monotonic,
        on_streak: Callable[[int], None] | None = None,
        progress_needs_pin: bool = False,
    ):
        self.history, self.engine, self.routine = history, engine, routine
        self.pin, self.clock, self.on_streak = admin_pin, clock, on_streak
        self.progress_needs_pin = progress_needs_pin and bool(admin_pin)
        self.after_pin = "admin"  # where the right PIN leads
        self.state: str | None = None  # None: the kiosk's own idle screen (or the tiles, with several people)
        self.page = 0
        self.typed = ""  # the PIN or the name being typed
        self.message = ""
        self.editing: Person | None = None
        self.viewing: Person | None = None
        self.chart = 0
        self.wrong_pins = 0
        self.locked_until = 0.0
        self.last_action = clock()
        self.people: list[Person] = []
        self.streaks: dict[int, int] = {}
        self.refresh()

    def refresh(self) -> None:
        """People and streaks from the database: at start, after a session, after an admin change."""
        self.people = people.everyone(self.history)
        self.streaks = {p.id: self.history.streak(date.today(), p.id) for p in self.people}
        if self.on_streak:
            self.on_streak(max(self.streaks.values(), default=0))

    def screen(self, idle: bool) -> str | None:
        """Which of these screens shows now, or None when the kiosk's own screen does."""
        if not idle:
            return None
        if self.state and self.clock() - self.last_action > ADMIN_IDLE_S:  # nobody there: back to the tiles
            self._leave("")
        if self.state:
            return self.state
        return "tiles" if len(self.people) > 1 else None

    # -- commands --------------------------------------------------------------------------------
    def command(self, name: str, value: int | None, idle: bool) -> bool:
        """Take a command if it is ours; False lets the kiosk handle it."""
        if not idle:
            return False
        self.last_action = self.clock()
        if name == "start" and self.screen(idle) is None:
            self._choose(self.people[0] if self.people else None)  # one person (or none): Start is theirs
            return False
        if not name.startswith("people."):
            return False
        action = name.removeprefix("people.")
        handler = getattr(self, f"_on_{action}", None)
        if handler is None:
            return False
        handler(value)
        return True

    def _choose(self, person: Person | None) -> None:
        """Who the next session belongs to, and the routine with their own targets."""
        self.history.person = person.id if person else None
        self.engine.routine = people.routine_for(self.routine, person)

    def _person(self, value: int | None) -> Person | None:
        return next((p for p in self.people if p.id == value), None)

    def _on_pick(self, value: int | None) -> None:
        if self.state == "pick_progress":
            self.viewing, self.chart, self.state = self._person(value), 0, "progress"
            return
        self._choose(self._person(value) if value != GUEST else None)
        self.state = None
        self.engine.command("start")

    def _on_page(self, value: int | None) -> None:
        self.page += 1

    def _on_progress(self, value: int | None) -> None:
        if self.progress_needs_pin:
            self._ask_pin("progress")
        else:
            self._show_progress()

    def _show_progress(self) -> None:
        if len(self.people) == 1:
            self.viewing, self.chart, self.state = self.people[0], 0, "progress"
        else:
            self.state, self.page = "pick_progress", 0

    def _on_chart(self, value: int | None) -> None:
        self.chart = value or 0

    def _on_admin(self, value: int | None) -> None:
        if self.pin:
            self._ask_pin("admin")

    def _ask_pin(self, then: str) -> None:
        self.state, self.typed, self.after_pin = "pin", "", then
        self.message = "Locked after wrong PINs: try later" if self.clock() < self.locked_until else ""

    def _on_digit(self, value: int | None) -> None:
        if self.clock() < self.locked_until or value is None:
            return
        self.typed += str(value)
        if len(self.typed) < len(self.pin):
            return
        if self.typed == self.pin:
            self.wrong_pins, self.state, self.message, self.page = 0, "admin", "", 0
            if self.after_pin == "progress":
                self._show_progress()
        else:
            self.wrong_pins += 1
            self.message = "Wrong PIN"
            if self.wrong_pins >= PIN_TRIES:
                self.locked_until, self.wrong_pins = self.clock() + PIN_LOCK_S, 0
                self.message = "Locked after wrong PINs: try later"
        self.typed = ""

    def _on_erase(self, value: int | None) -> None:
        self.typed = self.typed[:-1]

    def _on_key(self, value: int | None) -> None:
        if value is None or len(self.typed) >= people.NAME_MAX:
            return
        letter = chr(value)
        after_space = not self.typed or self.typed.endswith((" ", "-"))
        self.typed += letter.upper() if after_space else letter.lower()

    def _on_add(self, value: int | None) -> None:
        self.editing, self.typed, self.message, self.state = None, "", "", "name"

    def _on_edit(self, value: int | None) -> None:
        self.editing, self.message, self.state = self._person(value), "", "person"

    def _on_rename(self, value: int | None) -> None:
        self.typed, self.message, self.state = self.editing.name if self.editing else "", "", "name"

    def _on_ok(self, value: int | None) -> None:
        try:
            if self.editing is None:
                added = people.add(self.history, self.typed)
                self.state, self.message = "admin", f"Added {added.name}"
            else:
                self.editing = people.rename(self.history, self.editing, self.typed)
                self.state, self.message = "person", f"Renamed to {self.editing.name}"
        except PeopleError as exc:
            self.message = str(exc)
            return
        self.refresh()

    def _on_remove(self, value: int | None) -> None:
        self.state = "remove"

    def _on_confirm(self, value: int | None) -> None:
        if self.editing:
            gone = people.remove(self.history, self.editing)
            self.message = f"Removed {self.editing.name} and {gone} session(s)"
            self.editing, self.state = None, "admin"
            self.refresh()

    def _on_targets(self, value: int | None) -> None:
        self.state, self.message = "targets", ""

    def _on_step(self, value: int | None) -> None:
        if self.editing is None or value is None:
            return
        exercise = self.routine.exercises[value // 2]
        key = people.TARGET_KEYS[exercise.detect]
        base = getattr(exercise, key)
        now = self.editing.targets.get(exercise.id, {}).get(key, base)
        new = now + (STEP[key] if value % 2 else -STEP[key])
        try:
            self.editing = people.set_target(self.history, self.editing, exercise, None if new == base else new)
            self.message = ""
        except PeopleError:
            self.message = f"{exercise.name}: that is as far as it goes"
        self.refresh()

    def _on_back(self, value: int | None) -> None:
        back = {"person": "admin", "remove": "person", "targets": "person", "progress": None}
        if self.state == "name":
            self.state = "person" if self.editing else "admin"
        elif self.state == "progress" and len(self.people) > 1:
            self.state = "pick_progress"
        else:
            self.state = back.get(self.state or "")
        self.message = ""

    def _on_done(self, value: int | None) -> None:
        self._leave("")

    def _leave(self, message: str) -> None:
        self.state, self.typed, self.message, self.editing, self.viewing, self.page = None, "", message, None, None, 0

    # -- drawing ---------------------------------------------------------------------------------
    def draw(self, c: Canvas, idle: bool) -> bool:
        """Draw this module's screen when one shows; False leaves the frame to the kiosk's screens."""
        name = self.screen(idle)
        if name is None:
            return False
        c.clear()
        getattr(self, f"_draw_{name}")(c)
        return True

    def overlay(self, c: Canvas, idle: bool) -> None:
        """On the kiosk's own idle screen (one person): a small way into the admin flow, when a PIN is set."""
        if not idle or not self.pin or self.screen(idle) is not None:
            return
        head, lay = c.layout.header(), c.layout
        w = max(lay.min_touch, head.width // 6)
        c.button("People", "people.admin", pygame.Rect(head.right - w, head.top, w, max(head.height, lay.min_touch)))

    def _draw_tiles(self, c: Canvas) -> None:
        more = self._tiles(c, "Who is stretching?", "people.pick", with_guest=True)
        buttons = [("Progress", "people.progress")]  # no shared history list: each person's is under their name
        if self.pin:
            buttons.append(("Admin", "people.admin"))
        c.button_row(buttons + ([("More", "people.page")] if more else []), c.layout.footer(), primary=None)

    def _draw_pick_progress(self, c: Canvas) -> None:
        more = self._tiles(c, "Whose progress?", "people.pick", with_guest=False)
        c.button_row([("Back", "people.back")] + ([("More", "people.page")] if more else []), c.layout.footer(), None)

    def _tiles(self, c: Canvas, title: str, command: str, with_guest: bool) -> bool:
        """Big name tiles, a page at a time; True when there are more pages (the caller offers More)."""
        lay = c.layout
        c.text(title, lay.header(), lay.header().height, max_lines=1)
        entries: list[tuple[str, str, int]] = [
            (p.name, _streak_words(self.streaks.get(p.id, 0)), p.id) for p in self.people
        ]
        if with_guest:
            entries.append(("Guest", "not saved to anyone", GUEST))
        body = lay.body()
        cols = 2 if lay.kind in ("portrait", "small", "watch") else 3
        rows = max(1, min(4 if lay.kind == "portrait" else 2, body.height // lay.min_touch))
        per_page = cols * rows
        pages = max(1, -(-len(entries) // per_page))
        self.page %= pages
        shown = entries[self.page * per_page : (self.page + 1) * per_page]
        gap = lay.unit // 2
        w = (body.width - gap * (cols - 1)) // cols
        h = (body.height - gap * (rows - 1)) // rows
        for i, (name, detail, value) in enumerate(shown):
            rect = pygame.Rect(body.left + (i % cols) * (w + gap), body.top + (i // cols) * (h + gap), w, h)
            self._tile(c, rect, name, detail, command, value, guest=value == GUEST)
        return pages > 1

    def _tile(self, c: Canvas, rect: pygame.Rect, name: str, detail: str, command: str, value: int, guest: bool):
        colour = PALETTE["panel"] if guest else PALETTE["accent"]
        pygame.draw.rect(c.surface, colour, rect, border_radius=max(6, rect.height // 6))
        ink = PALETTE["text"] if guest else PALETTE["background"]
        pad = max(2, rect.height // 10)
        top = pygame.Rect(rect.left + pad, rect.top + pad, rect.width - 2 * pad, int(rect.height * 0.55) - pad)
        bottom = pygame.Rect(rect.left + pad, top.bottom, rect.width - 2 * pad, rect.bottom - top.bottom - pad)
        c.text(name, top, top.height, ink, max_lines=1)
        c.text(detail, bottom, bottom.height // 2, ink, max_lines=1)
        c.buttons.append(Button(name, command, rect, value))

    def _draw_progress(self, c: Canvas) -> None:
        lay = c.layout
        p = self.viewing
        if p is None:
            self._leave("")
            return
        sessions = [s for s in self.history.sessions(limit=200) if s.person == p.name]
        shown = progress(sessions, p.name, 30)
        title = f"{p.name}: {shown.sessions} session(s), {_streak_words(self.streaks.get(p.id, 0))}"
        c.text(title, lay.header(), lay.header().height, max_lines=1)
        body = lay.body()
        which = PROGRESS_TABS[self.chart % len(PROGRESS_TABS)]
        if which == "sessions":
            self._session_list(c, body, sessions)
        else:
            k = max(0.4, min(1.0, min(body.height, body.width * 0.6) / 260))
            draw_chart(c, body, which, shown, SCREEN_CHARTS, k)
        foot = lay.footer()
        tabs = [(CHART_LABELS[name], "people.chart") for name in PROGRESS_TABS] + [("Back", "people.back")]
        c.button_row(tabs, foot, primary=None)
        for i, b in enumerate(c.buttons[-len(tabs) : -1]):
            b.value = i

    def _session_list(self, c: Canvas, body: pygame.Rect, sessions) -> None:
        """The person's last sessions, newest first: when, how it ended, pain."""
        if not sessions:
            c.text("No sessions yet", body, c.layout.unit * 2, PALETTE["muted"])
            return
        rows = max(1, min(6, body.height // max(1, c.layout.unit * 2)))
        h = body.height // rows
        for i, s in enumerate(sessions[:rows]):
            pain = f"pain {s.pain}/10" if s.pain is not None else "no pain score"
            done = sum(1 for r in s.results if r.status == "completed")
            when, status = s.started_at[:16].replace("T", " "), s.status.replace("_", " ")
            line = f"{when}   {status}, {done}/{len(s.results)} done, {pain}"
            c.text(line, pygame.Rect(body.left, body.top + i * h, body.width, h), h * 2 // 3, align="left", max_lines=1)

    def _draw_pin(self, c: Canvas) -> None:
        lay = c.layout
        c.text(
            self.message or "Admin PIN", lay.header(), lay.header().height, PALETTE["warn"] if self.message else None
        )
        area = pygame.Rect(lay.body().left, lay.body().top, lay.body().width, lay.footer().bottom - lay.body().top)
        dots_h = area.height // 5
        r = max(3, dots_h // 5)
        for i in range(len(self.pin)):  # one dot per digit of the PIN, filled as they are typed
            centre = (area.centerx + (2 * i - len(self.pin) + 1) * 2 * r, area.top + dots_h // 2)
            pygame.draw.circle(c.surface, PALETTE["text"], centre, r, 0 if i < len(self.typed) else 2)
        keys = [("1", 1), ("2", 2), ("3", 3), ("4", 4), ("5", 5), ("6", 6), ("7", 7), ("8", 8), ("9", 9)]
        keys += [("Cancel", -1), ("0", 0), ("Erase", -2)]
        grid = pygame.Rect(area.left, area.top + dots_h, area.width, area.height - dots_h)
        width = min(grid.width, grid.height * 2)
        grid = pygame.Rect(grid.centerx - width // 2, grid.top, width, grid.height)
        gap = lay.unit // 3
        w, h = (grid.width - 2 * gap) // 3, (grid.height - 3 * gap) // 4
        for i, (label, value) in enumerate(keys):
            rect = pygame.Rect(grid.left + (i % 3) * (w + gap), grid.top + (i // 3) * (h + gap), w, h)
            command = {-1: "people.done", -2: "people.erase"}.get(value, "people.digit")
            c.button(label, command, rect, value=value if value >= 0 else None)

    def _draw_admin(self, c: Canvas) -> None:
        more = self._tiles(c, self.message or "People: tap one to change it", "people.edit", with_guest=False)
        buttons = [("Add person", "people.add"), ("Done", "people.done")] + ([("More", "people.page")] if more else [])
        c.button_row(buttons, c.layout.footer())

    def _draw_person(self, c: Canvas) -> None:
        lay, p = c.layout, self.editing
        if p is None:
            self.state = "admin"
            return
        c.text(self.message or p.name, lay.header(), lay.header().height, max_lines=1)
        count = sum(1 for s in self.history.sessions() if s.person == p.name)
        names = {e.id: e.name for e in self.routine.exercises}
        own = [f"{names.get(ex, ex)} {', '.join(people.target_words(t))}" for ex, t in p.targets.items()]
        lines = [f"{count} session(s), {_streak_words(self.streaks.get(p.id, 0))}"]
        lines.append("Own targets: " + ("; ".join(own) if own else "as the routine says"))
        c.text("\n".join(lines), lay.body(), lay.unit * 2, max_lines=4)
        buttons = [("Rename", "people.rename"), ("Targets", "people.targets"), ("Remove", "people.remove")]
        c.button_row([*buttons, ("Back", "people.back")], lay.footer(), primary=None)

    def _draw_remove(self, c: Canvas) -> None:
        lay, p = c.layout, self.editing
        if p is None:
            self.state = "admin"
            return
        count = sum(1 for s in self.history.sessions() if s.person == p.name)
        c.text(f"Remove {p.name}?", lay.header(), lay.header().height, PALETTE["alert"], max_lines=1)
        sessions = f"their {count} session(s)" if count else "their name (no sessions yet)"
        words = (
            f"This deletes {p.name} and {sessions} from this kiosk, and asks the clinic's collector "
            "to delete what it has of them. It cannot be undone."
        )
        c.text(words, lay.body(), lay.unit * 2, max_lines=5)
        c.button_row([("Keep", "people.back"), (f"Remove {p.name}", "people.confirm")], lay.footer(), primary=0)

    def _draw_name(self, c: Canvas) -> None:
        lay = c.layout
        head = lay.header()
        shown = self.typed + "_" if len(self.typed) < people.NAME_MAX else self.typed
        ask = f"Rename {self.editing.name}" if self.editing else "New person: type their name"
        c.text(self.message or ask, head, head.height // 2, PALETTE["warn"] if self.message else None)
        area = pygame.Rect(head.left, head.bottom, head.width, lay.footer().bottom - head.bottom)
        gap = max(2, lay.unit // 4)
        w = (area.width - gap * 9) // 10
        row_h = min(area.height // 5, int(w * 1.2) + gap)  # keys about square, the rest of a tall screen unused
        area = pygame.Rect(area.left, area.bottom - 5 * row_h, area.width, 5 * row_h)
        name_box = pygame.Rect(area.left, head.bottom, area.width, area.top + row_h - head.bottom)
        c.text(shown, name_box, min(name_box.height, lay.unit * 4), max_lines=1)
        for r, letters in enumerate(KEY_ROWS):
            left = area.left + (area.width - len(letters) * (w + gap) + gap) // 2
            for i, letter in enumerate(letters):
                rect = pygame.Rect(left + i * (w + gap), area.top + (r + 1) * row_h, w, row_h - gap)
                c.button(letter, "people.key", rect, value=ord(letter))
        last = pygame.Rect(area.left, area.top + 4 * row_h, area.width, row_h - gap)
        c.button_row(
            [("Space", "people.key"), ("Erase", "people.erase"), ("Cancel", "people.back"), ("OK", "people.ok")],
            last,
            primary=3,
        )
        c.buttons[-4].value = ord(" ")

    def _draw_targets(self, c: Canvas) -> None:
        lay, p = c.layout, self.editing
        if p is None:
            self.state = "admin"
            return
        c.text(self.message or f"{p.name}'s targets", lay.header(), lay.header().height, max_lines=1)
        body = lay.body()
        n = len(self.routine.exercises)
        row_h = min(body.height // max(1, n), int(lay.min_touch * 1.4))
        for i, ex in enumerate(self.routine.exercises):
            key = people.TARGET_KEYS[ex.detect]
            base = getattr(ex, key)
            value = p.targets.get(ex.id, {}).get(key, base)
            row = pygame.Rect(body.left, body.top + i * row_h, body.width, row_h - lay.unit // 3)
            b = min(row.height, lay.min_touch)
            label = pygame.Rect(row.left, row.top, int(row.width * 0.4), row.height)
            c.text(ex.name, label, row.height // 2, align="left", max_lines=1)
            minus = pygame.Rect(label.right, row.top, b, row.height)
            number = pygame.Rect(minus.right, row.top, int(row.width * 0.25), row.height)
            plus = pygame.Rect(number.right, row.top, b, row.height)
            c.button("-", "people.step", minus, value=2 * i)
            unit = " reps" if key == "reps" else " s"
            c.text(f"{value:g}{unit}", number, row.height // 2, PALETTE["good"] if value != base else None, max_lines=1)
            c.button("+", "people.step", plus, value=2 * i + 1)
            note = pygame.Rect(plus.right + lay.unit, row.top, row.right - plus.right - lay.unit, row.height)
            c.text("own" if value != base else "routine's", note, row.height // 3, PALETTE["muted"], max_lines=1)
        c.button_row([("Done", "people.back")], lay.footer())


def _streak_words(days: int) -> str:
    return f"{days}-day streak" if days else "no streak yet"
