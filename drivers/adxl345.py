"""ADXL345 accelerometer (no gyro), from the Analog Devices datasheet register map."""

from __future__ import annotations

import struct

from backstretch.errors import SensorError

from .chip import Chip, Fetch, impossible, nearest_choice

DEVID = 0x00  # reads 0xE5
BW_RATE = 0x2C  # rate code bits 3:0
POWER_CTL = 0x2D  # Measure bit 3
INT_SOURCE = 0x30  # Overrun bit 0
DATA_FORMAT = 0x31  # FULL_RES bit 3, range bits 1:0
DATAX0 = 0x32  # 6 bytes, little-endian; reading all six pops one FIFO entry
FIFO_CTL = 0x38  # FIFO_MODE bits 7:6
FIFO_STATUS = 0x39  # entries in bits 5:0

POWER_MEASURE = 0x08
FORMAT_FULL_RES = 0x08
FIFO_STREAM = 0x80
INT_OVERRUN = 0x01
ENTRIES_MASK = 0x3F

RATE_CODES = {12.5: 0x7, 25.0: 0x8, 50.0: 0x9, 100.0: 0xA, 200.0: 0xB, 400.0: 0xC, 800.0: 0xD, 1600.0: 0xE}
RANGE_BITS = {2: 0b00, 4: 0b01, 8: 0b10, 16: 0b11}
G_PER_LSB = 1 / 256  # full resolution keeps 3.9 mg/LSB in every range


def decode_xyz(block: bytes) -> tuple[float, float, float]:
    x, y, z = struct.unpack("<3h", block)
    return (x * G_PER_LSB, y * G_PER_LSB, z * G_PER_LSB)


class Adxl345(Chip):
    family = "adxl345"
    addresses = (0x53, 0x1D)
    id_register = DEVID
    identities = {0xE5: "ADXL345"}
    has_gyro = False
    fifo_samples = 32

    def _settings(self) -> tuple[int, int, int, int]:
        rate = nearest_choice(self.requested_rate_hz, RATE_CODES)
        return (RATE_CODES[rate], FORMAT_FULL_RES | RANGE_BITS[self.accel_range_g], FIFO_STREAM, POWER_MEASURE)

    def configure(self) -> None:
        dev = self.device
        self.rate_hz = nearest_choice(self.requested_rate_hz, RATE_CODES)
        bw_rate, data_format, fifo_ctl, power = self._settings()
        dev.write_u8(POWER_CTL, 0)  # standby while configuring
        dev.write_u8(BW_RATE, bw_rate)
        dev.write_u8(DATA_FORMAT, data_format)
        dev.write_u8(FIFO_CTL, fifo_ctl)
        dev.write_u8(POWER_CTL, power)

    def is_configured(self) -> bool:
        dev = self.device
        registers = (BW_RATE, DATA_FORMAT, FIFO_CTL, POWER_CTL)
        return tuple(dev.read_u8(r) for r in registers) == self._settings()

    def fetch(self) -> Fetch:
        dev = self.device
        overrun = dev.read_u8(INT_SOURCE) & INT_OVERRUN
        status = dev.read_u8(FIFO_STATUS)
        if status == 0xFF:  # bits 6 and 7 are never both set with 63 entries: a bus reading all ones
            raise SensorError(f"ADXL345 at 0x{dev.address:02X} answers 0xFF: not a valid reading")
        entries = status & ENTRIES_MASK
        blocks = [dev.read_block(DATAX0, 6) for _ in range(entries)]
        rows: list[tuple[float, ...]] = [decode_xyz(b) for b in blocks if not impossible(b)]
        return Fetch(
            rows=rows, rejected=len(blocks) - len(rows), restarted=bool(overrun), note="FIFO overrun" if overrun else ""
        )
