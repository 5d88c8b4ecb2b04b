"""Validation shared by the configuration and the routine file.

A setting is a dataclass field whose metadata holds a check; a check returns None when the value
is fine, or what is allowed. Problems are collected, never raised one by one, so a person fixing
a file sees everything wrong with it at once.
"""

from __future__ import annotations

import dataclasses
import json
import os
import stat
import tomllib
from collections.abc import Callable
from dataclasses import field
from pathlib import Path
from typing import Any

from backstretch.errors import InputFileError, shorten

Check = Callable[[Any], str | None]


def one_of(*choices) -> Check:
    def check(value):
        if isinstance(value, bool) or value not in choices:
            return "must be one of " + ", ".join(repr(c) if isinstance(c, str) else str(c) for c in choices)
        return None

    return check


def number_between(low: float, high: float, integer: bool = False) -> Check:
    kinds = (int,) if integer else (int, float)

    def check(value):
        if isinstance(value, bool) or not isinstance(value, kinds) or not low <= value <= high:
            return f"must be {'a whole number' if integer else 'a number'} between {low:g} and {high:g}"
        return None

    return check


def boolean(value) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


MAX_TEXT = 4096  # characters of a path or a program name
MAX_FILE_BYTES = 1 << 20  # a configuration or routine file is a few kilobytes; a megabyte is not one
MAX_DEPTH = 8  # tables and lists inside each other; the shipped files go 3 deep


def has_control(value: str) -> bool:
    """NUL, newlines, escape sequences and the like: never part of a path, a name or a line on the screen."""
    return any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in value)


def text(value) -> str | None:
    if not isinstance(value, str):
        return "must be a string in quotes"
    if has_control(value) or len(value) > MAX_TEXT:
        return f"must be text of at most {MAX_TEXT} characters with no control characters (NUL, newline, escape)"
    return None


def words(max_len: int) -> Check:
    """Non-empty text short enough for a screen read from the floor."""

    def check(value):
        if not isinstance(value, str) or not value.strip() or len(value) > max_len or has_control(value):
            return f"must be text of 1 to {max_len} characters with no control characters"
        return None

    return check


def list_of(item: Check, min_items: int, max_items: int) -> Check:
    def check(value):
        if not isinstance(value, list) or not min_items <= len(value) <= max_items:
            return f"must be a list of {min_items} to {max_items} items"
        for i, v in enumerate(value):
            bad = item(v)
            if bad:
                return f"item {i + 1} {bad}"
        return None

    return check


def setting(default, check: Check, shown: Callable[[Any], str] | None = None):
    """A checked field; `shown` writes its value in problem lines instead of `show` (`hidden` for a secret)."""
    metadata = {"check": check, "shown": shown or show}
    if isinstance(default, list):
        return field(default_factory=lambda: list(default), metadata=metadata)
    return field(default=default, metadata=metadata)


def hidden(value: Any) -> str:
    """A password or PIN in a problem line: the journal and a screenshot of the terminal must not hold it."""
    return "(not shown)"


def show(value: Any) -> str:
    """A value as TOML would write it, control characters escaped, so an error line cannot hide or garble."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return shorten(json.dumps(value, ensure_ascii=False), 80)
    return shorten(str(value), 80)


def show_key(key: str) -> str:
    """A key as it appears in a problem line: bare when it is a plain name, quoted and escaped otherwise."""
    return key if key.replace("_", "").replace("-", "").isalnum() and key.isascii() else show(key)


def read_toml(path: Path, required: bool, problems: list[str]) -> dict | None:
    """The file's table, or None with the reason added to problems (a missing optional file is fine).

    Only a regular file of at most MAX_FILE_BYTES is read: a FIFO would block the kiosk forever and
    /dev/zero would fill its memory. Nesting deeper than MAX_DEPTH is refused, not recursed into.
    """
    shown = shorten(str(path), 200)
    try:
        data = read_small_file(path, MAX_FILE_BYTES)
        table = tomllib.loads(data.decode("utf-8"))
    except FileNotFoundError:
        if required:
            problems.append(f"{shown}: no such file")
    except PermissionError:
        problems.append(f"{shown}: not readable (permission denied)")
    except IsADirectoryError:
        problems.append(f"{shown}: is a directory, expected a TOML file")
    except InputFileError as exc:
        problems.append(f"{shown}: {exc}, expected a TOML settings file")
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        reason = f"nested more than {MAX_DEPTH} levels deep" if isinstance(exc, RecursionError) else str(exc)
        problems.append(f"{shown}: not valid TOML: {reason}")
    except UnicodeDecodeError:
        problems.append(f"{shown}: not valid TOML: not UTF-8 text")
    except OSError as exc:
        problems.append(f"{shown}: cannot be read: {exc.strerror or exc}")
    else:
        if depth(table) > MAX_DEPTH:
            problems.append(f"{shown}: tables or lists nested more than {MAX_DEPTH} levels deep")
            return None
        return table
    return None


def read_small_file(path: Path, limit: int) -> bytes:
    """A regular file's bytes, at most `limit`; opening never blocks, whatever sits at the path."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(str(path))
        if not stat.S_ISREG(mode):
            raise InputFileError("not a regular file (a pipe, device or socket)")
        with os.fdopen(os.dup(fd), "rb") as fh:
            data = fh.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise InputFileError(f"larger than {limit // 1024} kB")
    return data


def depth(value: Any) -> int:
    """How deep tables and lists sit inside each other, counted without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if level <= MAX_DEPTH and isinstance(item, dict | list):
            stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def known_keys(cls) -> list[str]:
    return [f.name for f in dataclasses.fields(cls) if "check" in f.metadata]


def fill(cls, values: dict, where: str, problems: list[str], origin: Callable[[str], str], **extra):
    """Build `cls` from a table; every unknown key and bad value becomes a problem naming its place."""
    kwargs = dict(extra)
    known = known_keys(cls)
    for key, value in values.items():
        path = f"{where}.{show_key(key)}" if where else show_key(key)
        if key not in known:
            problems.append(f"{path} ({origin(key)}): unknown key; known: {', '.join(known)}")
            continue
        metadata = next(f for f in dataclasses.fields(cls) if f.name == key).metadata
        allowed = metadata["check"](value)
        if allowed:
            problems.append(f"{path} = {metadata['shown'](value)} ({origin(key)}): {allowed}")
        else:
            kwargs[key] = value
    return cls(**kwargs)
