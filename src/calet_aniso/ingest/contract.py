"""The data contracts: columns, units and allowed ranges of orbit tables and event lists.

These are the interface to real CALET data (see docs/data_contract.md). Column names
are matched case-insensitively; the normalised Parquet files written by ingest use
exactly the names below, in this order.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from calet_aniso.errors import InputError


@dataclass(frozen=True)
class Column:
    """One column of a contract table.

    Attributes
    ----------
    name : lower-case column name.
    unit : physical unit (astropy unit string); FITS TUNIT values are converted to it.
    description : what the column holds.
    required : whether the column must be present.
    low, high : inclusive range of allowed values (None for unbounded).
    """

    name: str
    unit: str
    description: str
    required: bool = True
    low: float | None = None
    high: float | None = None


ORBIT_COLUMNS: tuple[Column, ...] = (
    Column("start", "s", "interval start, in the period's time system"),
    Column("stop", "s", "interval stop, in the period's time system"),
    Column("livetime", "s", "live time within the interval", low=0.0),
    Column("ra_scz", "deg", "detector +z (boresight) right ascension, ICRS", low=0.0, high=360.0),
    Column("dec_scz", "deg", "detector +z (boresight) declination, ICRS", low=-90.0, high=90.0),
    Column("ra_scx", "deg", "detector +x right ascension, ICRS", low=0.0, high=360.0),
    Column("dec_scx", "deg", "detector +x declination, ICRS", low=-90.0, high=90.0),
    Column("lat_geo", "deg", "sub-satellite latitude", required=False, low=-90.0, high=90.0),
    Column(
        "lon_geo", "deg", "sub-satellite east longitude", required=False, low=-180.0, high=360.0
    ),
    Column("alt_km", "km", "altitude above the Earth's surface", required=False, low=0.0),
)

EVENT_COLUMNS: tuple[Column, ...] = (
    Column("time", "s", "event time, same time system as the orbit table"),
    Column("energy", "GeV", "reconstructed energy"),
    Column("theta", "deg", "arrival direction: angle from detector +z", low=0.0, high=180.0),
    Column(
        "phi",
        "deg",
        "arrival direction: azimuth from detector +x towards +y",
        low=-180.0,
        high=360.0,
    ),
    Column(
        "ra", "deg", "right ascension reconstructed upstream", required=False, low=0.0, high=360.0
    ),
    Column(
        "dec", "deg", "declination reconstructed upstream", required=False, low=-90.0, high=90.0
    ),
    Column(
        "l", "deg", "galactic longitude reconstructed upstream", required=False, low=0.0, high=360.0
    ),
    Column(
        "b", "deg", "galactic latitude reconstructed upstream", required=False, low=-90.0, high=90.0
    ),
)

#: Attitude axes must be orthogonal to this tolerance on |z . x| (about 0.06 degrees).
ORTHOGONALITY_TOLERANCE = 1.0e-3

#: Live time may exceed stop - start by this much (s) before it is an error (rounding).
LIVETIME_SLACK_S = 1.0e-6


#: The attitude columns of an orbit table: detector +z and +x, ICRS (deg).
ATTITUDE_COLUMNS = ("ra_scz", "dec_scz", "ra_scx", "dec_scx")

#: When in an orbit interval its attitude columns hold: at the interval's start (Fermi FT2)
#: or at its midpoint.
ATTITUDE_CONVENTIONS = ("start", "midpoint")


def attitude_convention(
    path: str | Path, extname: str | None, stated: object, configured: str
) -> str:
    """The attitude convention of one orbit table.

    ``configured`` is ``data.attitude_at``: 'start' or 'midpoint' for every file, or 'auto':
    what the file states (Parquet metadata ``attitude_at``, written by this pipeline), else
    'start' for a FITS table with EXTNAME SC_DATA (the FT2 definition) and 'midpoint' for
    every other file. A configured convention that contradicts the file's is an error.
    """
    if stated is not None and stated not in ATTITUDE_CONVENTIONS:
        raise InputError(path, f"attitude_at = {stated!r} is not one of {ATTITUDE_CONVENTIONS}")
    if configured == "auto":
        if stated is not None:
            return str(stated)
        return "start" if (extname or "").upper() == "SC_DATA" else "midpoint"
    if stated is not None and stated != configured:
        raise InputError(
            path,
            f"the file states attitude_at = {stated!r}, the config data.attitude_at = "
            f"{configured!r}",
        )
    return configured


def column_names(columns: tuple[Column, ...], *, required_only: bool = False) -> list[str]:
    """Names of the contract columns, in contract order."""
    return [c.name for c in columns if c.required or not required_only]
