"""Faults a wall-mounted kiosk meets on its I2C cable, against the register-level fakes.

A glitch must cost nothing, a lasting failure must be said once, a chip that goes quiet without
an error must be caught, and every sample the chip made and nobody got must be counted.
"""

import itertools
import logging

import pytest

from backstretch.drivers import i2c_source, mpu6050
from backstretch.drivers.fake_i2c import FakeBus, FakeLsm6ds, FakeMpu, Ticker
from backstretch.drivers.i2c_source import I2CSource
from backstretch.drivers.mpu6050 import Mpu6050
from backstretch.errors import SensorError


def running(clock, chip=None, rate=100, ticking=True):
    chip = chip or FakeMpu()
    bus = FakeBus({0x68: chip})
    source = I2CSource(bus, Mpu6050, None, rate, 4, 500, clock)
    source.open()
    ticker = Ticker(chip, rate, clock)
    if ticking:
        bus.tickers.append(ticker)
        ticker.start()
    return bus, chip, source, ticker


def poll(source, clock, seconds, hz=25.0):
    """Read at `hz` for `seconds` of the fake clock; every sample and every health snapshot."""
    samples, healths = [], []
    for _ in range(round(seconds * hz)):
        clock.advance(1 / hz)
        samples += source.read()
        healths.append(source.health())
    return samples, healths


def outage(bus, source, clock, seconds):
    """The bus unplugged while the source is polled for `seconds`, then plugged in again."""
    bus.unplug()
    poll(source, clock, seconds)
    bus.plug_in()


def fifo_resets(chip):
    return sum(1 for reg, value in chip.writes if reg == mpu6050.USER_CTRL and value & mpu6050.USER_FIFO_RESET)


def test_one_failed_transfer_is_retried_and_costs_nothing(clock, no_sleep):
    bus, chip, source, ticker = running(clock)
    resets = fifo_resets(chip)
    clock.advance(0.05)
    bus.fail_next = 1
    samples = source.read()
    assert len(samples) == ticker.due >= 4
    health = source.health()
    assert health.connected and health.dropped == 0 and health.retried == 1
    assert fifo_resets(chip) == resets  # the chip and its FIFO were left alone


def test_a_failed_poll_keeps_the_fifo_and_the_sensor(clock, no_sleep):
    bus, chip, source, ticker = running(clock)
    resets = fifo_resets(chip)
    clock.advance(0.04)
    bus.fail_next = i2c_source.TRANSFER_RETRIES + 1  # every try of one transfer fails
    assert source.read() == []
    assert source.health().connected
    samples, _ = poll(source, clock, 0.2)
    assert len(samples) == ticker.due
    assert source.health().dropped == 0 and fifo_resets(chip) == resets


def test_lost_only_after_sustained_failure_and_said_once(clock, no_sleep, caplog):
    bus, _chip, source, _ = running(clock)
    bus.unplug()
    with caplog.at_level(logging.INFO, logger="backstretch.drivers.i2c_source"):
        _, healths = poll(source, clock, 3.0, hz=100)
    connected = [h.connected for h in healths]
    first_lost = connected.index(False)
    assert 0.45 <= first_lost / 100 <= 0.55  # lost_after_s, not the first failure
    assert not any(connected[first_lost:])
    assert [r.message for r in caplog.records].count(healths[-1].last_error) == 0  # later reasons: debug only
    lost_lines = [r for r in caplog.records if r.getMessage().startswith("sensor lost")]
    assert len(lost_lines) == 1 and "check its cable" in lost_lines[0].getMessage()


def test_a_lost_sensor_is_looked_for_with_backoff_without_sleeping(clock, no_sleep):
    bus, _chip, source, _ = running(clock, ticking=False)
    bus.unplug()
    poll(source, clock, i2c_source.LOST_AFTER_S + 0.01, hz=100)
    attempts = []
    for _ in range(1000):  # the reader asks every 10 ms for 10 s
        clock.advance(0.01)
        before = bus.transfers
        assert source.read() == []
        if bus.transfers > before:
            attempts.append(clock.t)
    gaps = [round(b - a, 2) for a, b in itertools.pairwise(attempts)]
    assert gaps[:3] == [0.2, 0.4, 0.8]
    assert set(gaps[3:]) == {i2c_source.BACKOFF_MAX_S}
    assert "check its cable" in source.health().last_error


def test_back_from_an_outage_with_the_fifo_kept_and_every_loss_counted(clock, no_sleep, caplog):
    bus, chip, source, ticker = running(clock)
    got, _ = poll(source, clock, 1.0)
    resets = fifo_resets(chip)
    outage(bus, source, clock, 0.6)
    with caplog.at_level(logging.INFO, logger="backstretch.drivers.i2c_source"):
        more, healths = poll(source, clock, 1.0)
    assert healths[-1].connected
    assert fifo_resets(chip) == resets  # settings survived: the FIFO was read, not thrown away
    assert len(got) + len(more) == ticker.due and healths[-1].dropped == 0
    assert any("settings kept: nothing re-initialised" in r.getMessage() for r in caplog.records)


