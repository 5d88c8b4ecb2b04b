"""A sample source on an I2C chip that rides through glitches and says honestly what it lost.

Three layers of patience, from the smallest fault up:
- a failed transfer is tried again at once (I2CDevice): one glitch costs nothing;
- a poll that still fails leaves the chip and its FIFO alone: the next poll picks up what the
  FIFO kept, and the sensor is declared lost only when polls keep failing for `lost_after_s`;
- a chip that answers but sends nothing (power-cycled back to sleep, all zeros, all 0xFF) is
  caught by a data-age watchdog after `stale_after_s`, derived from the rate.
Once lost, it re-probes the identity with back-off (never sleeping in the caller), keeps the
chip's settings and FIFO when they survived, re-initialises it when they did not, and is back
when valid samples flow again. Every sample the chip made and the caller never got is counted
in `dropped`: by the FIFO when it can say, by the clock when the FIFO was emptied or overrun.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable

from backstretch.errors import SensorError

from .chip import Chip, Fetch
from .i2c import I2CDevice, describe_os_error, open_bus
from .probe import describe_search, probe
from .sample import Health, Sample

_log = logging.getLogger(__name__)

TRANSFER_RETRIES = 2  # a failed transfer is tried this many more times before the poll counts as failed
LOST_AFTER_S = 0.5  # polls failing for this long mean the sensor is lost (sensor.lost_after_s)
STALE_PERIODS = 5  # no valid sample for this many sample periods...
STALE_MIN_S = 0.3  # ...and at least this long: the chip answers but has stopped measuring
BACKOFF_FIRST_S = 0.2
BACKOFF_MAX_S = 1.0  # a lost sensor is looked for at least once a second: a probe is one short transfer

READY, LOST, PROBATION = "ready", "lost", "probation"  # PROBATION: set up again, not yet sending


class I2CSource:
    """Samples from a chip family (or any known one when `chip` is None) on an I2C bus."""

    def __init__(
        self,
        bus: int | object = 1,
        chip: type[Chip] | None = None,
        address: int | None = None,
        rate_hz: float = 100.0,
        accel_range_g: int = 4,
        gyro_range_dps: int = 500,
        clock: Callable[[], float] = time.monotonic,
        lost_after_s: float = LOST_AFTER_S,
    ):
        self._bus_spec = bus
        self._chip_cls = chip
        self._address = address
        self.rate_hz = rate_hz
        self._ranges = (accel_range_g, gyro_range_dps)
        self._clock = clock
        self.lost_after_s = lost_after_s
        self._bus: object | None = None
        self.chip: Chip | None = None
        self._state = LOST
        self._last_error: str | None = None
        self._detail = ""
        self._dropped = 0
        self._rejected = 0
        self._retry_at = 0.0
        self._backoff = BACKOFF_FIRST_S
        self._failing_since: float | None = None
        self._lost_at = 0.0
        self._probation_since = 0.0
        self._mark = math.nan  # the newest moment up to which every sample is delivered or counted lost
        self._last_valid = 0.0  # when the last valid sample arrived, for the data-age watchdog
        self._force_setup = False  # a chip that kept its settings but still sent nothing gets set up again
        self._reconnect_note = ""
        self._last_t = -math.inf  # the newest timestamp handed out, so time never runs backwards

    # -- the SampleSource interface --------------------------------------------------------
    def open(self) -> None:
        """Open the bus (a missing bus raises: it is a setup problem) and try the chip once."""
        self._bus = open_bus(self._bus_spec) if isinstance(self._bus_spec, int) else self._bus_spec
        now = self._clock()
        try:
            self._set_up(now, self._find_chip())
        except (OSError, SensorError) as exc:
            self._lose(now, exc)
            return
        self._state = READY
        _log.info("sensor ready: %s", self._detail)

    def close(self) -> None:
        if self._bus is not None and isinstance(self._bus_spec, int):
            self._bus.close()  # type: ignore[attr-defined]
        self._bus = None
        self._state = LOST

    def health(self) -> Health:
        device = self.chip.device if self.chip else None
        return Health(
            connected=self._state == READY,
            last_error=self._last_error,
            dropped=self._dropped,
            model=self.chip.model if self.chip else "",
            detail=self._detail,
            rejected=self._rejected,
            retried=device.retried if device else 0,
        )

    def read(self) -> list[Sample]:
        """What the chip has buffered; [] at once while lost and waiting to look again."""
        if self._bus is None:
            return []
        now = self._clock()
        if self._state == LOST and (now < self._retry_at or not self._reconnect(now)):
            return []
        assert self.chip is not None
        try:
            fetched = self.chip.fetch()
        except (OSError, SensorError) as exc:
            self._failed_poll(now, exc)
            return []
        self._failing_since = None
        samples = self._deliver(fetched, now)
        if samples and self._state == PROBATION:
            self._back(now)
        elif not samples:
            self._watch_age(now)
        return samples

    # -- properties the reader thread and the doctor use -----------------------------------
    @property
    def poll_hz(self) -> float:
        """How often to ask; until a chip answers, the reader only needs to look for one now and then."""
        return self.chip.poll_hz if self.chip else 1.0 / BACKOFF_FIRST_S

    @property
    def has_gyro(self) -> bool:
        return self.chip.has_gyro if self.chip else (self._chip_cls is None or self._chip_cls.has_gyro)

    @property
    def stale_after_s(self) -> float:
        return max(STALE_MIN_S, STALE_PERIODS / self.rate_hz)

    # -- finding and setting up the chip ---------------------------------------------------
    def _find_chip(self) -> Chip:
        families = [self._chip_cls] if self._chip_cls else None
        found = probe(self._bus, families, self._address)
        if not found:
            if self._chip_cls and self._address is not None:
                # Read the identity so a wrong chip at the configured address gets a precise message.
                self._chip_cls.model_for(
                    I2CDevice(self._bus, self._address).read_u8(self._chip_cls.id_register), self._address
                )
            raise SensorError(describe_search(families, self._address))
        hit = found[0]
        if hit.note:
            _log.warning("%s", hit.note)
        chip = hit.chip(I2CDevice(self._bus, hit.address, TRANSFER_RETRIES), self.rate_hz, *self._ranges)
        chip.identify()
        return chip

    def _set_up(self, now: float, chip: Chip) -> None:
        """Configure the chip; its FIFO starts empty, so whatever was not delivered before is lost."""
        chip.configure()
        self.chip = chip
        self.rate_hz = chip.rate_hz
        self._restart_accounting(now, 0)
        self._last_valid = now
        asked = chip.requested_rate_hz
        why = f" ({asked:g} Hz asked: {chip.rate_note})" if abs(chip.rate_hz - asked) > 1 else ""
        self._detail = f"{chip.model} at 0x{chip.device.address:02X}, {chip.rate_hz:g} Hz{why}"

    def _reconnect(self, now: float) -> bool:
        """Look at the chip again: same identity and settings kept means its FIFO is still good."""
        try:
            if self.chip is None:
                self._set_up(now, self._find_chip())
                how = "found"
            else:
                how = self._recheck(now, self.chip)
        except (OSError, SensorError) as exc:
            self._still_lost(now, exc)
            return False
        self._state = PROBATION
        self._probation_since = now
        self._reconnect_note = how
        return True

    def _recheck(self, now: float, chip: Chip) -> str:
        was = chip.model
        chip.identify()
        if chip.model != was:
            self._set_up(now, chip)
            return f"{chip.describe()} answers now (was {was}): set up afresh"
        if not self._force_setup and chip.is_configured():
            return f"{chip.describe()} answers with its settings kept: nothing re-initialised"
        self._set_up(now, chip)
        return f"{chip.describe()} answers, had lost its settings: set up again"

    # -- faults ----------------------------------------------------------------------------
    def _failed_poll(self, now: float, exc: Exception) -> None:
        """A poll failed even after retries; only a failure that lasts makes the sensor lost."""
        if self._state != READY:
            self._still_lost(now, exc)
            self._state = LOST
            return
        if self._failing_since is None:
            self._failing_since = now
        if now - self._failing_since >= self.lost_after_s:
            self._lose(now, exc, f" (for {now - self._failing_since:.1f} s)")

    def _watch_age(self, now: float) -> None:
        """No valid sample in this poll: too long without one means the chip has gone quiet."""
        since = self._probation_since if self._state == PROBATION else self._last_valid
        if now - since < self.stale_after_s:
            return
        chip = self.chip
        what = chip.describe() if chip else "the sensor"
        exc = SensorError(f"no data for {now - since:.1f} s from {what}: it answers but has stopped measuring")
        if self._state == READY:
            self._lose(now, exc)
        else:
            self._still_lost(now, exc)
            self._state = LOST
        self._force_setup = True
        self._retry_at = now  # look again at once: re-initialising is the cure

    def _lose(self, now: float, exc: Exception, how_long: str = "") -> None:
        """The one place a sensor becomes lost: logged once per outage."""
        self._state = LOST
        self._lost_at = now
        self._failing_since = None
        self._last_error = _message(exc)
        self._backoff = BACKOFF_FIRST_S
        self._retry_at = now + self._backoff
        _log.warning("sensor lost%s: %s", how_long, self._last_error)

    def _still_lost(self, now: float, exc: Exception) -> None:
        message = _message(exc)
        if message != self._last_error:
            _log.debug("sensor still lost: %s", message)
        self._last_error = message
        self._retry_at = now + self._backoff
        self._backoff = min(self._backoff * 2, BACKOFF_MAX_S)

    def _back(self, now: float) -> None:
        self._state = READY
        self._last_error = None
        self._force_setup = False
        self._backoff = BACKOFF_FIRST_S
        _log.info("sensor back after %.1f s: %s", now - self._lost_at, self._reconnect_note)

    # -- samples and the loss ledger -------------------------------------------------------
    def _deliver(self, fetched: Fetch, now: float) -> list[Sample]:
        rows = [row for row in fetched.rows if self._plausible(row)]
        rejected = fetched.rejected + len(fetched.rows) - len(rows)
        if rejected:
            self._rejected += rejected
            self._dropped += rejected
        assert self.chip is not None
        arrived = len(rows) + rejected
        if fetched.restarted or (arrived and self.chip.fifo_samples == 1):
            # The FIFO was emptied or overrun (or there is none): the clock says how many never came.
            lost = self._restart_accounting(now, arrived)
            if lost and fetched.note:
                _log.warning("%s: %d samples lost (%d so far)", fetched.note, lost, self._dropped)
        elif arrived:
            self._mark = now
        if rows or fetched.restarted:  # an overrun FIFO is a chip that measures
            self._last_valid = now
        return self._stamp(rows, now)

    def _restart_accounting(self, now: float, arrived: int) -> int:
        """Count as lost every sample the clock says was due since the mark and did not arrive."""
        if math.isnan(self._mark):
            self._mark = now
            return 0
        lost = max(0, round((now - self._mark) * self.rate_hz) - arrived)
        self._dropped += lost
        self._mark = now
        return lost

    def _plausible(self, row: tuple[float, ...]) -> bool:
        """Each axis is clipped to the range, so a magnitude beyond it (or not a number) is a bad decode."""
        magnitude = math.sqrt(row[0] ** 2 + row[1] ** 2 + row[2] ** 2)
        return math.isfinite(magnitude) and magnitude <= 2 * self._ranges[0]

    def _stamp(self, rows: list[tuple[float, ...]], now: float) -> list[Sample]:
        """Timestamps for a batch read at `now`: the newest is now, the rest one period apart."""
        period = 1.0 / self.rate_hz
        n = len(rows)
        samples = []
        for i, row in enumerate(rows):
            t = max(now - (n - 1 - i) * period, self._last_t + 1e-6)
            self._last_t = t
            samples.append(Sample(t, *row))
        return samples


def _message(exc: Exception) -> str:
    if isinstance(exc, OSError) and not isinstance(exc, SensorError):
        return describe_os_error(exc)
    return str(exc)
