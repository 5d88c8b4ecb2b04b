"""LSM6DS family (LSM6DS3, DS33, DS3TR-C, DSM, DSO, DSOX, DSR, ISM330DHCX).

Register addresses and sensitivities from the ST datasheets; CTRL1_XL, CTRL2_G, CTRL3_C,
STATUS_REG and the output registers sit at the same addresses across the family.
"""

from __future__ import annotations

import struct

from .chip import Chip, Fetch

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


def odr_for(rate_hz: float) -> float:
    """The slowest output data rate at or above the requested rate."""
    for odr in sorted(ODR_CODES):
        if odr >= rate_hz:
            return odr
    return max(ODR_CODES)


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
    fifo = False  # the FIFO registers differ across the family: data-ready polling instead
    identities = {
        0x69: "LSM6DS3/LSM6DS33",
        0x6A: "LSM6DS3TR-C/LSM6DSM",
        0x6C: "LSM6DSO/LSM6DSOX",
        0x6B: "LSM6DSR/ISM330DHCX",
    }

    def configure(self) -> None:
        dev = self.device
        odr = odr_for(self.requested_rate_hz)
        self.rate_hz = odr
        dev.write_u8(CTRL3_C, CTRL3_BDU | CTRL3_IF_INC)
        dev.write_u8(CTRL1_XL, (ODR_CODES[odr] << 4) | (ACCEL_FS[self.accel_range_g][0] << 2))
        dev.write_u8(CTRL2_G, (ODR_CODES[odr] << 4) | (GYRO_FS[self.gyro_range_dps][0] << 2))

    def fetch(self) -> Fetch:
        """One sample when a new one is ready; the reader thread polls faster than the data rate."""
        if not self.device.read_u8(STATUS_REG) & STATUS_XLDA:
            return Fetch()
        block = self.device.read_block(OUTX_L_G, 12)
        return Fetch(rows=[decode_output(block, self.accel_range_g, self.gyro_range_dps)])
