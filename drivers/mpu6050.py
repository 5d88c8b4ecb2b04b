"""MPU-6050 family (MPU-6050/6500/9250/9255/6515, ICM-20689/20602 and GY-521 clones).

Register addresses and scales from the InvenSense MPU-6000/6050 Register Map (RM-MPU-6000A)
and the MPU-6500 Register Map; the registers used here are common to the whole family.
"""

from __future__ import annotations

import struct

from backstretch.errors import SensorError

from .chip import Chip, Fetch, impossible

SMPLRT_DIV = 0x19  # sample rate = gyro output rate / (1 + SMPLRT_DIV)
CONFIG = 0x1A  # DLPF_CFG in bits 2:0
GYRO_CONFIG = 0x1B  # FS_SEL in bits 4:3
ACCEL_CONFIG = 0x1C  # AFS_SEL in bits 4:3
FIFO_EN = 0x23  # which outputs go into the FIFO
INT_ENABLE = 0x38
INT_STATUS = 0x3A  # cleared on read; bit 4 = FIFO overflow
ACCEL_XOUT_H = 0x3B  # 14-byte burst: accel xyz, temperature, gyro xyz, big-endian
USER_CTRL = 0x6A
PWR_MGMT_1 = 0x6B  # powers up as 0x40: SLEEP set, outputs read zero until woken
FIFO_COUNT_H = 0x72  # 16-bit byte count, high byte first
FIFO_R_W = 0x74  # reading pops the FIFO; the address does not advance
WHO_AM_I = 0x75

PWR_SLEEP = 0x40
PWR_CLK_PLL_XGYRO = 0x01
FIFO_EN_ACCEL_GYRO = 0x78  # XG, YG, ZG and ACCEL: 12 bytes per sample
USER_FIFO_EN = 0x40
USER_FIFO_RESET = 0x04
INT_FIFO_OFLOW = 0x10

FIFO_PACKET = 12
# FIFO size in bytes by identity (datasheets); an unknown clone gets the smallest of the family.
FIFO_BYTES = {0x68: 1024, 0x70: 512, 0x71: 512, 0x73: 512, 0x74: 512, 0x98: 4096, 0x12: 1008}
FIFO_BYTES_UNKNOWN = 512
FIFO_COUNT_MAX = 4096  # no chip of the family counts more: a larger count is a bad read, not data

ACCEL_LSB_PER_G = {2: 16384.0, 4: 8192.0, 8: 4096.0, 16: 2048.0}
GYRO_LSB_PER_DPS = {250: 131.0, 500: 65.5, 1000: 32.8, 2000: 16.4}
RANGE_BITS = {2: 0, 4: 1, 8: 2, 16: 3, 250: 0, 500: 1, 1000: 2, 2000: 3}

# DLPF_CFG: (accel bandwidth Hz, code); with the DLPF on, the gyro output rate is 1 kHz.
DLPF = [(184, 1), (94, 2), (44, 3), (21, 4), (10, 5), (5, 6)]
GYRO_OUTPUT_HZ = 1000.0


def dlpf_code(rate_hz: float) -> int:
    """The widest low-pass filter that stays below the Nyquist frequency of the sample rate."""
    for bandwidth, code in DLPF:
        if bandwidth <= rate_hz / 2:
            return code
    return DLPF[-1][1]


def rate_divider(rate_hz: float) -> int:
    return max(0, min(255, round(GYRO_OUTPUT_HZ / rate_hz) - 1))


def decode_fifo_packet(packet: bytes, accel_range_g: int, gyro_range_dps: int) -> tuple[float, ...]:
    """12 FIFO bytes (accel xyz, gyro xyz; signed big-endian) to g and deg/s."""
    ax, ay, az, gx, gy, gz = struct.unpack(">6h", packet)
    a = ACCEL_LSB_PER_G[accel_range_g]
    g = GYRO_LSB_PER_DPS[gyro_range_dps]
    return (ax / a, ay / a, az / a, gx / g, gy / g, gz / g)


def decode_burst(burst: bytes, accel_range_g: int, gyro_range_dps: int) -> tuple[tuple[float, ...], int]:
    """The 14-byte burst from ACCEL_XOUT_H to (accel g, gyro dps) and the raw temperature count."""
    ax, ay, az, temp, gx, gy, gz = struct.unpack(">7h", burst)
    return decode_fifo_packet(struct.pack(">6h", ax, ay, az, gx, gy, gz), accel_range_g, gyro_range_dps), temp


