"""Register-level fake I2C bus and chips: the real drivers run against these unchanged.

Each fake models only what a real chip does with the registers our drivers touch: identity,
sleep after power-up, configuration, output registers, FIFO count and data, overflow flags,
and a power cycle back to those power-up values. Faults are injected at the bus, as they show
up on a real one: OSError errno 121 (remote I/O) for a loose wire, at random or for a stretch,
and a bus that reads all zeros or all ones with no error at all. A `Ticker` makes a chip
convert at its rate on a clock, so the tests and `backstretch bench faults` can count exactly
which samples the chip made. Shipped in the package (not under tests/) for that benchmark.
"""

from __future__ import annotations

import ctypes
import errno
import math
import random
import struct
from collections import deque
from collections.abc import Callable

from smbus2 import i2c_msg

from backstretch.drivers import adxl345, lsm6ds, mpu6050


class FakeChip:
    def __init__(self) -> None:
        self.regs = bytearray(256)
        self.writes: list[tuple[int, int]] = []

    def power_cycle(self) -> None:
        """Power lost and back: every register at its power-up value, buffers empty."""
        self.__init__()  # type: ignore[misc]

    def push_raw(self, accel: tuple[int, int, int], gyro: tuple[int, int, int]) -> None:
        """A new conversion with raw counts (ignored while the chip is not measuring)."""
        raise NotImplementedError

    def read_reg(self, reg: int) -> int:
        return self.regs[reg]

    def write_reg(self, reg: int, value: int) -> None:
        self.writes.append((reg, value))
        self.regs[reg] = value

    def read_block(self, reg: int, length: int) -> list[int]:
        return [self.read_reg(reg + i) for i in range(length)]


class FakeMpu(FakeChip):
    """MPU-6050 family: asleep at power-up, FIFO of accel+gyro packets with overflow flag."""

    def __init__(self, who_am_i: int = 0x68, fifo_capacity: int = 1024):
        super().__init__()
        self.who_am_i = who_am_i
        self.regs[mpu6050.WHO_AM_I] = who_am_i
        self.regs[mpu6050.PWR_MGMT_1] = 0x40  # SLEEP set at power-up
        self.fifo: deque[int] = deque()
        self.fifo_capacity = fifo_capacity
        self.overflowed = False

    def power_cycle(self) -> None:
        self.__init__(self.who_am_i, self.fifo_capacity)  # type: ignore[misc]

    def push_raw(self, accel, gyro):
        self.push(*accel, *gyro)

    @property
    def asleep(self) -> bool:
        return bool(self.regs[mpu6050.PWR_MGMT_1] & 0x40)

    def push(self, ax, ay, az, gx, gy, gz, temp=0):
        """A new conversion with raw counts; ignored while asleep, as the chip does."""
        if self.asleep:
            return
        self.regs[mpu6050.ACCEL_XOUT_H : mpu6050.ACCEL_XOUT_H + 14] = struct.pack(">7h", ax, ay, az, temp, gx, gy, gz)
        fifo_on = self.regs[mpu6050.USER_CTRL] & mpu6050.USER_FIFO_EN
        if fifo_on and self.regs[mpu6050.FIFO_EN] == mpu6050.FIFO_EN_ACCEL_GYRO:
            for byte in struct.pack(">6h", ax, ay, az, gx, gy, gz):
                if len(self.fifo) >= self.fifo_capacity:
                    self.fifo.popleft()  # the oldest byte is overwritten
                    self.overflowed = True
                self.fifo.append(byte)

    def write_reg(self, reg, value):
        if reg == mpu6050.USER_CTRL and value & mpu6050.USER_FIFO_RESET:
            self.fifo.clear()
            value &= ~mpu6050.USER_FIFO_RESET
        super().write_reg(reg, value)

    def read_reg(self, reg):
        if reg == mpu6050.INT_STATUS:
            status = 0x10 if self.overflowed else 0
            self.overflowed = False  # cleared on read
            return status
        if reg == mpu6050.FIFO_COUNT_H:
            return len(self.fifo) >> 8
        if reg == mpu6050.FIFO_COUNT_H + 1:
            return len(self.fifo) & 0xFF
        if reg == mpu6050.FIFO_R_W:
            return self.fifo.popleft() if self.fifo else 0xFF
        if self.asleep and mpu6050.ACCEL_XOUT_H <= reg < mpu6050.ACCEL_XOUT_H + 14:
            return 0
        return super().read_reg(reg)

    def read_block(self, reg, length):
        if reg == mpu6050.FIFO_R_W:  # the FIFO port does not advance the address
            return [self.read_reg(reg) for _ in range(length)]
        return super().read_block(reg, length)


class FakeLsm6ds(FakeChip):
    """LSM6DS: data-ready flag in STATUS_REG, little-endian gyro then accel output registers."""

    def __init__(self, who_am_i: int = 0x6C):
        super().__init__()
        self.who_am_i = who_am_i
        self.regs[lsm6ds.WHO_AM_I] = who_am_i
        self.regs[lsm6ds.CTRL3_C] = 0x04  # IF_INC is on after reset

    def power_cycle(self) -> None:
        self.__init__(self.who_am_i)  # type: ignore[misc]

    def push_raw(self, accel, gyro):
        self.push(*accel, *gyro)

    def push(self, ax, ay, az, gx, gy, gz):
        if self.regs[lsm6ds.CTRL1_XL] >> 4 == 0:
            return  # accelerometer powered down until an ODR is set
        self.regs[lsm6ds.OUTX_L_G : lsm6ds.OUTX_L_G + 12] = struct.pack("<6h", gx, gy, gz, ax, ay, az)
        self.regs[lsm6ds.STATUS_REG] = 0x07

    def read_block(self, reg, length):
        data = super().read_block(reg, length)
        if reg == lsm6ds.OUTX_L_G:
            self.regs[lsm6ds.STATUS_REG] = 0
        return data


