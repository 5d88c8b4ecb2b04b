"""Shipped TOML files: the hardware defaults and the routine."""

from pathlib import Path

HERE = Path(__file__).parent
DEFAULT_CONFIG = HERE / "default.toml"
DEFAULT_ROUTINE = HERE / "routine.toml"
