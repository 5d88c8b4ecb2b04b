"""Validation shared by the configuration and the routine file.

A setting is a dataclass field whose metadata holds a check; a check returns None when the value
is fine, or what is allowed. Problems are collected, never raised one by one, so a person fixing
a file sees everything wrong with it at once.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Callable
from dataclasses import field
from pathlib import Path
from typing import Any

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


def text(value) -> str | None:
    return None if isinstance(value, str) else "must be a string in quotes"


def words(max_len: int) -> Check:
    """Non-empty text short enough for a screen read from the floor."""

    def check(value):
        if not isinstance(value, str) or not value.strip() or len(value) > max_len:
            return f"must be text of 1 to {max_len} characters"
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


def setting(default, check: Check):
    if isinstance(default, list):
        return field(default_factory=lambda: list(default), metadata={"check": check})
    return field(default=default, metadata={"check": check})


def show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def read_toml(path: Path, required: bool, problems: list[str]) -> dict | None:
    """The file's table, or None with the reason added to problems (a missing optional file is fine)."""
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        if required:
            problems.append(f"{path}: no such file")
    except PermissionError:
        problems.append(f"{path}: not readable (permission denied)")
    except IsADirectoryError:
        problems.append(f"{path}: is a directory, expected a TOML file")
    except tomllib.TOMLDecodeError as exc:
        problems.append(f"{path}: not valid TOML: {exc}")
    except UnicodeDecodeError:
        problems.append(f"{path}: not valid TOML: not UTF-8 text")
    return None


def known_keys(cls) -> list[str]:
    return [f.name for f in dataclasses.fields(cls) if "check" in f.metadata]


def fill(cls, values: dict, where: str, problems: list[str], origin: Callable[[str], str], **extra):
    """Build `cls` from a table; every unknown key and bad value becomes a problem naming its place."""
    kwargs = dict(extra)
    known = known_keys(cls)
    for key, value in values.items():
        path = f"{where}.{key}" if where else key
        if key not in known:
            problems.append(f"{path} ({origin(key)}): unknown key; known: {', '.join(known)}")
            continue
        check = next(f for f in dataclasses.fields(cls) if f.name == key).metadata["check"]
        allowed = check(value)
        if allowed:
            problems.append(f"{path} = {show(value)} ({origin(key)}): {allowed}")
        else:
            kwargs[key] = value
    return cls(**kwargs)
