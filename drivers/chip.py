"""What every I2C chip driver provides, so one source class can run any of them."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from .errors import SensorError
from .i2c import I2CDevice


@dataclass
class Fetch:
    """Raw readings taken off the chip in one poll, oldest first, already in g and deg/s."""

    rows: list[tuple[float, ...]] = field(default_factory=list)
    dropped: int = 0
    note: str = ""


class Chip(ABC):
    """An IMU family: its identity register, its configuration and how to pull samples off it."""

    family: str  # config name, e.g. "mpu6050"
    addresses: tuple[int, ...]
    id_register: int
    identities: dict[int, str]
    has_gyro = True
    fifo = True  # buffers samples on the chip, so a few polls a second collect them all

    def __init__(self, device: I2CDevice, rate_hz: float, accel_range_g: int, gyro_range_dps: int):
        self.device = device
        self.requested_rate_hz = rate_hz
        self.rate_hz = rate_hz
        self.accel_range_g = accel_range_g
        self.gyro_range_dps = gyro_range_dps
        self.model = ""

    @classmethod
    def model_for(cls, identity: int, address: int) -> tuple[str, str]:
        """The model name for an identity value, and a note when it is not one we know."""
        if identity in cls.identities:
            return cls.identities[identity], ""
        raise SensorError(
            f"0x{address:02X} answers 0x{identity:02X} at register 0x{cls.id_register:02X}, "
            f"which is not a {cls.family} family chip: check [sensor] driver"
        )

    def identify(self) -> str:
        identity = self.device.read_u8(self.id_register)
        self.model, note = self.model_for(identity, self.device.address)
        return note

    @property
    def poll_hz(self) -> float:
        """How often the reader thread should ask: rarely for a FIFO, twice the data rate without one."""
        return 25.0 if self.fifo else 2.0 * self.rate_hz

    @abstractmethod
    def configure(self) -> None:
        """Wake the chip and set rate, filter and ranges; sets self.rate_hz to the rate it really runs at."""

    @abstractmethod
    def fetch(self) -> Fetch:
        """Read what the chip has buffered, without waiting for more."""


def nearest_choice(value: float, table: dict) -> object:
    """The table key closest to value (used where a chip offers fixed rates)."""
    return min(table, key=lambda k: abs(k - value))
