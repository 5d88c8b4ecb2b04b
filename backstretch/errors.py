"""The project's one error family.

It lives in the root package, below drivers, kiosk and ui alike: drivers may not import kiosk,
so a family shared by all three can only sit where each of them may import it.
Like gpiozero's errors, each also inherits the matching built-in, so a caller may catch either
(`except ValueError` still catches a bad command; `except OSError` a missing sensor).
What reaches the user is the message: one line naming the file, key or device and what to do.
"""

from __future__ import annotations


class BackstretchError(Exception):
    """Anything the user should see as one clear message instead of a traceback."""


class SensorError(BackstretchError, OSError):
    """A sensor is missing, unidentified or not answering."""


class RecordingError(BackstretchError, ValueError):
    """A recording file is malformed; the message names the file and line."""


MAX_PROBLEMS = 20  # a file with 200,000 unknown keys gets 20 lines and a count, not 26 MB of stderr
MAX_MESSAGE = 300  # characters of one problem: a million-column header is quoted, not echoed


def shorten(text: str, limit: int = MAX_MESSAGE) -> str:
    """Cut a message to `limit` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters)"


class ConfigError(BackstretchError, ValueError):
    """One or more configuration or routine problems, each naming its key, the bad value and what is allowed.

    The list is cut to MAX_PROBLEMS lines of MAX_MESSAGE characters, the last one saying how many
    more there were, so hostile input cannot flood the terminal, the journal or the screen.
    """

    def __init__(self, problems: list[str], source: str = "configuration"):
        shown = [shorten(p) for p in problems[:MAX_PROBLEMS]]
        if len(problems) > MAX_PROBLEMS:
            shown[-1] = f"… and {len(problems) - MAX_PROBLEMS + 1} more problem(s) not shown"
        self.problems = shown
        self.source = shorten(source)
        super().__init__(f"{self.source}: " + "; ".join(shown[:3]) + _more(len(problems) - 3))


class InputFileError(BackstretchError, OSError):
    """A file given as input that cannot be one: a pipe, device or socket, or larger than any real one."""


class HistoryError(BackstretchError, OSError):
    """The history database cannot be opened, or is not one this version understands."""


class BadInput(BackstretchError, ValueError):
    """A command-line value that is not allowed."""


class CommandError(BackstretchError, ValueError):
    """A command the routine engine cannot take: an unknown name, or a pain score outside 0 to 10."""


class FleetError(BackstretchError, ValueError):
    """A fleet setting (broker address, kiosk name) that cannot be used."""


class CollectorError(BackstretchError, RuntimeError):
    """The clinic collector cannot go on: the clinic database cannot be written."""


class BadMessage(BackstretchError, ValueError):
    """A message on a kiosk's sessions topic that is not one of ours; the collector logs and drops it."""


class PeopleError(BackstretchError, ValueError):
    """A person's name or target that cannot be used, or a person who is not there."""


def _more(left_out: int) -> str:
    return f" (and {left_out} more)" if left_out > 0 else ""
