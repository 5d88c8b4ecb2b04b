"""Register access to one chip on an smbus2 bus, and opening the bus with messages an installer can act on."""

from __future__ import annotations

import errno
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from smbus2 import SMBus, i2c_msg

from backstretch.errors import SensorError

T = TypeVar("T")

SMBUS_BLOCK_MAX = 32  # read_i2c_block_data returns at most 32 bytes per call

ENABLE_I2C_HINT = (
    "enable I2C on the Pi with `sudo raspi-config nonint do_i2c 0` "
    "(or add `dtparam=i2c_arm=on` to /boot/firmware/config.txt) and reboot"
)


def bus_path(bus: int) -> Path:
    return Path(f"/dev/i2c-{bus}")


def open_bus(bus: int) -> SMBus:
    """Open /dev/i2c-N, turning the usual failures into instructions."""
    try:
        return SMBus(bus)
    except FileNotFoundError:
        raise SensorError(f"no I2C bus {bus_path(bus)}: {ENABLE_I2C_HINT}") from None
    except PermissionError:
        raise SensorError(
            f"no permission to open {bus_path(bus)}: add the user to the i2c group "
            "(`sudo usermod -aG i2c $USER`, then log in again)"
        ) from None


def describe_os_error(exc: OSError) -> str:
    """A short reason for an I2C failure, naming the loose-wire case."""
    if exc.errno in (errno.EREMOTEIO, errno.EIO, errno.ENXIO):
        return f"{exc.strerror or 'I/O error'} (errno {exc.errno}): the sensor does not answer, check its cable"
    if exc.errno == errno.ETIMEDOUT:
        return "bus timeout: the cable may be too long for the bus speed"
    return str(exc)


class I2CDevice:
    """One chip at one address: byte and block register access on a shared bus object.

    A failed transfer is tried again at once, up to `retries` more times: a glitch on a long
    cable is one bad transfer, not a lost sensor, and a retry keeps whatever the chip buffered.
    Only when every try fails does the OSError reach the caller. `retried` counts the transfers
    a retry saved, `failed` the ones it could not.
    """

    def __init__(self, bus, address: int, retries: int = 0):
        self.bus = bus
        self.address = address
        self.retries = retries
        self.retried = 0
        self.failed = 0

    def _transfer(self, action: Callable[[], T]) -> T:
        for attempt in range(self.retries + 1):
            try:
                result = action()
            except OSError:
                if attempt == self.retries:
                    self.failed += 1
                    raise
                continue
            self.retried += attempt > 0
            return result
        raise AssertionError("unreachable")  # the loop returns or raises

    def read_u8(self, register: int) -> int:
        return self._transfer(lambda: self.bus.read_byte_data(self.address, register))

    def write_u8(self, register: int, value: int) -> None:
        self._transfer(lambda: self.bus.write_byte_data(self.address, register, value & 0xFF))

    def read_block(self, register: int, length: int) -> bytes:
        """Read `length` bytes from `register`; blocks longer than SMBus allows go through i2c_rdwr."""
        if length <= SMBUS_BLOCK_MAX:
            return self._transfer(lambda: bytes(self.bus.read_i2c_block_data(self.address, register, length)))
        return self._transfer(lambda: self._rdwr(register, length))

    def _rdwr(self, register: int, length: int) -> bytes:
        write = i2c_msg.write(self.address, [register])
        read = i2c_msg.read(self.address, length)
        self.bus.i2c_rdwr(write, read)
        return bytes(read)
