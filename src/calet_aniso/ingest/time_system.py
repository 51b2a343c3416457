"""Time systems: seconds since an epoch in a time scale, via astropy.

Times in the files are seconds since an epoch, given in a scale. The epoch is a calendar
date read **in that scale** (so Fermi's mission elapsed time is ``epoch:
2001-01-01T00:01:04.184, scale: tt``, which is 2001-01-01 00:00:00 UTC). For the 'utc'
scale a day counts 86 400 s (the POSIX convention: epoch 1970-01-01 UTC gives Unix time);
for uniform scales ('tt', 'tai', 'tdb', 'gps'...) seconds are SI seconds.

Files may state their own time system: FITS headers by the OGIP/FITS keywords MJDREFI +
MJDREFF (or MJDREF), TIMESYS, TIMEUNIT and TIMEZERO (as Fermi FT1/FT2 files do); Parquet
files written by this pipeline by the metadata key ``time_system``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from astropy.time import Time

from calet_aniso.errors import InputError

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

    def describe(self) -> str:
        """'seconds since 2001-01-01T00:01:04.184 (tt)'."""
        return f"seconds since {self.epoch} ({self.scale})"

    def same_as(self, other: TimeSystem) -> bool:
        """Same scale and epochs within 1 µs."""
        if self.scale != other.scale:
            return False
        return abs((self.epoch_time - other.epoch_time).sec) < 1e-6

    def fits_keywords(self) -> dict[str, object]:
        """OGIP/FITS time keywords of this system (MJDREFI, MJDREFF, TIMESYS, TIMEUNIT,
        TIMEZERO, TIMEREF)."""
        mjd = self.epoch_time.mjd
        whole = int(np.floor(mjd))
        epoch = self.epoch_time
        frac = float((epoch - Time(whole, format="mjd", scale=self.scale)).sec / SECONDS_PER_DAY)
        return {
            "MJDREFI": (whole, "integer part of the reference MJD"),
            "MJDREFF": (frac, "fractional part of the reference MJD"),
            "TIMESYS": (self.scale.upper(), "time scale of the time columns"),
            "TIMEUNIT": ("s", "unit of the time columns"),
            "TIMEZERO": (0.0, "offset added to the time columns"),
            "TIMEREF": ("LOCAL", "reference frame of the times"),
        }


#: Time scales a FITS TIMESYS may name, as astropy scales.
FITS_TIME_SCALES = {
    "TT": "tt",
    "TAI": "tai",
    "UTC": "utc",
    "TDB": "tdb",
    "TCG": "tcg",
    "TCB": "tcb",
    "GPS": "gps",
}
#: UT1 follows the Earth's rotation: converting it needs IERS tables, which are not loaded
#: (no network on the machines this runs on; astropy would silently approximate).
UT1_REFUSED = (
    "UT1 needs IERS Earth-orientation tables, which this pipeline does not load; "
    "give times in TT, TAI or UTC"
)


def from_fits_keywords(header: Mapping[str, object]) -> tuple[TimeSystem, float, float] | None:
    """The time system a FITS header states, its TIMEZERO and TIMEUNIT (s per unit).

    None when the header has no MJDREF; ValueError for a TIMESYS or TIMEUNIT that cannot be
    used. Without TIMESYS the FITS standard's default, TT, applies.
    """
    keys = {str(k).upper(): v for k, v in header.items()}
    if "MJDREFI" in keys:
        whole, frac = float(keys["MJDREFI"]), float(keys.get("MJDREFF", 0.0))
    elif "MJDREF" in keys:
        whole, frac = float(np.floor(float(keys["MJDREF"]))), float(keys["MJDREF"]) % 1.0
    else:
        return None
    timesys = str(keys.get("TIMESYS", "TT")).strip().upper()
    if timesys == "UT1":
        raise ValueError(f"TIMESYS = 'UT1': {UT1_REFUSED}")
    if timesys not in FITS_TIME_SCALES:
        raise ValueError(f"TIMESYS = {timesys!r} is not a time scale this pipeline knows")
    scale = FITS_TIME_SCALES[timesys]
    unit = str(keys.get("TIMEUNIT", "s")).strip().lower()
    seconds_per_unit = {"s": 1.0, "d": SECONDS_PER_DAY}.get(unit)
    if seconds_per_unit is None:
        raise ValueError(f"TIMEUNIT = {unit!r}: only 's' and 'd' are supported")
    epoch = Time(whole, frac, format="mjd", scale=scale, precision=6)
    zero = float(keys.get("TIMEZERO", 0.0)) * seconds_per_unit
    return TimeSystem(epoch.isot, scale), zero, seconds_per_unit


def from_metadata(metadata: Mapping[str, object]) -> TimeSystem | None:
    """The time system a Parquet file written by this pipeline states (key ``time_system``)."""
    stated = metadata.get("time_system")
    if not isinstance(stated, Mapping):
        return None
    return TimeSystem(str(stated["epoch"]), str(stated["scale"]))


def stated_time_system(
    path: object, header: Mapping[str, object]
) -> tuple[TimeSystem | None, float]:
    """What one file states: its time system (or None) and its TIMEZERO in seconds.

    InputError naming the file for a time keyword that cannot be used.
    """
    try:
        fits = from_fits_keywords(header)
    except ValueError as exc:
        raise InputError(str(path), str(exc)) from exc
    if fits is not None:
        return fits[0], fits[1]
    return from_metadata(header), 0.0
