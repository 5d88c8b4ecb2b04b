"""The routine as data: which exercises, in what order, with what targets and words.

Read from a TOML file an installer can edit (targets, order, dropping an exercise) and
validated like the main configuration: every problem at once, each with its key path.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from backstretch.config import DEFAULT_ROUTINE
from backstretch.errors import ConfigError

from .motion.pipeline import EXERCISES, MotionParams, params_for
from .validation import fill, list_of, number_between, one_of, read_toml, setting, words

MOTIONS_FOR = {"reps": ("pelvic_tilt", "reps"), "hold": ("spinal_twist", "swiss_ball")}


@dataclass(frozen=True)
class RoutineSettings:
    name: str = setting("Back stretches", words(40))
    intro_s: float = setting(8, number_between(0, 120))
    countdown_s: int = setting(3, number_between(0, 10, integer=True))
    calibrate_timeout_s: float = setting(20, number_between(3, 300))
    rest_between_exercises_s: float = setting(20, number_between(0, 600))
    still_there_after_s: float = setting(90, number_between(10, 3600))
    end_after_prompt_s: float = setting(30, number_between(5, 600))
    pain_stop_at: int = setting(7, number_between(1, 10, integer=True))
    max_hold_retries: int = setting(2, number_between(0, 10, integer=True))


@dataclass(frozen=True)
class Detection:
    """Overrides of the detector's settings for one exercise."""

    zone_min_deg: float | None = setting(None, number_between(2, 90))
    zone_max_deg: float | None = setting(None, number_between(5, 180))
    still_dps: float | None = setting(None, number_between(0.5, 60))
    grace_s: float | None = setting(None, number_between(0, 10))
    min_amplitude_deg: float | None = setting(None, number_between(0.5, 90))


@dataclass(frozen=True)
class Exercise:
    id: str = setting("", words(30))
    name: str = setting("", words(30))
    detect: str = setting("reps", one_of("reps", "hold"))
    motion: str = setting("reps", one_of(*EXERCISES))
    instructions: list = setting([], list_of(words(40), 1, 4))
    reps: int = setting(0, number_between(1, 100, integer=True))
    sets: int = setting(1, number_between(1, 20, integer=True))
    hold_s: float = setting(0, number_between(5, 600))
    sides: list = setting([], list_of(one_of("left", "right"), 1, 2))
    holds_per_side: int = setting(0, number_between(1, 20, integer=True))
    rest_between_sets_s: float = setting(15, number_between(0, 600))
    detection: Detection = field(default_factory=Detection)

    @property
    def per_side(self) -> bool:
        return self.detect == "hold" and bool(self.sides)

    @property
    def holds_wanted(self) -> int:
        return self.holds_per_side * len(self.sides) if self.per_side else self.sets

    def motion_params(self) -> MotionParams:
        p = params_for(self.motion, self.hold_s if self.detect == "hold" else None)
        d = self.detection
        hold = {
            k: v
            for k, v in (
                ("zone_min_deg", d.zone_min_deg),
                ("zone_max_deg", d.zone_max_deg),
                ("still_dps", d.still_dps),
                ("grace_s", d.grace_s),
            )
            if v is not None
        }
        reps = {"min_amplitude_deg": d.min_amplitude_deg} if d.min_amplitude_deg is not None else {}
        first = self.sides[0] if self.sides else "left"
        return replace(
            p, hold=replace(p.hold, **hold), reps=replace(p.reps, **reps), first_side=first, auto_calibrate=False
        )


@dataclass(frozen=True)
class Routine:
    settings: RoutineSettings
    exercises: tuple[Exercise, ...]
    source: str = ""


def load_routine(path: str | Path | None = None) -> Routine:
    path = Path(path) if path else DEFAULT_ROUTINE
    problems: list[str] = []
    table = read_toml(path, True, problems)
    if table is None:
        raise ConfigError(problems, str(path))
    where = str(path)
    for key in table:
        if key not in ("routine", "exercise"):
            problems.append(f"{key} ({where}): unknown section; known: routine, exercise")
    raw_settings = table.get("routine", {})
    settings = fill(
        RoutineSettings, raw_settings if isinstance(raw_settings, dict) else {}, "routine", problems, lambda key: where
    )
    raw = table.get("exercise", [])
    if not isinstance(raw, list) or not raw:
        problems.append(f"exercise ({where}): the routine needs at least one [[exercise]]")
        raw = []
    exercises = []
    for i, entry in enumerate(raw):
        exercises.append(_exercise(entry, f"exercise[{i + 1}]", where, problems))
    ids = [e.id for e in exercises]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"exercise ids ({where}): {dup!r} appears more than once; each id must be unique")
    if problems:
        raise ConfigError(problems, where)
    return Routine(settings, tuple(exercises), where)


def _exercise(entry, at: str, where: str, problems: list[str]) -> Exercise:
    if not isinstance(entry, dict):
        problems.append(f"{at} ({where}): must be an [[exercise]] table")
        return Exercise()
    entry = dict(entry)
    raw_detection = entry.pop("detection", {})
    detection = fill(
        Detection,
        raw_detection if isinstance(raw_detection, dict) else {},
        f"{at}.detection",
        problems,
        lambda key: where,
    )
    before = len(problems)
    ex = fill(Exercise, entry, at, problems, lambda key: where, detection=detection)
    if len(problems) > before:
        return ex
    needs = {"reps": ("id", "name", "instructions", "reps"), "hold": ("id", "name", "instructions", "hold_s")}
    for key in needs[ex.detect]:
        if key not in entry:
            problems.append(f"{at}.{key} ({where}): missing; an exercise that detects {ex.detect} needs it")
    if ex.motion not in MOTIONS_FOR[ex.detect]:
        problems.append(
            f'{at}.motion = "{ex.motion}" ({where}): with detect = "{ex.detect}" it must be one of '
            + ", ".join(MOTIONS_FOR[ex.detect])
        )
    if ex.detect == "hold" and ("sides" in entry) != ("holds_per_side" in entry):
        problems.append(f"{at} ({where}): give both sides and holds_per_side, or neither (then sets counts holds)")
    if ex.motion == "spinal_twist" and not ex.sides:
        problems.append(f'{at}.sides ({where}): a spinal twist needs sides, e.g. ["left", "right"]')
    return ex
