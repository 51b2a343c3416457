"""Progress of long rule steps in their logs: fraction done, rate and time left, at most every
``interval_s`` seconds (and once at the end), so that a run on a loaded machine is not silent."""

from __future__ import annotations

import logging
import time


class Progress:
    """Counts ``total`` items of ``unit`` done by ``advance``; logs to ``logger``."""

    def __init__(
        self,
        logger: logging.Logger,
        label: str,
        total: int,
        unit: str,
        interval_s: float = 10.0,
        clock=time.monotonic,
    ):
        self.logger, self.label, self.total, self.unit = logger, label, total, unit
        self.interval_s, self.clock = interval_s, clock
        self.done = 0
        self.start = self.last = clock()

    def advance(self, items: int) -> None:
        """Record ``items`` more done; log when ``interval_s`` has passed or all are done."""
        self.done += items
        now = self.clock()
        if self.done >= self.total or now - self.last >= self.interval_s:
            self.last = now
            elapsed = max(now - self.start, 1e-9)
            rate = self.done / elapsed
            left = (self.total - self.done) / rate if rate > 0 else float("inf")
            self.logger.info(
                "%s: %d/%d %s (%.0f %%) in %.1f s, %.3g %s/s, about %.0f s left",
                self.label,
                self.done,
                self.total,
                self.unit,
                100.0 * self.done / max(self.total, 1),
                elapsed,
                rate,
                self.unit,
                left,
            )
