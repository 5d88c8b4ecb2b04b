"""The project's error family.

It lives in the lowest layer so that drivers, kiosk and ui can all raise and catch it.
Like gpiozero's errors, each also inherits the matching built-in, so callers may catch either.
"""


class BackstretchError(Exception):
    """Anything the user should see as one clear message instead of a traceback."""


class SensorError(BackstretchError, OSError):
    """A sensor is missing, unidentified or not answering."""


class RecordingError(BackstretchError, ValueError):
    """A recording file is malformed; the message names the file and line."""


class ConfigError(BackstretchError, ValueError):
    """One or more configuration problems, each naming its key, the bad value and what is allowed."""

    def __init__(self, problems: list[str], source: str = "configuration"):
        self.problems = list(problems)
        self.source = source
        super().__init__(f"{source}: " + "; ".join(self.problems))
