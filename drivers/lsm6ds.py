"""LSM6DS family (LSM6DS3, DS33, DS3TR-C, DSM, DSO, DSOX, DSR, ISM330DHCX).

Register addresses and sensitivities from the ST datasheets; CTRL1_XL, CTRL2_G, CTRL3_C,
STATUS_REG and the output registers sit at the same addresses across the family.
"""

from __future__ import annotations

import struct

from backstretch.errors import SensorError

from .chip import Chip, Fetch, impossible

WHO_AM_I = 0x0F
CTRL1_XL = 0x10  # ODR_XL bits 7:4, FS_XL bits 3:2
CTRL2_G = 0x11  # ODR_G bits 7:4, FS_G bits 3:2
CTRL3_C = 0x12  # BDU bit 6, IF_INC bit 2
STATUS_REG = 0x1E  # XLDA bit 0, GDA bit 1
OUTX_L_G = 0x22  # 12 bytes: gyro xyz then accel xyz, little-endian

CTRL3_BDU = 0x40  # block data update: low and high bytes come from the same sample
CTRL3_IF_INC = 0x04  # auto-increment the address on multi-byte reads
STATUS_XLDA = 0x01

ODR_CODES = {12.5: 0x1, 26.0: 0x2, 52.0: 0x3, 104.0: 0x4, 208.0: 0x5, 416.0: 0x6, 833.0: 0x7, 1660.0: 0x8}
# full scale: (register bits, sensitivity per LSB)
ACCEL_FS = {2: (0b00, 0.061e-3), 16: (0b01, 0.488e-3), 4: (0b10, 0.122e-3), 8: (0b11, 0.244e-3)}
GYRO_FS = {250: (0b00, 8.75e-3), 500: (0b01, 17.5e-3), 1000: (0b10, 35e-3), 2000: (0b11, 70e-3)}


# Read on data-ready without the FIFO (its registers differ across the family), so the rate is
# capped at what a polling thread keeps up with on a Pi: 208 Hz asked 520 times a second.
MAX_POLLED_ODR = 208.0


def odr_for(rate_hz: float) -> float:
    """The slowest output data rate at or above the requested rate, capped at what polling keeps up with."""
    for odr in sorted(ODR_CODES):
        if odr >= min(rate_hz, MAX_POLLED_ODR):
            return odr
    return MAX_POLLED_ODR


def decode_output(block: bytes, accel_range_g: int, gyro_range_dps: int) -> tuple[float, ...]:
    """12 output bytes (gyro xyz, accel xyz; signed little-endian) to g and deg/s."""
    gx, gy, gz, ax, ay, az = struct.unpack("<6h", block)
    a = ACCEL_FS[accel_range_g][1]
    g = GYRO_FS[gyro_range_dps][1]
    return (ax * a, ay * a, az * a, gx * g, gy * g, gz * g)


class Lsm6ds(Chip):
    family = "lsm6ds"
    addresses = (0x6A, 0x6B)
    id_register = WHO_AM_I
    rate_note = "read on data-ready without the FIFO, this driver keeps up to 208 Hz"
    identities = {
        0x69: "LSM6DS3/LSM6DS33",
        0x6A: "LSM6DS3TR-C/LSM6DSM",
        0x6C: "LSM6DSO/LSM6DSOX",
        0x6B: "LSM6DSR/ISM330DHCX",
    }

    def _ctrl(self) -> tuple[int, int, int]:
        odr = ODR_CODES[odr_for(self.requested_rate_hz)] << 4
        return (
            CTRL3_BDU | CTRL3_IF_INC,
            odr | (ACCEL_FS[self.accel_range_g][0] << 2),
            odr | (GYRO_FS[self.gyro_range_dps][0] << 2),
        )

    def configure(self) -> None:
        dev = self.device
        self.rate_hz = odr_for(self.requested_rate_hz)
        ctrl3, ctrl1, ctrl2 = self._ctrl()
        dev.write_u8(CTRL3_C, ctrl3)
        dev.write_u8(CTRL1_XL, ctrl1)
        dev.write_u8(CTRL2_G, ctrl2)

    def is_configured(self) -> bool:
        dev = self.device
        return (dev.read_u8(CTRL3_C), dev.read_u8(CTRL1_XL), dev.read_u8(CTRL2_G)) == self._ctrl()

    def fetch(self) -> Fetch:
        """One sample when a new one is ready; the reader polls 2.5 times per sample, and a gap is counted."""
        status = self.device.read_u8(STATUS_REG)
        if status == 0xFF:  # the top bits are always zero on a real chip
            raise SensorError(f"{self.model} at 0x{self.device.address:02X} answers 0xFF: not a valid reading")
        if not status & STATUS_XLDA:
            return Fetch()
        block = self.device.read_block(OUTX_L_G, 12)
        if impossible(block):
            return Fetch(rejected=1)
        return Fetch(rows=[decode_output(block, self.accel_range_g, self.gyro_range_dps)])