def test_a_long_outage_overflows_the_fifo_and_the_loss_is_counted_exactly(clock, no_sleep):
    bus, _chip, source, ticker = running(clock)
    got, _ = poll(source, clock, 1.0)
    outage(bus, source, clock, 5.0)
    more, healths = poll(source, clock, 2.0)
    ticker.stop()
    lost = ticker.due - len(got) - len(more)
    assert lost > 400 and healths[-1].connected
    assert abs(healths[-1].dropped - lost) <= 1


def test_a_stalled_reader_overflow_counts_every_lost_sample(clock, no_sleep):
    _bus, _chip, source, ticker = running(clock)
    got, _ = poll(source, clock, 0.5)
    clock.advance(3.0)  # the reader stalled: 300 samples into an 85-sample FIFO
    more, healths = poll(source, clock, 0.5)
    lost = ticker.due - len(got) - len(more)
    assert lost > 200 and abs(healths[-1].dropped - lost) <= 1  # the old driver said 85


def test_a_silently_power_cycled_chip_is_caught_within_a_second_and_set_up_again(clock, no_sleep, caplog):
    _bus, chip, source, ticker = running(clock)
    got, _ = poll(source, clock, 1.0)
    chip.power_cycle()  # back to sleep, FIFO off: no bus error, just no data
    with caplog.at_level(logging.INFO, logger="backstretch.drivers.i2c_source"):
        more, healths = poll(source, clock, 2.0)
    lost_at = next(i for i, h in enumerate(healths) if not h.connected)
    assert (lost_at + 1) / 25 <= 1.0
    assert "stopped measuring" in healths[lost_at].last_error
    assert healths[-1].connected and not chip.asleep
    assert abs(healths[-1].dropped - (ticker.due - len(got) - len(more))) <= 1
    messages = [r.getMessage() for r in caplog.records]
    assert sum(m.startswith("sensor lost") for m in messages) == 1
    assert any("had lost its settings: set up again" in m for m in messages)


@pytest.mark.parametrize("byte", [0x00, 0xFF])
def test_a_bus_reading_all_zeros_or_all_ones_is_lost_once_then_back(clock, no_sleep, caplog, byte):
    bus, _chip, source, ticker = running(clock)
    got, _ = poll(source, clock, 1.0)
    bus.reads_as = byte
    with caplog.at_level(logging.INFO, logger="backstretch.drivers.i2c_source"):
        _, during = poll(source, clock, 2.0)
        bus.reads_as = None
        more, after = poll(source, clock, 2.0)
    assert not during[-1].connected and after[-1].connected
    assert next(i for i, h in enumerate(during) if not h.connected) / 25 <= 1.0
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) <= 2  # "lost" and one overflow line, not 25 a second
    assert abs(after[-1].dropped - (ticker.due - len(got) - len(more))) <= 1
    assert "check its cable" not in (during[-1].last_error or "")


def test_who_am_i_reading_zero_after_a_glitch_is_retried_not_final(clock, no_sleep):
    bus, chip, source, _ = running(clock)
    outage(bus, source, clock, 0.7)
    chip.regs[mpu6050.WHO_AM_I] = 0x00  # a chip still coming up
    _, healths = poll(source, clock, 0.5)
    assert not healths[-1].connected
    assert "0x00" in healths[-1].last_error and "starting up" in healths[-1].last_error
    chip.regs[mpu6050.WHO_AM_I] = 0x68
    _, healths = poll(source, clock, 1.5)
    assert healths[-1].connected and healths[-1].model == "MPU-6050"


def test_impossible_samples_are_rejected_and_counted(clock, no_sleep):
    _bus, chip, source, _ = running(clock, ticking=False)
    chip.push(0, 0, 8192, 0, 0, 0)
    chip.push(0, 0, 0, 0, 0, 0)  # all zeros
    chip.push(-1, -1, -1, -1, -1, -1)  # all ones
    chip.push(0, 0, 8192, 0, 0, 0)
    clock.advance(0.04)
    samples = source.read()
    assert [s.az for s in samples] == [1.0, 1.0]
    health = source.health()
    assert (health.rejected, health.dropped, health.connected) == (2, 2, True)


def test_timestamps_keep_increasing_across_a_reconnect(clock):
    bus, _chip, source, _ = running(clock)
    first, _ = poll(source, clock, 0.2)
    outage(bus, source, clock, 1.0)
    later, _ = poll(source, clock, 1.0)
    assert later and later[0].t > first[-1].t
    assert all(b.t > a.t for a, b in itertools.pairwise(first + later))


