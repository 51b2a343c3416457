"""Reading and writing raw contract tables (Parquet, FITS binary table, CSV).

Raw files are only ever opened for reading. The simulated observation writes its raw files
with :func:`write_contract_table`, so simulated files are exactly what real files look like.
"""

from __future__ import annotations

from pathlib import Path

import astropy.units as u
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from astropy.io import fits

from calet_aniso.errors import InputError
from calet_aniso.ingest.contract import Column
from calet_aniso.io.files import atomic_output, write_parquet

FORMATS_BY_SUFFIX = {
    ".parquet": "parquet",
    ".pq": "parquet",
    ".fits": "fits",
    ".fit": "fits",
    ".fits.gz": "fits",
    ".csv": "csv",
    ".csv.gz": "csv",
}

#: EXTNAME of the binary table written for each contract (Fermi FT2/FT1 conventions).
FITS_EXTNAMES = {"orbit": "SC_DATA", "events": "EVENTS"}


def detect_format(path: str | Path) -> str:
    """File format ('parquet', 'fits' or 'csv') from the file name; InputError if unknown."""
    name = Path(path).name.lower()
    for suffix in sorted(FORMATS_BY_SUFFIX, key=len, reverse=True):
        if name.endswith(suffix):
            return FORMATS_BY_SUFFIX[suffix]
    known = ", ".join(sorted(FORMATS_BY_SUFFIX))
    raise InputError(path, f"unknown file type (expected one of {known})")


def _read_parquet(path: Path) -> tuple[dict[str, np.ndarray], dict[str, str | None]]:
    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise InputError(path, f"truncated or corrupt Parquet file ({exc})") from exc
    columns = {
        name: table.column(name).to_numpy(zero_copy_only=False) for name in table.column_names
    }
    return columns, dict.fromkeys(columns)


def _read_fits(path: Path) -> tuple[dict[str, np.ndarray], dict[str, str | None]]:
    try:
        with fits.open(path, mode="readonly", memmap=False) as hdul:
            tables = [h for h in hdul if isinstance(h, fits.BinTableHDU)]
            if not tables:
                raise InputError(path, "no binary table extension in FITS file")
            preferred = [h for h in tables if h.name in FITS_EXTNAMES.values()]
            hdu = (preferred or tables)[0]
            data = hdu.data
            columns: dict[str, np.ndarray] = {}
            units: dict[str, str | None] = {}
            if data is not None:
                for col in hdu.columns:
                    values = np.asarray(data[col.name])
                    if values.ndim != 1:
                        raise InputError(
                            path, "vector-valued column is not allowed", column=col.name
                        )
                    columns[col.name] = values.astype(values.dtype.newbyteorder("="))
                    units[col.name] = col.unit
    except InputError:
        raise
    except (OSError, ValueError, TypeError, IndexError, KeyError) as exc:
        raise InputError(path, f"truncated or corrupt FITS file ({exc})") from exc
    return columns, units


def _read_csv(path: Path) -> tuple[dict[str, np.ndarray], dict[str, str | None]]:
    try:
        frame = pd.read_csv(path, comment="#", skipinitialspace=True)
    except pd.errors.EmptyDataError as exc:
        raise InputError(path, "empty file (no header, no rows)") from exc
    except (pd.errors.ParserError, UnicodeDecodeError, OSError) as exc:
        raise InputError(path, f"truncated or corrupt CSV file ({exc})") from exc
    columns = {str(name).strip(): frame[name].to_numpy() for name in frame.columns}
    return columns, dict.fromkeys(columns)


_READERS = {"parquet": _read_parquet, "fits": _read_fits, "csv": _read_csv}


