import struct

import pytest

from backstretch.drivers import lsm6ds
from backstretch.drivers.fake_i2c import FakeBus, FakeLsm6ds, Ticker
from backstretch.drivers.i2c_source import I2CSource
from backstretch.drivers.lsm6ds import Lsm6ds, decode_output, odr_for
from backstretch.drivers.probe import probe


def test_decode_little_endian_gyro_then_accel():
    block = struct.pack("<6h", 0, 0, -5714, 8197, -8197, 0)
    _gx, _gy, gz = decode_output(block, 4, 500)[3:]
    ax, ay, _az = decode_output(block, 4, 500)[:3]
    assert ax == pytest.approx(1.0, abs=1e-4) and ay == pytest.approx(-1.0, abs=1e-4)
    assert gz == pytest.approx(-100.0, abs=0.01)


@pytest.mark.parametrize("g, raw", [(2, 16393), (4, 8197), (8, 4098), (16, 2049)])
def test_accel_full_scales(g, raw):
    assert decode_output(struct.pack("<6h", 0, 0, 0, raw, 0, 0), g, 250)[0] == pytest.approx(1.0, abs=1e-3)


def test_odr_rounds_up_to_a_supported_rate_capped_at_what_polling_keeps():
    assert odr_for(100) == 104 and odr_for(10) == 12.5 and odr_for(1000) == lsm6ds.MAX_POLLED_ODR == 208


def test_configure_sets_odr_scale_and_block_data_update(clock, no_sleep):
    chip = FakeLsm6ds()
    source = I2CSource(FakeBus({0x6A: chip}), Lsm6ds, None, 100, 4, 500, clock)
    source.open()
    assert source.health().model == "LSM6DSO/LSM6DSOX"
    assert chip.regs[lsm6ds.CTRL1_XL] == 0x48  # 104 Hz, +-4 g
    assert chip.regs[lsm6ds.CTRL2_G] == 0x44  # 104 Hz, 500 dps
    assert chip.regs[lsm6ds.CTRL3_C] == 0x44  # BDU and auto-increment
    assert source.rate_hz == 104


def test_reads_one_sample_per_data_ready(clock):
    chip = FakeLsm6ds()
    source = I2CSource(FakeBus({0x6B: chip}), Lsm6ds, None, 100, 2, 250, clock)
    source.open()
    assert source.read() == []
    chip.push(0, 0, 16393, 0, 1143, 0)
    [s] = source.read()
    assert s.az == pytest.approx(1.0, abs=1e-3) and s.gy == pytest.approx(10.0, abs=0.01)
    assert source.read() == []


@pytest.mark.parametrize(
    "who, model", [(0x69, "LSM6DS3/LSM6DS33"), (0x6A, "LSM6DS3TR-C/LSM6DSM"), (0x6B, "LSM6DSR/ISM330DHCX")]
)
def test_family_identities(who, model):
    [found] = probe(FakeBus({0x6A: FakeLsm6ds(who_am_i=who)}))
    assert found.model == model


def test_without_a_fifo_the_reader_polls_at_two_and_a_half_times_the_data_rate(clock):
    source = I2CSource(FakeBus({0x6A: FakeLsm6ds()}), Lsm6ds, None, 100, 4, 500, clock)
    source.open()
    assert source.poll_hz == 260


def test_asked_for_1khz_it_runs_at_208_hz_says_so_and_counts_every_missed_sample(clock, no_sleep):
    chip = FakeLsm6ds()
    bus = FakeBus({0x6A: chip})
    source = I2CSource(bus, Lsm6ds, None, 1000, 4, 500, clock)
    source.open()
    assert source.rate_hz == 208 and source.poll_hz == 520  # not 3.3 kHz of busy polling
    assert "1000 Hz asked" in source.health().detail
    ticker = Ticker(chip, 208, clock)
    bus.tickers.append(ticker)
    ticker.start()
    got = []
    for i in range(520 * 3):  # 3 s; the reader misses a few polls now and then (a busy Pi)
        clock.advance(1 / 520)
        if i % 97 not in (0, 1, 2):
            got += source.read()
    ticker.stop()
    lost = ticker.due - len(got)
    stalls = 3 * 520 // 97 + 1
    # Without a FIFO only the clock can tell a late sample from a missed one: within one per stall.
    assert lost > 0 and abs(source.health().dropped - lost) <= stalls
