"""`auto`: find which IMU answers on the bus, by address and identity register."""

from __future__ import annotations

from dataclasses import dataclass

from backstretch.errors import SensorError

from .adxl345 import Adxl345
from .chip import Chip
from .i2c import I2CDevice
from .lsm6ds import Lsm6ds
from .mpu6050 import Mpu6050

FAMILIES: dict[str, type[Chip]] = {c.family: c for c in (Mpu6050, Lsm6ds, Adxl345)}


@dataclass
class Found:
    chip: type[Chip]
    address: int
    identity: int
    model: str
    note: str = ""

    def describe(self) -> str:
        text = f"{self.model} at 0x{self.address:02X} (identity 0x{self.identity:02X})"
        return f"{text}; {self.note}" if self.note else text


def probe(bus, families: list[type[Chip]] | None = None, address: int | None = None) -> list[Found]:
    """Every known chip that answers, in the order we prefer them."""
    found = []
    for chip in families or list(FAMILIES.values()):
        for addr in (address,) if address is not None else chip.addresses:
            try:
                identity = I2CDevice(bus, addr).read_u8(chip.id_register)
            except OSError:
                continue  # nothing at this address
            try:
                model, note = chip.model_for(identity, addr)
            except SensorError:
                continue
            found.append(Found(chip, addr, identity, model, note))
    return found


def describe_search(families: list[type[Chip]] | None, address: int | None) -> str:
    chips = families or list(FAMILIES.values())
    places = sorted({a for c in chips for a in ((address,) if address is not None else c.addresses)})
    names = ", ".join(c.family for c in chips)
    return f"no {names} sensor answers at {', '.join(f'0x{a:02X}' for a in places)}: check the sensor's cable"