class Mpu6050(Chip):
    family = "mpu6050"
    addresses = (0x68, 0x69)
    id_register = WHO_AM_I
    fifo_samples = FIFO_BYTES_UNKNOWN // FIFO_PACKET  # until the identity says which chip it is
    _overflowed = False  # an overflow flag read but not yet acted on (INT_STATUS clears on read)
    identities = {
        0x68: "MPU-6050",
        0x70: "MPU-6500",
        0x71: "MPU-9250",
        0x73: "MPU-9255",
        0x74: "MPU-6515",
        0x98: "ICM-20689",
        0x12: "ICM-20602",
    }

    @classmethod
    def unknown_identity(cls, identity: int, address: int) -> tuple[str, str]:
        return "MPU-6500 compatible", (
            f"0x{address:02X} answers WHO_AM_I=0x{identity:02X}: treated as MPU-6500 compatible"
        )

    def identify(self) -> str:
        note = super().identify()
        self.fifo_samples = FIFO_BYTES.get(self.identity, FIFO_BYTES_UNKNOWN) // FIFO_PACKET
        return note

    def configure(self) -> None:
        dev = self.device
        dev.write_u8(PWR_MGMT_1, PWR_CLK_PLL_XGYRO)  # clears SLEEP
        if dev.read_u8(PWR_MGMT_1) & PWR_SLEEP:
            raise SensorError(f"{self.model} at 0x{dev.address:02X} stays asleep after wake-up")
        divider = rate_divider(self.requested_rate_hz)
        self.rate_hz = GYRO_OUTPUT_HZ / (1 + divider)
        dev.write_u8(SMPLRT_DIV, divider)
        dev.write_u8(CONFIG, dlpf_code(self.rate_hz))
        dev.write_u8(GYRO_CONFIG, RANGE_BITS[self.gyro_range_dps] << 3)
        dev.write_u8(ACCEL_CONFIG, RANGE_BITS[self.accel_range_g] << 3)
        dev.write_u8(INT_ENABLE, INT_FIFO_OFLOW)
        dev.write_u8(FIFO_EN, FIFO_EN_ACCEL_GYRO)
        self.reset_fifo()

    def is_configured(self) -> bool:
        dev = self.device
        awake = not dev.read_u8(PWR_MGMT_1) & PWR_SLEEP
        return (
            awake
            and dev.read_u8(FIFO_EN) == FIFO_EN_ACCEL_GYRO
            and bool(dev.read_u8(USER_CTRL) & USER_FIFO_EN)
            and dev.read_u8(SMPLRT_DIV) == rate_divider(self.requested_rate_hz)
        )

    def reset_fifo(self) -> None:
        self._overflowed = True  # until the reset is done, the FIFO's contents cannot be trusted
        self.device.write_u8(USER_CTRL, USER_FIFO_RESET)
        self.device.write_u8(USER_CTRL, USER_FIFO_EN)
        self.device.read_u8(INT_STATUS)  # clear a stale overflow flag
        self._overflowed = False

    def read_burst(self) -> tuple[float, ...]:
        """One instantaneous reading from the output registers (used by the self-test)."""
        values, _temp = decode_burst(self.device.read_block(ACCEL_XOUT_H, 14), self.accel_range_g, self.gyro_range_dps)
        return values

    def fetch(self) -> Fetch:
        """Everything the FIFO holds, in one transfer; an overflow empties it and says so."""
        dev = self.device
        before = self._overflowed
        self._overflowed |= bool(dev.read_u8(INT_STATUS) & INT_FIFO_OFLOW)
        count_bytes = dev.read_block(FIFO_COUNT_H, 2)
        count = (count_bytes[0] << 8) | count_bytes[1]
        if count > FIFO_COUNT_MAX:
            self._overflowed = before  # the status byte came from the same bad read
            raise SensorError(
                f"{self.model} at 0x{dev.address:02X} reports {count} bytes in its FIFO: not a valid reading"
            )
        if self._overflowed or count % FIFO_PACKET:
            # Overwritten samples leave the FIFO misaligned: start clean; the clock tells how much was lost.
            note = "FIFO overflow" if self._overflowed else "FIFO out of step"
            self.reset_fifo()
            return Fetch(restarted=True, note=note)
        if count == 0:
            return Fetch()
        data = dev.read_block(FIFO_R_W, count)
        packets = [data[i : i + FIFO_PACKET] for i in range(0, count, FIFO_PACKET)]
        rows = [decode_fifo_packet(p, self.accel_range_g, self.gyro_range_dps) for p in packets if not impossible(p)]
        return Fetch(rows=rows, rejected=len(packets) - len(rows))