def _as_float(path: Path, name: str, values: np.ndarray) -> np.ndarray:
    """Column values as float64; InputError naming the first non-numeric row."""
    if values.dtype.kind in "iuf":
        return values.astype(np.float64)
    if values.dtype.kind == "b":
        raise InputError(path, "wrong type: boolean column where a number is expected", column=name)
    as_series = pd.Series(values, dtype=object)
    numeric = pd.to_numeric(as_series, errors="coerce")
    bad = numeric.isna().to_numpy() & as_series.notna().to_numpy()
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise InputError(
            path,
            "wrong type: not a number",
            column=name,
            count=int(bad.sum()),
            first_row=first,
            value=values[first],
        )
    return numeric.to_numpy(dtype=np.float64)


def _unit_factor(path: Path, column: Column, unit: str | None) -> float:
    """Factor converting a column stored in ``unit`` to the contract unit."""
    if unit is None or not unit.strip():
        return 1.0
    try:
        return float(u.Unit(unit.strip()).to(column.unit))
    except (ValueError, u.UnitConversionError) as exc:
        raise InputError(
            path,
            f"unit '{unit}' cannot be converted to the contract unit '{column.unit}'",
            column=column.name,
        ) from exc


def read_contract_table(path: str | Path, contract: tuple[Column, ...]) -> pd.DataFrame:
    """Read one raw table and return its contract columns as float64, names lower-case.

    Parameters
    ----------
    path : Parquet, FITS (binary table) or CSV file.
    contract : the contract columns (``ORBIT_COLUMNS`` or ``EVENT_COLUMNS``).

    Returns
    -------
    DataFrame with the contract columns present in the file, in contract order, in
    contract units (FITS TUNIT values are converted). Other columns are dropped.

    Raises
    ------
    InputError for an unknown type, unreadable or empty file, duplicate or missing
    column, or a non-numeric value.
    """
    path = Path(path)
    fmt = detect_format(path)
    if not path.is_file():
        raise InputError(path, "file does not exist")
    if path.stat().st_size == 0:
        raise InputError(path, "empty file (0 bytes)")
    raw, units = _READERS[fmt](path)
    by_lower: dict[str, str] = {}
    for name in raw:
        key = name.lower()
        if key in by_lower:
            raise InputError(
                path, f"duplicate column (as '{by_lower[key]}' and '{name}')", column=key
            )
        by_lower[key] = name
    missing = [c.name for c in contract if c.required and c.name not in by_lower]
    if missing:
        present = ", ".join(sorted(by_lower)) or "none"
        raise InputError(
            path, f"missing required column (columns present: {present})", column=missing[0]
        )
    n_rows = len(next(iter(raw.values()))) if raw else 0
    if n_rows == 0:
        raise InputError(path, "empty file: the table has no rows")
    out = {}
    for column in contract:
        if column.name not in by_lower:
            continue
        original = by_lower[column.name]
        values = _as_float(path, column.name, raw[original])
        out[column.name] = values * _unit_factor(path, column, units[original])
    return pd.DataFrame(out)


def write_contract_table(
    frame: pd.DataFrame, path: str | Path, contract: tuple[Column, ...], kind: str
) -> None:
    """Write a raw contract table (orbit or events) in the format its name says.

    ``kind`` is 'orbit' or 'events' (sets the FITS EXTNAME, SC_DATA or EVENTS).
    Used by the simulated observation, so simulated files are exactly what real
    files look like.
    """
    fmt = detect_format(path)
    units = {c.name: c.unit for c in contract}
    if fmt == "parquet":  # write_parquet is atomic itself
        write_parquet(frame, path, {"contract": kind, "units": units})
        return
    with atomic_output(path) as tmp:
        if fmt == "fits":
            cols = [
                fits.Column(
                    name=name.upper(),
                    format="D",
                    unit=units.get(name),
                    array=frame[name].to_numpy(),
                )
                for name in frame.columns
            ]
            hdu = fits.BinTableHDU.from_columns(cols, name=FITS_EXTNAMES[kind])
            fits.HDUList([fits.PrimaryHDU(), hdu]).writeto(tmp)
        else:
            frame.to_csv(tmp, index=False, float_format="%.17g")
