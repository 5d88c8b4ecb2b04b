import os

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


class FakeClock:
    """A clock tests move by hand, so nothing waits on wall time."""

    def __init__(self, t: float = 100.0):
        self.t = t

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def no_sleep(monkeypatch):
    """Fail the test if driver code ever sleeps in the caller's thread."""
    import time

    def forbidden(_seconds):
        raise AssertionError("driver slept in the caller")

    monkeypatch.setattr(time, "sleep", forbidden)


@pytest.fixture
def data_dir():
    from pathlib import Path

    return Path(__file__).parent / "data"
