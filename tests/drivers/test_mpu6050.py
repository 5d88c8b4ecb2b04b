import struct

import pytest

from backstretch.drivers import mpu6050
from backstretch.drivers.fake_i2c import FakeBus, FakeMpu
from backstretch.drivers.i2c import I2CDevice
from backstretch.drivers.i2c_source import I2CSource
from backstretch.drivers.mpu6050 import Mpu6050, decode_burst, decode_fifo_packet, dlpf_code, rate_divider
from backstretch.drivers.probe import probe


def packet(*raw):
    return struct.pack(">6h", *raw)


def test_scaling_for_every_range():
    assert decode_fifo_packet(packet(16384, 0, 0, 131, 0, 0), 2, 250) == (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    assert decode_fifo_packet(packet(0, 8192, 0, 0, 655, 0), 4, 500)[1::3] == (1.0, 10.0)
    assert decode_fifo_packet(packet(0, 0, 4096, 0, 0, 328), 8, 1000)[2::3] == (1.0, 10.0)
    assert decode_fifo_packet(packet(2048, 0, 0, 164, 0, 0), 16, 2000)[0::3] == (1.0, 10.0)


def test_sign_handling():
    ax, ay, *_ = decode_fifo_packet(bytes([0x80, 0x00, 0xFF, 0xFF]) + bytes(8), 2, 250)
    assert ax == -2.0  # 0x8000 is the most negative count
    assert ay == pytest.approx(-1 / 16384)


def test_burst_includes_temperature_between_accel_and_gyro():
    burst = struct.pack(">7h", 0, 0, 8192, -521, 0, 0, -655)
    values, temp = decode_burst(burst, 4, 500)
    assert values == (0.0, 0.0, 1.0, 0.0, 0.0, -10.0)
    assert temp == -521


def test_rate_divider_and_filter_follow_the_rate():
    assert rate_divider(100) == 9 and dlpf_code(100) == 3  # 1 kHz / 10, 44 Hz filter
    assert rate_divider(1000) == 0 and dlpf_code(1000) == 1
    assert rate_divider(12.5) == 79 and dlpf_code(12.5) == 6


def make_source(chip, clock, **kw):
    bus = FakeBus({0x68: chip})
    source = I2CSource(bus, Mpu6050, None, 100, 4, 500, clock, **kw)
    return bus, source


def test_configure_wakes_the_chip_and_sets_registers(clock, no_sleep):
    chip = FakeMpu()
    _bus, source = make_source(chip, clock)
    source.open()
    assert source.health().connected and source.health().model == "MPU-6050"
    assert not chip.asleep
    assert chip.regs[mpu6050.SMPLRT_DIV] == 9
    assert chip.regs[mpu6050.CONFIG] == 3
    assert chip.regs[mpu6050.GYRO_CONFIG] == 0x08
    assert chip.regs[mpu6050.ACCEL_CONFIG] == 0x08
    assert chip.regs[mpu6050.FIFO_EN] == 0x78
    assert chip.regs[mpu6050.USER_CTRL] & mpu6050.USER_FIFO_EN
    assert source.rate_hz == 100


def test_asleep_after_power_up_reads_zero_until_woken(clock):
    chip = FakeMpu()
    bus, source = make_source(chip, clock)
    chip.push(8192, 0, 0, 0, 0, 0)
    unconfigured = Mpu6050(I2CDevice(bus, 0x68), 100, 4, 500)
    assert unconfigured.read_burst() == (0.0,) * 6  # the driver reads a chip that has not been woken
    source.open()
    chip.push(8192, 0, 0, 0, 0, 0)
    assert source.chip.read_burst()[0] == 1.0


def test_fifo_batches_longer_than_32_bytes_with_timestamps(clock, no_sleep):
    chip = FakeMpu()
    _bus, source = make_source(chip, clock)
    source.open()
    for i in range(30):
        chip.push(i * 10, -8192, 0, 0, 0, 655)
    samples = source.read()
    assert len(samples) == 30
    assert samples[0].ax == 0 and samples[29].ax == pytest.approx(290 / 8192)
    assert all(s.ay == -1.0 and s.gz == 10.0 for s in samples)
    assert samples[-1].t == clock.t
    assert samples[1].t - samples[0].t == pytest.approx(0.01)
    assert source.read() == []


def test_the_whole_fifo_is_read_in_one_transfer(clock):
    chip = FakeMpu(fifo_capacity=1024)
    _bus, source = make_source(chip, clock)
    source.open()
    for _ in range(80):
        chip.push(0, 0, 8192, 0, 0, 0)
    clock.advance(0.8)
    assert len(source.read()) == 80 and not chip.fifo


def test_fifo_overflow_resets_and_counts_every_lost_sample(clock):
    chip = FakeMpu(fifo_capacity=1024)
    _bus, source = make_source(chip, clock)
    source.open()
    clock.advance(1.0)
    for _ in range(100):  # 1200 bytes into a 1024-byte FIFO
        chip.push(0, 0, 8192, 0, 0, 0)
    assert source.read() == []
    assert source.health().dropped == 100  # the old driver said 85
    assert len(chip.fifo) == 0
    clock.advance(0.01)
    chip.push(0, 0, 8192, 0, 0, 0)
    assert [s.az for s in source.read()] == [1.0]
    assert source.health().dropped == 100


def test_unknown_identity_at_mpu_address_is_treated_as_compatible():
    bus = FakeBus({0x68: FakeMpu(who_am_i=0x72)})
    [found] = probe(bus)
    assert found.note == "0x68 answers WHO_AM_I=0x72: treated as MPU-6500 compatible"
    assert found.model == "MPU-6500 compatible"


@pytest.mark.parametrize(
    "who, model", [(0x70, "MPU-6500"), (0x71, "MPU-9250"), (0x98, "ICM-20689"), (0x12, "ICM-20602")]
)
def test_family_identities(who, model):
    [found] = probe(FakeBus({0x69: FakeMpu(who_am_i=who)}))
    assert (found.model, found.address, found.note) == (model, 0x69, "")


def test_a_fifo_chip_needs_only_a_few_polls_a_second(clock):
    _bus, source = make_source(FakeMpu(), clock)
    assert source.poll_hz == 5  # before a chip answers: only looking for one
    source.open()
    assert source.poll_hz == 25


@pytest.mark.parametrize("who, rate, hz", [(0x68, 1000, 4000 / 85), (0x70, 1000, 4000 / 42), (0x98, 1000, 25)])
def test_the_poll_rate_follows_the_data_rate_and_the_fifo_size(clock, who, rate, hz):
    source = I2CSource(FakeBus({0x68: FakeMpu(who_am_i=who)}), Mpu6050, None, rate, 4, 500, clock)
    source.open()
    assert source.poll_hz == pytest.approx(hz)
