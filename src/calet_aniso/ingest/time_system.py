"""Time systems: seconds since a configured epoch in a configured scale, via astropy.

A data period states its time system as an epoch and a scale (config ``time_system``).
Times in the files are seconds since that epoch. For the 'utc' scale a day counts
86 400 s (the POSIX convention: the default epoch 1970-01-01 UTC gives Unix time);
for uniform scales ('tt', 'tai', 'tdb', 'gps'...) seconds are SI seconds, so a
Fermi-like mission elapsed time is ``epoch: 2001-01-01T00:01:04.184, scale: tt``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from astropy.time import Time

SECONDS_PER_DAY = 86_400.0


@dataclass(frozen=True)
class TimeSystem:
    """Seconds since ``epoch`` (ISO string) in astropy time scale ``scale``."""

    epoch: str
    scale: str

    @property
    def epoch_time(self) -> Time:
        """The epoch as an astropy Time."""
        return Time(self.epoch, scale=self.scale, precision=6)

    def to_time(self, seconds: np.ndarray | float) -> Time:
        """Convert seconds since the epoch to astropy Time (in the system's scale)."""
        epoch = self.epoch_time
        seconds = np.asarray(seconds, dtype=np.float64)
        days, frac = np.divmod(seconds, SECONDS_PER_DAY)
        return Time(
            epoch.jd1 + days, epoch.jd2 + frac / SECONDS_PER_DAY, format="jd", scale=self.scale
        )

    def to_seconds(self, time: Time | str) -> np.ndarray | float:
        """Convert astropy Time (or an ISO string, read as UTC) to seconds since the epoch."""
        time = Time(time, scale="utc") if isinstance(time, str) else time
        time = getattr(time, self.scale)
        epoch = self.epoch_time
        seconds = ((time.jd1 - epoch.jd1) + (time.jd2 - epoch.jd2)) * SECONDS_PER_DAY
        return float(seconds) if np.ndim(seconds) == 0 else np.asarray(seconds)

    def to_iso_utc(self, seconds: np.ndarray | float) -> str | np.ndarray:
        """Seconds since the epoch as ISO-8601 UTC strings (for reports)."""
        out = self.to_time(seconds).utc
        out.precision = 3
        return out.isot

    @classmethod
    def from_config(cls, cfg: dict) -> TimeSystem:
        """Build from the config mapping ``{'epoch': ..., 'scale': ...}``."""
        return cls(epoch=str(cfg["epoch"]), scale=str(cfg["scale"]))
