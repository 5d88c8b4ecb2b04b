"""A loose cable: errno 121 on some reads, then for seconds, then the chip answers again."""

import itertools

import pytest

from backstretch.drivers import i2c_source, mpu6050
from backstretch.drivers.i2c_source import I2CSource
from backstretch.drivers.mpu6050 import Mpu6050

from .fake_bus import FakeBus, FakeMpu


def running(clock, chip=None):
    chip = chip or FakeMpu()
    bus = FakeBus({0x68: chip})
    source = I2CSource(bus, Mpu6050, None, 100, 4, 500, clock)
    source.open()
    return bus, chip, source


def test_one_glitch_marks_unhealthy_then_recovers_after_backoff(clock, no_sleep):
    bus, chip, source = running(clock)
    bus.fail_next = 1
    assert source.read() == []
    health = source.health()
    assert not health.connected
    assert "errno 121" in health.last_error and "check its cable" in health.last_error
    clock.advance(i2c_source.BACKOFF_FIRST_S)
    chip.push(0, 0, 8192, 0, 0, 0)
    source.read()  # reconnects: re-initialises and resets the FIFO
    assert source.health().connected and source.health().last_error is None
    chip.push(0, 0, 8192, 0, 0, 0)
    assert [s.az for s in source.read()] == [1.0]


def test_unplugged_for_seconds_backs_off_without_touching_the_bus(clock, no_sleep):
    bus, _chip, source = running(clock)
    bus.unplug()
    source.read()
    attempts = []
    for _ in range(2000):  # the UI calls read() every 10 ms for 20 s
        clock.advance(0.01)
        before = bus.transfers
        assert source.read() == []
        if bus.transfers > before:
            attempts.append(clock.t)
    gaps = [round(b - a, 2) for a, b in itertools.pairwise(attempts)]
    assert gaps[:4] == [0.5, 1.0, 2.0, 4.0]
    assert set(gaps[4:]) == {4.0}
    assert not source.health().connected
    assert "check the sensor's cable" in source.health().last_error


def test_recovers_a_power_cycled_chip_that_woke_up_asleep(clock, no_sleep):
    bus, _chip, source = running(clock)
    bus.unplug()
    source.read()
    clock.advance(3.0)
    fresh = FakeMpu()  # the sensor was replugged: power-up state, asleep
    bus.chips[0x68] = fresh
    bus.plug_in()
    clock.advance(10.0)
    source.read()
    assert source.health().connected
    assert not fresh.asleep and fresh.regs[mpu6050.FIFO_EN] == 0x78
    fresh.push(8192, 0, 0, 0, 0, 0)
    assert [s.ax for s in source.read()] == [1.0]


def test_timestamps_keep_increasing_across_a_reconnect(clock):
    bus, chip, source = running(clock)
    chip.push(0, 0, 8192, 0, 0, 0)
    first = source.read()
    bus.fail_next = 1
    source.read()
    clock.advance(1.0)
    source.read()
    for _ in range(5):
        chip.push(0, 0, 8192, 0, 0, 0)
    later = source.read()
    assert later and later[0].t > first[-1].t


def test_missing_chip_at_start_is_retried_not_raised(clock, no_sleep):
    bus = FakeBus({})
    source = I2CSource(bus, None, None, 100, 4, 500, clock)
    source.open()
    assert not source.health().connected
    assert "no mpu6050, lsm6ds, adxl345 sensor answers" in source.health().last_error
    bus.chips[0x68] = FakeMpu()
    clock.advance(1.0)
    source.read()
    assert source.health().connected and source.health().model == "MPU-6050"


def test_wrong_chip_for_the_configured_driver_is_named(clock):
    from .fake_bus import FakeLsm6ds

    bus = FakeBus({0x68: FakeLsm6ds()})  # an identity register that reads 0 at 0x75
    bus.chips[0x68].regs[0x75] = 0x00
    source = I2CSource(bus, Mpu6050, 0x68, 100, 4, 500, clock)
    source.open()
    assert source.health().last_error == "0x68 answers WHO_AM_I=0x00: no MPU chip there"


def test_missing_bus_is_a_clear_setup_error():
    from backstretch.drivers.errors import SensorError

    source = I2CSource(97, Mpu6050)
    with pytest.raises(SensorError, match=r"no I2C bus /dev/i2c-97: enable I2C .*raspi-config.*dtparam=i2c_arm=on"):
        source.open()
