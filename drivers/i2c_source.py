"""A sample source on an I2C chip that survives a loose cable.

On any I/O error it marks itself unhealthy, waits with growing back-off (never sleeping in
the caller), then probes and re-initialises the chip when it answers again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from .chip import Chip
from .errors import SensorError
from .i2c import I2CDevice, describe_os_error, open_bus
from .probe import describe_search, probe
from .sample import Health, Sample

_log = logging.getLogger(__name__)

BACKOFF_FIRST_S = 0.25
BACKOFF_MAX_S = 4.0


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
    ):
        self._bus_spec = bus
        self._chip_cls = chip
        self._address = address
        self.rate_hz = rate_hz
        self._ranges = (accel_range_g, gyro_range_dps)
        self._clock = clock
        self._bus = None
        self.chip: Chip | None = None
        self._health = Health()
        self._retry_at = 0.0
        self._backoff = BACKOFF_FIRST_S
        self._last_t = float("-inf")

    def open(self) -> None:
        """Open the bus (a missing bus raises: it is a setup problem) and try the chip once."""
        self._bus = open_bus(self._bus_spec) if isinstance(self._bus_spec, int) else self._bus_spec
        self._connect(self._clock())

    def close(self) -> None:
        if self._bus is not None and isinstance(self._bus_spec, int):
            self._bus.close()
        self._bus = None
        self._health.connected = False

    def health(self) -> Health:
        return self._health

    @property
    def poll_hz(self) -> float:
        """Until a chip answers, poll as fast as the slowest (FIFO-less) chip would need."""
        return self.chip.poll_hz if self.chip else 2.0 * self.rate_hz

    @property
    def has_gyro(self) -> bool:
        return self.chip.has_gyro if self.chip else (self._chip_cls is None or self._chip_cls.has_gyro)

    def _connect(self, now: float) -> bool:
        try:
            chip = self._find_chip()
            chip.configure()
        except (OSError, SensorError) as exc:
            self._fail(now, exc)
            return False
        self.chip = chip
        self.rate_hz = chip.rate_hz
        was = self._health.last_error
        self._health.connected = True
        self._health.last_error = None
        self._health.model = chip.model
        self._health.detail = f"{chip.model} at 0x{chip.device.address:02X}, {chip.rate_hz:g} Hz"
        self._backoff = BACKOFF_FIRST_S
        _log.info("sensor ready: %s%s", self._health.detail, " (recovered)" if was else "")
        return True

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
        chip = hit.chip(I2CDevice(self._bus, hit.address), self.rate_hz, *self._ranges)
        chip.identify()
        return chip

    def _fail(self, now: float, exc: Exception) -> None:
        message = describe_os_error(exc) if isinstance(exc, OSError) and not isinstance(exc, SensorError) else str(exc)
        if self._health.connected or self._health.last_error != message:
            _log.warning("sensor lost: %s", message)
        self._health.connected = False
        self._health.last_error = message
        self._retry_at = now + self._backoff
        self._backoff = min(self._backoff * 2, BACKOFF_MAX_S)

    def read(self) -> list[Sample]:
        """What the chip has buffered; [] at once while disconnected and waiting to retry."""
        if self._bus is None:
            return []
        now = self._clock()
        if not self._health.connected and (now < self._retry_at or not self._connect(now)):
            return []
        try:
            fetched = self.chip.fetch()
        except OSError as exc:
            self._fail(now, exc)
            return []
        if fetched.dropped:
            self._health.dropped += fetched.dropped
            _log.warning("%s (%d dropped so far)", fetched.note, self._health.dropped)
        return self._stamp(fetched.rows, now)

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
