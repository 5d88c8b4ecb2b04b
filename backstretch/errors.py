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


class ConfigError(BackstretchError, ValueError):
    """One or more configuration or routine problems, each naming its key, the bad value and what is allowed."""

    def __init__(self, problems: list[str], source: str = "configuration"):
        self.problems = list(problems)
        self.source = source
        super().__init__(f"{source}: " + "; ".join(self.problems[:3]) + _more(len(self.problems) - 3))


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
