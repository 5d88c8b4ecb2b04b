"""What every I2C chip driver provides, so one source class can run any of them."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from backstretch.errors import SensorError

from .i2c import I2CDevice

MIN_POLL_HZ = 25.0  # even a slow sensor is asked this often, so the screen follows within a frame or two
FIFO_POLL_MARGIN = 4.0  # poll a FIFO chip often enough that it is never more than a quarter full
NO_FIFO_POLL_FACTOR = 2.5  # without a FIFO, ask 2.5 times per sample: a miss shows as a gap, never a blur


@dataclass
class Fetch:
    """Raw readings taken off the chip in one poll, oldest first, already in g and deg/s.

    `restarted` says the chip's buffer was emptied or overrun since the last poll, so what was in
    it is gone and only the clock can say how much; `rejected` counts readings no chip can give.
    """

    rows: list[tuple[float, ...]] = field(default_factory=list)
    restarted: bool = False
    rejected: int = 0
    note: str = ""


def impossible(raw: bytes) -> bool:
    """All zeros (a chip asleep or in reset) or all ones (nothing driving the bus): not a measurement."""
    return not raw.strip(b"\x00") or not raw.strip(b"\xff")


class Chip(ABC):
    """An IMU family: its identity register, its configuration and how to pull samples off it."""

    family: str  # config name, e.g. "mpu6050"
    addresses: tuple[int, ...]
    id_register: int
    identities: dict[int, str]
    has_gyro = True
    fifo_samples = 1  # samples the chip can hold between polls (1: no FIFO, read on data-ready)
    rate_note = "the nearest rate the chip offers"  # why the rate may differ from the one asked for

    def __init__(self, device: I2CDevice, rate_hz: float, accel_range_g: int, gyro_range_dps: int):
        self.device = device
        self.requested_rate_hz = rate_hz
        self.rate_hz = rate_hz
        self.accel_range_g = accel_range_g
        self.gyro_range_dps = gyro_range_dps
        self.model = ""
        self.identity = -1

    @classmethod
    def model_for(cls, identity: int, address: int) -> tuple[str, str]:
        """The model name for an identity value, and a note when it is not one we know."""
        if identity in cls.identities:
            return cls.identities[identity], ""
        if identity in (0x00, 0xFF):
            # No chip has these identities: a chip still powering up, or a bus held low or floating high.
            raise SensorError(
                f"0x{address:02X} answers 0x{identity:02X} at register 0x{cls.id_register:02X}, which is no chip's "
                "identity: a sensor still starting up or a bus fault"
            )
        return cls.unknown_identity(identity, address)

    @classmethod
    def unknown_identity(cls, identity: int, address: int) -> tuple[str, str]:
        raise SensorError(
            f"0x{address:02X} answers 0x{identity:02X} at register 0x{cls.id_register:02X}, "
            f"which is not a {cls.family} family chip: check [sensor] driver"
        )

    def identify(self) -> str:
        """Read the identity register and name the chip; raises SensorError when it is not one of ours."""
        identity = self.device.read_u8(self.id_register)
        self.model, note = self.model_for(identity, self.device.address)
        self.identity = identity
        return note

    def describe(self) -> str:
        return f"{self.model} at 0x{self.device.address:02X} (identity 0x{self.identity:02X})"

    @property
    def poll_hz(self) -> float:
        """How often the reader asks: often enough that the FIFO stays a quarter full at most,
        or 2.5 times the data rate for a chip read on data-ready."""
        if self.fifo_samples > 1:
            return max(MIN_POLL_HZ, FIFO_POLL_MARGIN * self.rate_hz / self.fifo_samples)
        return max(MIN_POLL_HZ, NO_FIFO_POLL_FACTOR * self.rate_hz)

    @abstractmethod
    def configure(self) -> None:
        """Wake the chip and set rate, filter and ranges; sets self.rate_hz to the rate it really runs at."""

    @abstractmethod
    def is_configured(self) -> bool:
        """Whether the chip still runs as configure() left it (a power cycle puts it back to its defaults)."""

    @abstractmethod
    def fetch(self) -> Fetch:
        """Read what the chip has buffered, without waiting for more."""


def nearest_choice(value: float, table: dict[float, int]) -> float:
    """The table key closest to value (used where a chip offers fixed rates)."""
    return min(table, key=lambda k: abs(k - value))