def test_missing_chip_at_start_is_retried_not_raised(clock, no_sleep):
    bus = FakeBus({})
    source = I2CSource(bus, None, None, 100, 4, 500, clock)
    source.open()
    assert not source.health().connected
    assert "no mpu6050, lsm6ds, adxl345 sensor answers" in source.health().last_error
    chip = FakeMpu()
    bus.chips[0x68] = chip
    ticker = Ticker(chip, 100, clock)
    bus.tickers.append(ticker)
    ticker.start()
    _, healths = poll(source, clock, 1.0)
    assert healths[-1].connected and healths[-1].model == "MPU-6050"


def test_wrong_chip_for_the_configured_driver_is_named(clock):
    bus = FakeBus({0x68: FakeLsm6ds()})
    bus.chips[0x68].regs[0x75] = 0x00
    source = I2CSource(bus, Mpu6050, 0x68, 100, 4, 500, clock)
    source.open()
    assert source.health().last_error == (
        "0x68 answers 0x00 at register 0x75, which is no chip's identity: a sensor still starting up or a bus fault"
    )


def test_missing_bus_is_a_clear_setup_error():
    source = I2CSource(97, Mpu6050)
    with pytest.raises(SensorError, match=r"no I2C bus /dev/i2c-97: enable I2C .*raspi-config.*dtparam=i2c_arm=on"):
        source.open()


def test_at_1khz_the_poll_rate_follows_the_fifo_and_nothing_overflows(clock, no_sleep):
    _bus, _chip, source, ticker = running(clock, rate=1000)
    assert source.rate_hz == 1000
    hz = source.poll_hz
    assert 40 <= hz <= 60  # a quarter of the MPU-6050's 85-sample FIFO at 1 kHz
    samples, healths = poll(source, clock, 5.0, hz=hz)
    ticker.stop()
    assert healths[-1].dropped == 0
    assert ticker.due - len(samples) <= 25  # at most what is still in the FIFO


def family(name, clock, rate=100):
    """Any of the three chip families on a fake bus, converting at `rate` on the clock."""
    from backstretch.drivers.adxl345 import Adxl345
    from backstretch.drivers.fake_i2c import FakeAdxl345
    from backstretch.drivers.lsm6ds import Lsm6ds

    fake, driver, address, lsb_per_g = {
        "mpu6050": (FakeMpu, Mpu6050, 0x68, 8192),
        "lsm6ds": (FakeLsm6ds, Lsm6ds, 0x6A, 8192),
        "adxl345": (FakeAdxl345, Adxl345, 0x53, 256),
    }[name]
    chip = fake()
    bus = FakeBus({address: chip})
    source = I2CSource(bus, driver, None, rate, 4, 500, clock)
    source.open()
    ticker = Ticker(chip, source.rate_hz, clock, lsb_per_g)
    bus.tickers.append(ticker)
    ticker.start()
    return bus, chip, source, ticker


def reader(source, clock, seconds):
    """Poll as the reader thread does (at the source's own poll rate) on the fake clock."""
    samples, healths = [], []
    end = clock.t + seconds
    while clock.t < end:
        clock.advance(1 / source.poll_hz)
        samples += source.read()
        healths.append((clock.t, source.health()))
    return samples, healths


@pytest.mark.parametrize("name", ["mpu6050", "lsm6ds", "adxl345"])
def test_every_family_power_cycled_silently_is_caught_within_a_second_and_every_loss_counted(
    clock, no_sleep, caplog, name
):
    _bus, chip, source, ticker = family(name, clock)
    got, _ = reader(source, clock, 1.0)
    chip.power_cycle()  # registers back to power-up values, no bus error: the chip simply stops measuring
    cycled = clock.t
    with caplog.at_level(logging.WARNING, logger="backstretch.drivers.i2c_source"):
        more, healths = reader(source, clock, 3.0)
    lost_at = next(t for t, h in healths if not h.connected)
    assert lost_at - cycled <= 1.0
    assert healths[-1][1].connected
    assert abs(healths[-1][1].dropped - (ticker.due - len(got) - len(more))) <= 2
    assert sum(r.getMessage().startswith("sensor lost") for r in caplog.records) == 1


@pytest.mark.parametrize("name", ["mpu6050", "lsm6ds", "adxl345"])
def test_every_family_rides_through_one_percent_failed_transfers(clock, no_sleep, name):
    bus, _chip, source, ticker = family(name, clock)
    bus.fail_rate = 0.01
    got, healths = reader(source, clock, 20.0)
    assert all(h.connected for _, h in healths)
    lost = ticker.due - len(got)
    assert lost <= 0.01 * ticker.due
    assert abs(healths[-1][1].dropped - lost) <= 2
