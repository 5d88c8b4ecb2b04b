import pytest

from backstretch.drivers import adxl345
from backstretch.drivers.adxl345 import Adxl345
from backstretch.drivers.fake_i2c import FakeAdxl345, FakeBus
from backstretch.drivers.i2c_source import I2CSource
from backstretch.drivers.probe import probe


def start(clock, g=4):
    chip = FakeAdxl345()
    source = I2CSource(FakeBus({0x53: chip}), Adxl345, None, 100, g, 500, clock)
    source.open()
    return chip, source


def test_configure_full_resolution_stream_fifo_then_measure(clock, no_sleep):
    chip, source = start(clock)
    assert chip.regs[adxl345.BW_RATE] == 0x0A
    assert chip.regs[adxl345.DATA_FORMAT] == 0x09
    assert chip.regs[adxl345.FIFO_CTL] == 0x80
    assert chip.writes[-1] == (adxl345.POWER_CTL, adxl345.POWER_MEASURE)
    assert not source.has_gyro


def test_fifo_entries_decode_to_g_without_gyro(clock):
    chip, source = start(clock, g=16)
    for i in range(10):
        chip.push(256, -256, 128 * i)
    samples = source.read()
    assert len(samples) == 10
    assert (samples[0].ax, samples[0].ay, samples[9].az) == (1.0, -1.0, 4.5)
    assert samples[0].gx is None and not samples[0].has_gyro


def test_overrun_counts_every_lost_sample_by_the_clock(clock):
    chip, source = start(clock)
    clock.advance(0.4)  # 40 samples at 100 Hz into a 32-entry FIFO
    for _ in range(40):
        chip.push(0, 0, 256)
    assert len(source.read()) == 32
    assert source.health().dropped == 8  # the old driver said 1


def test_probe_finds_it_at_the_alternate_address():
    [found] = probe(FakeBus({0x1D: FakeAdxl345()}))
    assert (found.model, found.address) == ("ADXL345", 0x1D)


def test_probe_ignores_a_chip_with_a_foreign_identity():
    chip = FakeAdxl345()
    chip.regs[adxl345.DEVID] = 0x00
    assert probe(FakeBus({0x53: chip})) == []


@pytest.mark.parametrize("rate, code", [(10, 0x7), (25, 0x8), (100, 0xA), (1000, 0xD)])
def test_rate_codes(clock, rate, code):
    chip = FakeAdxl345()
    I2CSource(FakeBus({0x53: chip}), Adxl345, None, rate, 4, 500, clock).open()
    assert chip.regs[adxl345.BW_RATE] == code