class FakeAdxl345(FakeChip):
    """ADXL345: 32-entry FIFO in stream mode; reading DATAX0..DATAZ1 pops one entry."""

    def __init__(self):
        super().__init__()
        self.regs[adxl345.DEVID] = 0xE5
        self.fifo: deque[bytes] = deque()
        self.overrun = False

    def push_raw(self, accel, gyro):
        self.push(*accel)

    def push(self, x, y, z):
        if not self.regs[adxl345.POWER_CTL] & adxl345.POWER_MEASURE:
            return
        if len(self.fifo) >= 32:
            self.fifo.popleft()
            self.overrun = True
        self.fifo.append(struct.pack("<3h", x, y, z))

    def read_reg(self, reg):
        if reg == adxl345.FIFO_STATUS:
            return min(len(self.fifo), 32)
        if reg == adxl345.INT_SOURCE:
            value = 0x01 if self.overrun else 0
            self.overrun = False
            return value
        return super().read_reg(reg)

    def read_block(self, reg, length):
        if reg == adxl345.DATAX0 and length == 6:
            return list(self.fifo.popleft()) if self.fifo else [0] * 6
        return super().read_block(reg, length)


class FakeBus:
    """The subset of smbus2.SMBus our drivers use, routed to fake chips by address.

    Faults: `fail_errno` fails every transfer while set, `fail_next` the next N, `fail_rate` a
    random share of them (seeded); `reads_as` makes every read return that byte with no error
    (writes go nowhere), as a bus held low or floating high does. Tickers attached with `tick`
    let their chips convert up to the clock's time before each transfer.
    """

    def __init__(self, chips: dict[int, FakeChip] | None = None, seed: int = 1):
        self.chips = dict(chips or {})
        self.fail_errno: int | None = None  # every transfer fails while set
        self.fail_next = 0  # the next N transfers fail
        self.fail_rate = 0.0  # this share of transfers fails, at random
        self.reads_as: int | None = None  # every read returns this byte, with no error
        self.rng = random.Random(seed)
        self.tickers: list[Ticker] = []
        self.transfers = 0
        self.failures = 0
        self.closed = False

    def unplug(self):
        self.fail_errno = errno.EREMOTEIO

    def plug_in(self):
        self.fail_errno = None

    def _chip(self, addr: int) -> FakeChip:
        for ticker in self.tickers:
            ticker.catch_up()
        self.transfers += 1
        if self.fail_next or self.fail_errno is not None or (self.fail_rate and self.rng.random() < self.fail_rate):
            self.fail_next = max(0, self.fail_next - 1)
            self.failures += 1
            raise OSError(self.fail_errno or errno.EREMOTEIO, "Remote I/O error")
        if addr not in self.chips:
            raise OSError(errno.ENXIO, "No such device or address")
        return self.chips[addr]

    def read_byte_data(self, addr, reg, force=None):
        chip = self._chip(addr)
        return self.reads_as if self.reads_as is not None else chip.read_reg(reg)

    def write_byte_data(self, addr, reg, value, force=None):
        chip = self._chip(addr)
        if self.reads_as is None:
            chip.write_reg(reg, value)

    def read_i2c_block_data(self, addr, reg, length, force=None):
        if length > 32:
            raise ValueError("Desired block length over 32 bytes")  # as smbus2 does
        chip = self._chip(addr)
        return [self.reads_as] * length if self.reads_as is not None else chip.read_block(reg, length)

    def i2c_rdwr(self, *msgs: i2c_msg):
        write, read = msgs
        chip = self._chip(write.addr)
        if self.reads_as is not None:
            data = bytes([self.reads_as] * read.len)
        else:
            data = bytes(chip.read_block(next(iter(write)), read.len))
        ctypes.memmove(read.buf, data, len(data))

    def close(self):
        self.closed = True


class Ticker:
    """Makes a fake chip convert at `rate_hz` on `clock`, counting every sample it was due to make.

    `due` counts the conversions since start() whether or not the chip could make them (asleep,
    reset): it is what a person wearing the sensor should have had. Values are a gentle sway
    around 1 g on z, never the all-zero or all-ones patterns a driver must reject.
    """

    def __init__(self, chip: FakeChip, rate_hz: float, clock: Callable[[], float], lsb_per_g: int = 8192):
        self.chip = chip
        self.rate_hz = rate_hz
        self.clock = clock
        self.lsb_per_g = lsb_per_g
        self.t0: float | None = None
        self.stopped_at: float | None = None
        self.due = 0

    def start(self) -> None:
        self.t0 = self.clock()
        self.due = 0

    def stop(self) -> None:
        self.catch_up()
        self.stopped_at = self.clock()

    def catch_up(self) -> None:
        if self.t0 is None or self.stopped_at is not None:
            return
        upto = math.floor((self.clock() - self.t0) * self.rate_hz)
        while self.due < upto:
            self.due += 1
            sway = math.sin(self.due / self.rate_hz)
            accel = (int(0.1 * sway * self.lsb_per_g), 50, self.lsb_per_g)
            self.chip.push_raw(accel, (int(100 * sway), -20, 7))
