"""The `backstretch` command: parses the arguments and dispatches; kiosk/app.py builds what a command runs.

Errors reach the user as one clear line, never as a traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from backstretch.errors import BackstretchError, BadInput, ConfigError, PeopleError, RecordingError, shorten

from .simulator import PERFORMERS

if TYPE_CHECKING:
    from .config import Config

_log = logging.getLogger("backstretch")

EXIT_BAD_INPUT = 2
MAX_LINE = 1000  # characters of one error line: whatever the input, stderr gets a line, not an echo of it
NO_SETTINGS = ("analyze", "synth")  # commands that read no setting: they run without loading the configuration


class DriverChoices:
    """`sensor.driver`'s names for --source, imported from drivers.factory (the chips, I2C) only when argparse
    looks at them: commands that build no sensor, like `analyze`, start without it."""

    def __iter__(self) -> Iterator[str]:
        from backstretch.drivers.factory import DRIVERS

        return iter(DRIVERS)

    def __contains__(self, name: object) -> bool:
        return name in iter(self)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="backstretch", description="Sensor-guided back-stretch kiosk.")
    parser.add_argument(
        "--config",
        metavar="PATH",
        help=f"a TOML file applied over the defaults, /etc and ~/.config ({' and '.join(NO_SETTINGS)} read none)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sim = sub.add_parser("simulate", help="run the kiosk with the mock sensor and a virtual performer")
    sim.add_argument("--duration", type=positive_float, help="exit after this many seconds")
    sim.add_argument("--speed", type=positive_float, default=1.0, help="play the routine N times faster")
    sim.add_argument("--seed", type=int, default=1, help="random seed of the virtual performer")
    sim.add_argument(
        "--performer",
        choices=PERFORMERS,
        default="auto",
        help="auto: a virtual person follows the cues; sloppy: short holds, wrong side, fidgets; "
        "keyboard: arrows tilt and twist, K keeps still, F fidgets, U pulls the cable",
    )
    sim.add_argument("--data-dir", metavar="DIR", help="where the history database goes (or BACKSTRETCH_DATA_DIR)")
    sim.add_argument(
        "--text",
        action="store_true",
        help="no window: print cues and screens in the terminal (chosen by itself when there is no display)",
    )
    sim.add_argument(
        "--once",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="exit 0 after the summary (the default for the auto and sloppy performers; --no-once keeps going)",
    )
    sim.add_argument(
        "--sensor",
        choices=["mock", "phone"],
        default="mock",
        help="phone: the virtual person carries a phone that pushes to the kiosk's own receiver, as Sensor Logger does",
    )

    run = sub.add_parser("run", help="the kiosk: fullscreen on the configured display, with the real sensor")
    run.add_argument("--duration", type=positive_float, help="exit after this many seconds (for tests)")
    run.add_argument("--data-dir", metavar="DIR", help="where the history database goes (or BACKSTRETCH_DATA_DIR)")

    his = sub.add_parser("history", help="list past sessions, streak and weekly totals, or export them")
    his.add_argument("--csv", action="store_true", help="one row per exercise result, for a spreadsheet")
    his.add_argument("--data-dir", metavar="DIR", help="where the history database is (or BACKSTRETCH_DATA_DIR)")
    his.add_argument("--person", metavar="NAME", help="only this person's sessions (and their streak)")

    rep = sub.add_parser("report", help="a person's progress as one PNG page for a therapist, drawn headless")
    rep.add_argument("--person", metavar="NAME", help="whose progress (needed when there is more than one person)")
    rep.add_argument("--out", required=True, metavar="REPORT.png")
    rep.add_argument("--sessions", type=int, default=60, metavar="N", help="the last N sessions (default 60)")
    rep.add_argument("--data-dir", metavar="DIR", help="the kiosk's, or a clinic collector's, data directory")

    ppl = sub.add_parser("people", help="list, add, rename or remove people, and set their own targets")
    ppl.add_argument("--data-dir", metavar="DIR", help="where the history database is (or BACKSTRETCH_DATA_DIR)")
    act = ppl.add_subparsers(dest="action", metavar="ACTION")
    act.add_parser("list", help="everyone, with sessions, streak and own targets (the default)")
    act.add_parser("add", help="a new person").add_argument("name")
    ren = act.add_parser("rename", help="a new name; past sessions follow")
    ren.add_argument("name")
    ren.add_argument("new_name")
    rem = act.add_parser("remove", help="the person and ALL their history")
    rem.add_argument("name")
    rem.add_argument("--yes", action="store_true", help="do it without asking (scripts)")
    tgt = act.add_parser("target", help="a person's own target: reps, or hold seconds; 'routine' goes back")
    tgt.add_argument("name")
    tgt.add_argument("exercise", help="an exercise id of the routine, e.g. pelvic_tilt")
    tgt.add_argument("value", help="reps for a reps exercise, seconds for a hold, or 'routine'")

    sub.add_parser("routine", help="validate the routine file and show it")

    col = sub.add_parser("collect", help="a clinic's collector: every kiosk's results from MQTT into one history")
    col.add_argument("--mqtt-url", metavar="URL", help="mqtt://HOST[:PORT] or mqtts://... (default: fleet.mqtt_url)")
    col.add_argument("--data-dir", metavar="DIR", help="where the clinic's history database goes")
    col.add_argument(
        "--client-id",
        default="backstretch-collector",
        help="keep it the same from run to run: the broker holds messages for this name while it is away",
    )

    shots = sub.add_parser("screenshots", help="render every screen headless to PNG files")
    shots.add_argument("--out", required=True, metavar="DIR")
    shots.add_argument("--sizes", default="800x480,720x1280,480x320,240x240", help="comma-separated WxH")

    rec = sub.add_parser("record", help="write the sensor stream to a CSV recording")
    rec.add_argument("--out", required=True, metavar="FILE.csv")
    rec.add_argument("--seconds", type=positive_float, default=30.0)
    rec.add_argument("--source", choices=DriverChoices(), metavar="DRIVER", help="override sensor.driver: %(choices)s")

    ana = sub.add_parser("analyze", help="run the motion pipeline over recordings and report reps and holds")
    ana.add_argument("files", nargs="+", metavar="FILE.csv")
    ana.add_argument("--exercise", required=True, help="pelvic_tilt | spinal_twist | swiss_ball | reps")
    ana.add_argument("--json", action="store_true", help="one JSON object per file per line")
    ana.add_argument("--plot", metavar="OUT.png", help="draw the angle, zone, reps and holds")
    ana.add_argument("--hold-seconds", type=positive_float, help="the hold target (default 30)")
    ana.add_argument(
        "--first-side",
        choices=["left", "right"],
        default="left",
        help="the side the routine asks for first, used when the body cannot tell",
    )

    syn = sub.add_parser("synth", help="write labelled synthetic recordings made with the mock sensor")
    syn.add_argument("--out", required=True, metavar="DIR")
    syn.add_argument("--exercise", default="all", help="pelvic_tilt | spinal_twist | swiss_ball | reps | all")
    syn.add_argument("--count", type=int, default=3)
    syn.add_argument("--seed", type=int, default=1, help="first seed; the sets use seed, seed+1, ...")
    syn.add_argument("--rate", type=positive_float, help="sample rate in Hz (default: one of 25 to 200 per set)")

    bench = sub.add_parser(
        "bench",
        help="measure the kiosk: `faults` runs the sensor layer under I2C faults; `ui` times frames, "
        "start-up and the CPU of a running simulator",
    )
    bench.add_argument("what", choices=["faults", "ui"])
    bench.add_argument("--json", action="store_true", help="one JSON object on the last line")
    bench.add_argument("--case", action="append", default=[], metavar="NAME", help="run only this case (repeatable)")

    sub.add_parser("doctor", help="check the I2C bus, sensor, sample rate, GPIO, display and audio")
    sub.add_parser("config", help="validate the configuration and show the merged values")
    return parser


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text} must be greater than 0")
    return value


def main(argv: list[str] | None = None) -> int:
    # The motion code multiplies only small matrices (a window of frames by 3): numpy's OpenBLAS threads, one per
    # core started on import, only add start-up time and busy-wait on cores the screen and sensor share.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    args = build_parser().parse_args(argv)
    # `run` logs what an installer needs in the journal (sensor found, sessions, errors); no line per sample
    logging.basicConfig(
        level=logging.INFO if args.verbose or args.command == "run" else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    args.problems = []
    try:
        return COMMANDS[args.command](args, None if args.command in NO_SETTINGS else settings(args))
    except ConfigError as exc:
        report_config_problems(exc)
        return EXIT_BAD_INPUT
    except (RecordingError, BadInput, PeopleError) as exc:
        print(f"backstretch: {shorten(str(exc), MAX_LINE)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BackstretchError as exc:
        print(f"backstretch: {shorten(str(exc), MAX_LINE)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except Exception as exc:  # the last net: a bug is logged, the user gets one line
        _log.debug("internal error", exc_info=True)
        print(
            f"backstretch: internal error: {exc.__class__.__name__}: {shorten(str(exc), MAX_LINE)} "
            "(run with -v for details)",
            file=sys.stderr,
        )
        if args.verbose:
            raise
        return 1


def settings(args) -> Config:
    """The merged configuration; `run` starts with the defaults when it has problems (and shows them)."""
    from .config import Config, default_layers, load_config

    try:
        return load_config(default_layers(args.config))
    except ConfigError as exc:
        if args.command != "run":
            raise
        report_config_problems(exc)  # the kiosk shows them on its screen too
        args.problems = exc.problems
        return Config()


def report_config_problems(exc: ConfigError) -> None:
    print(f"backstretch: {len(exc.problems)} configuration problem(s):", file=sys.stderr)
    for problem in exc.problems:
        print(f"  {problem}", file=sys.stderr)


def cmd_simulate(args, cfg: Config) -> int:
    from . import app
    from .routine import load_routine

    if args.text and args.performer == "keyboard":
        raise BadInput("--text has no keyboard to move the body: use --performer auto or sloppy, or a window")
    once = args.once if args.once is not None else args.performer != "keyboard"
    routine = load_routine(cfg.history.routine or None)
    return app.simulate(
        cfg,
        routine,
        args.data_dir,
        args.duration,
        args.speed,
        args.seed,
        args.performer,
        args.text,
        args.sensor,
        once=once,
    )


def cmd_run(args, cfg: Config) -> int:
    """The kiosk itself. A configuration problem is shown on the screen too, never a black screen."""
    from . import app
    from .routine import load_routine

    problems: list[str] = list(args.problems)
    try:
        routine = load_routine(cfg.history.routine or None)
    except ConfigError as exc:
        report_config_problems(exc)
        problems += exc.problems
        routine = load_routine()
    app.run(cfg, routine, args.data_dir, args.duration, problems)
    return EXIT_BAD_INPUT if problems else 0


def cmd_history(args, cfg: Config) -> int:
    from datetime import date

    from . import people, phrases
    from .history import History, database_path

    path = database_path(args.data_dir, cfg.history.database)
    if not path.exists():  # nothing is created: `history` only ever reads
        print(f"no sessions yet in {path}")
        return 0
    history = History(path, readonly=True)
    try:
        person = people.named(history, args.person) if args.person else None
        if args.csv:
            history.export_csv(sys.stdout, person.name if person else None)
            return 0
        sessions = [s for s in history.sessions() if person is None or s.person == person.name]
        if not sessions:
            print(f"no sessions yet in {history.path}" + (f" for {person.name}" if person else ""))
            return 0
        streak = history.streak(date.today(), person.id if person else None)
        whose = f" of {person.name}" if person else ""
        print(f"{len(sessions)} session(s){whose} in {history.path}; streak: {streak} day(s)")
        for s in sessions[:20]:
            pain = phrases.pain_saved(s.pain_during, s.pain).lower()
            pain = f", {pain}" if pain else ""
            done = ", ".join(f"{r.name} {_result_short(r)}" for r in s.results) or "no exercise finished"
            who = (s.person or "guest") + (f" at {s.kiosk}" if s.kiosk else "")
            print(f"  {s.started_at.replace('T', ' ')}  {who:<16} {s.status:<12} {done}{pain}")
        print("weekly totals" + (" (everyone):" if person else ":"))
        for w in history.weekly_totals()[:8]:
            print(f"  {w['week']}  {w['sessions']} session(s), {w['reps']} reps, {w['hold_minutes']} min holding")
        return 0
    finally:
        history.close()


def cmd_report(args, cfg: Config) -> int:
    from . import app, people
    from .history import History, database_path
    from .progress import progress

    out = Path(args.out)
    if out.suffix.lower() != ".png":
        raise BadInput(f"--out {args.out}: the report is a PNG page; name it REPORT.png")
    if args.sessions < 1:
        raise BadInput("--sessions must be at least 1")
    history = History(database_path(args.data_dir, cfg.history.database), readonly=True)
    try:
        if args.person:
            person = people.named(history, args.person).name
        else:
            everyone = people.everyone(history)
            if len(everyone) != 1:
                names = ", ".join(p.name for p in everyone) or "nobody yet"
                raise BadInput(f"--person is needed: {history.path} has {names}")
            person = everyone[0].name
        sessions = [s for s in history.sessions() if s.person == person]
        p = progress(sessions, person, args.sessions)
        app.report(out, p, sessions)
    finally:
        history.close()
    print(f"wrote {out}: {p.sessions} session(s) of {person}")
    return 0


def cmd_people(args, cfg: Config) -> int:
    from datetime import date

    from . import people
    from .history import History, database_path
    from .outbox import Outbox
    from .routine import load_routine

    # with a fleet, a removal or a rename is sent to the clinic too (the running kiosk sends it, or the next start)
    outbox = Outbox(cfg.fleet.kiosk_name()) if cfg.fleet.enabled else None
    history = History(database_path(args.data_dir, cfg.history.database), outbox)
    try:
        action = args.action or "list"
        if action == "list":
            for p in people.everyone(history):
                count = history.db.execute("SELECT count(*) FROM sessions WHERE profile_id = ?", (p.id,)).fetchone()[0]
                own = ", ".join(f"{ex} {v}" for ex, t in p.targets.items() for v in people.target_words(t))
                print(f"{p.name}: {count} session(s), streak {history.streak(date.today(), p.id)} day(s)", end="")
                print(f"; own targets: {own}" if own else "")
        elif action == "add":
            print(f"added {people.add(history, args.name).name}")
        elif action == "rename":
            old = people.named(history, args.name)
            print(f"renamed {old.name} to {people.rename(history, old, args.new_name).name}")
        elif action == "remove":
            person = people.named(history, args.name)
            if not args.yes and not _confirm(
                f"Remove {person.name} and all their sessions? Type the name to confirm: ", person.name
            ):
                print("nothing removed")
                return 1
            print(f"removed {person.name} and {people.remove(history, person)} session(s)")
        else:
            person = people.named(history, args.name)
            routine = load_routine(cfg.history.routine or None)
            exercise = next((e for e in routine.exercises if e.id == args.exercise), None)
            if exercise is None:
                raise BadInput(
                    f"no exercise {args.exercise!r} in the routine; ids: {', '.join(e.id for e in routine.exercises)}"
                )
            value = None if args.value == "routine" else _number(args.value, exercise.detect == "reps")
            person = people.set_target(history, person, exercise, value)
            print(
                f"{person.name}: {exercise.id} "
                + (", ".join(people.target_words(person.targets.get(exercise.id, {}))) or "as the routine says")
            )
        return 0
    finally:
        history.close()


def _number(text: str, whole: bool) -> int | float:
    try:
        return int(text) if whole else float(text)
    except ValueError:
        raise BadInput(
            f"{text!r} is not {'a whole number of reps' if whole else 'a number of seconds'} (or 'routine')"
        ) from None


def _confirm(question: str, answer: str) -> bool:
    if not sys.stdin.isatty():
        raise BadInput("removing a person asks first: run it in a terminal, or add --yes")
    return input(question).strip().casefold() == answer.casefold()


def _result_short(r) -> str:
    if r.detect == "reps":
        return f"{r.reps_done}/{r.reps_target}"
    return f"{r.holds_completed}/{r.holds_wanted} holds"


def cmd_collect(args, cfg: Config) -> int:
    import signal

    from .collector import Collector
    from .history import database_path
    from .mqtt import parse_broker, url_problem, url_shown

    url = args.mqtt_url or cfg.fleet.mqtt_url
    if not url or url_problem(url):
        raise BadInput(
            f"--mqtt-url {url_shown(url)}: {url_problem(url) or 'is needed (or fleet.mqtt_url in the config)'}"
        )
    f = cfg.fleet
    broker = parse_broker(url, f.username, f.password, f.ca_file)
    collector = Collector(broker, database_path(args.data_dir, cfg.history.database), args.client_id)
    collector.open()  # a database we cannot use is said now, before any message is taken
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: collector.client.disconnect())
    print(f"collecting {broker.describe()} into {collector.database}; Ctrl-C stops", file=sys.stderr, flush=True)
    try:
        collector.run()
    finally:
        print(
            f"stored {collector.stored} message(s), {collector.repeats} repeat(s) ignored, "
            f"{collector.rejected} not ours",
            file=sys.stderr,
        )
    return 0


def cmd_routine(args, cfg: Config) -> int:
    from .routine import load_routine

    routine = load_routine(cfg.history.routine or None)
    print(f"{routine.settings.name} ({routine.source}): {len(routine.exercises)} exercise(s)")
    for i, ex in enumerate(routine.exercises, start=1):
        if ex.detect == "reps":
            target = f"{ex.reps} reps x {ex.sets} set(s)"
        elif ex.per_side:
            target = f"{ex.hold_s:g} s holds, {ex.holds_per_side} per side ({', '.join(ex.sides)})"
        else:
            target = f"{ex.hold_s:g} s holds x {ex.sets}"
        print(f"  {i}. {ex.name}: {target}")
    return 0


def cmd_record(args, cfg: Config) -> int:
    from . import app

    return app.record(cfg, Path(args.out), args.seconds, args.source)


def check_exercise(name: str, allow_all: bool = False) -> None:
    from .motion.pipeline import EXERCISES

    allowed = EXERCISES + (("all",) if allow_all else ())
    if name not in allowed:
        raise BadInput(f"unknown exercise {name!r}: choose one of {', '.join(allowed)}")


def cmd_analyze(args, cfg: None) -> int:
    import json

    from backstretch.drivers.recording import RecordingReader

    from .motion.analysis import analyze_path, describe

    check_exercise(args.exercise)
    for path in args.files:  # every file's header is checked before any work; the samples as they are read
        RecordingReader(path).close()
    for path in args.files:
        result, events, pipeline = analyze_path(
            path, args.exercise, args.hold_seconds, args.first_side, bool(args.plot)
        )
        print(json.dumps(result) if args.json else describe(path, result))
        if args.plot:
            plot_analysis(path, args, events, pipeline, len(args.files) > 1)
    return 0


def plot_analysis(path: str, args, events, pipeline, several: bool) -> None:
    from . import app

    out = Path(args.plot)
    if several:
        out = out.with_name(f"{out.stem}-{Path(path).stem}{out.suffix or '.png'}")
    hold = pipeline.p.hold
    zone = (hold.zone_min_deg, hold.zone_max_deg) if args.exercise in ("spinal_twist", "swiss_ball") else None
    app.plot(out, f"{Path(path).name}: {args.exercise}", pipeline.trace, events, zone)
    print(f"plot: {out}", file=sys.stderr)


def cmd_synth(args, cfg: None) -> int:
    from .motion.pipeline import EXERCISES
    from .motion.synthetic import generate

    check_exercise(args.exercise, allow_all=True)
    if args.count < 1:
        raise BadInput("--count must be at least 1")
    exercises = EXERCISES if args.exercise == "all" else (args.exercise,)
    for exercise in exercises:
        for seed in range(args.seed, args.seed + args.count):
            path = generate(exercise, seed, args.rate).write(Path(args.out))
            print(path)
    return 0


def cmd_screenshots(args, cfg: Config) -> int:
    from . import app

    sizes = []
    for item in args.sizes.split(","):
        try:
            w, h = (int(v) for v in item.lower().split("x"))
        except ValueError:
            raise BadInput(f"--sizes: {item!r} is not WIDTHxHEIGHT, e.g. 800x480") from None
        if not (160 <= w <= 4096 and 160 <= h <= 4096):
            raise BadInput(f"--sizes: {item} is outside 160x160 to 4096x4096")
        sizes.append((w, h))
    paths = app.screenshots(Path(args.out), sizes)
    print(f"wrote {len(paths)} screenshots to {args.out}")
    return 0


def cmd_doctor(args, cfg: Config) -> int:
    from . import app
    from .doctor import FAIL

    checks = app.doctor(cfg)
    for check in checks:
        print(check.line())
    failed = [c.name for c in checks if c.status == FAIL]
    if failed:
        print(f"\n{len(failed)} check(s) failed: {', '.join(failed)}")
    return 1 if failed else 0


def cmd_bench(args, cfg: Config) -> int:
    import json

    from .faultbench import CASES, run_all

    if args.what == "ui":
        from . import app

        result = app.bench_ui()
        if args.json:
            print(json.dumps(result))
        else:
            for size, figures in result["sizes"].items():
                print(f"{size:<9} frame p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms")
            print(
                f"first frame {result['first_frame_s']} s; simulate at 800x480, 30 fps: "
                f"{result['cpu_percent_30fps']}% of a core"
            )
        return 0

    unknown = sorted(set(args.case) - {c.name for c in CASES})
    if unknown:
        raise BadInput(f"--case: unknown {', '.join(unknown)}; choose from {', '.join(c.name for c in CASES)}")
    result = run_all(names=tuple(args.case))
    if args.json:
        print(json.dumps(result))
    else:
        for name, figures in result["cases"].items():
            print(f"{name:<18} " + ", ".join(f"{k} {v}" for k, v in figures.items()))
    return 0


def cmd_config(args, cfg: Config) -> int:
    import dataclasses

    from .validation import hidden

    print("# read: " + ", ".join(cfg.sources))
    for section in ("sensor", "gpio", "display", "audio", "history", "fleet", "people"):
        print(f"[{section}]")
        settings = getattr(cfg, section)
        for f in dataclasses.fields(settings):
            value = getattr(settings, f.name)
            if f.metadata.get("shown") is hidden and value:
                value = "(set, not shown)"
            if value is not None:
                print(f"{f.name} = {value!r}".replace("True", "true").replace("False", "false").replace("'", '"'))
    return 0


COMMANDS = {
    "run": cmd_run,
    "simulate": cmd_simulate,
    "record": cmd_record,
    "analyze": cmd_analyze,
    "synth": cmd_synth,
    "history": cmd_history,
    "routine": cmd_routine,
    "collect": cmd_collect,
    "report": cmd_report,
    "people": cmd_people,
    "screenshots": cmd_screenshots,
    "doctor": cmd_doctor,
    "config": cmd_config,
    "bench": cmd_bench,
}


if __name__ == "__main__":
    sys.exit(main())
