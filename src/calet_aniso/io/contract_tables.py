"""Reading and writing raw contract tables (Parquet, FITS binary table, CSV).

Raw files are only ever opened for reading. The simulated observation writes its raw files
with :func:`write_contract_table`, so simulated files are exactly what real files look like.
"""

from __future__ import annotations

import gzip
import io
import zlib
from dataclasses import dataclass
from pathlib import Path

import astropy.units as u
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from astropy.io import fits

from calet_aniso.errors import InputError
from calet_aniso.ingest.contract import Column
from calet_aniso.io.files import atomic_output, read_parquet_metadata, write_parquet

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


@dataclass(frozen=True)
class _Read:
    """What a format reader returns: scalar columns with their units, vector-column names,
    the row count, the header (FITS keywords or Parquet metadata), EXTNAME and GTIs."""

    columns: dict[str, np.ndarray]
    units: dict[str, str | None]
    vectors: tuple[str, ...]
    n_rows: int
    header: dict[str, object]
    extname: str | None
    gti: np.ndarray | None


def _read_parquet(path: Path, required: tuple[str, ...]) -> _Read:
    try:
        table = pq.read_table(path)
        metadata = read_parquet_metadata(path)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise InputError(path, f"truncated or corrupt Parquet file ({exc})") from exc
    columns, vectors = {}, []
    for name in table.column_names:
        if pa.types.is_nested(table.schema.field(name).type):
            vectors.append(name)  # list / struct columns: never read
            continue
        columns[name] = table.column(name).to_numpy(zero_copy_only=False)
    return _Read(
        columns, dict.fromkeys(columns), tuple(vectors), table.num_rows, metadata, None, None
    )


def _gti(hdul: fits.HDUList) -> np.ndarray | None:
    """(n, 2) good time intervals of a GTI extension (START, STOP), None without one."""
    if "GTI" not in hdul:
        return None
    data = hdul["GTI"].data
    if data is None:
        return np.zeros((0, 2))
    return np.stack([np.asarray(data["START"], float), np.asarray(data["STOP"], float)], axis=1)


def _has_columns(hdu: fits.BinTableHDU, required: tuple[str, ...]) -> bool:
    return {name.lower() for name in required} <= {c.name.lower() for c in hdu.columns}


def _read_fits(path: Path, required: tuple[str, ...]) -> _Read:
    try:
        with fits.open(path, mode="readonly", memmap=False) as hdul:
            tables = [h for h in hdul if isinstance(h, fits.BinTableHDU) and h.name != "GTI"]
            if not tables:
                raise InputError(path, "no binary table extension in FITS file")
            # The table holding this contract's columns (a file may hold EVENTS and SC_DATA
            # in any order), else a known extension name, else the first table.
            complete = [h for h in tables if _has_columns(h, required)]
            preferred = [h for h in tables if h.name in FITS_EXTNAMES.values()]
            hdu = (complete or preferred or tables)[0]
            header = {**dict(hdul[0].header), **dict(hdu.header)}
            data = hdu.data
            columns: dict[str, np.ndarray] = {}
            units: dict[str, str | None] = {}
            vectors = []
            for col in hdu.columns if data is not None else []:
                values = np.asarray(data[col.name])
                if values.ndim != 1:
                    vectors.append(col.name)  # SC_POSITION, CALIB_VERSION...: never read
                    continue
                columns[col.name] = values.astype(values.dtype.newbyteorder("="))
                units[col.name] = col.unit
            n_rows = 0 if data is None else len(data)
            extname = hdu.name
            gti = _gti(hdul)
    except InputError:
        raise
    except (OSError, ValueError, TypeError, IndexError, KeyError) as exc:
        raise InputError(path, f"truncated or corrupt FITS file ({exc})") from exc
    return _Read(columns, units, tuple(vectors), n_rows, header, extname, gti)


def _read_csv(path: Path, required: tuple[str, ...]) -> _Read:
    try:
        # The header as written (pandas would rename a repeated name 'x' to 'x.1').
        header = pd.read_csv(path, comment="#", header=None, nrows=1, dtype=str)
        frame = pd.read_csv(path, comment="#", skipinitialspace=True)
    except pd.errors.EmptyDataError as exc:
        raise InputError(path, "empty file (no header, no rows)") from exc
    except (pd.errors.ParserError, UnicodeDecodeError, OSError, EOFError, zlib.error) as exc:
        raise InputError(path, f"truncated or corrupt CSV file ({exc})") from exc
    names = [str(name).strip() for name in header.iloc[0]]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise InputError(path, "column name repeated in the header", column=repeated[0])
    columns = {str(name).strip(): frame[name].to_numpy() for name in frame.columns}
    return _Read(columns, dict.fromkeys(columns), (), len(frame), {}, None, None)


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


@dataclass(frozen=True)
class RawTable:
    """One raw table as read.

    Attributes
    ----------
    path : the file.
    frame : its contract columns present, float64, in contract units (FITS TUNIT converted;
        time columns without TUNIT in the header's TIMEUNIT), names lower-case, contract order.
    header : what the file says about itself: FITS keywords (primary header overlaid by the
        table's) or Parquet key-value metadata; empty for CSV.
    extname : EXTNAME of the FITS table read (SC_DATA, EVENTS, ...), else None.
    gti : (n, 2) START, STOP of a FITS GTI extension (the file's time system), else None.
    """

    path: Path
    frame: pd.DataFrame
    header: dict[str, object]
    extname: str | None
    gti: np.ndarray | None


def read_raw_table(path: str | Path, contract: tuple[Column, ...]) -> RawTable:
    """Read one raw table: its contract columns and its self-description.

    Every other column is ignored, vector-valued or not (FT2's SC_POSITION, FT1's
    CALIB_VERSION, ...). Raises InputError for an unknown type, an unreadable or empty file,
    a duplicate, missing or vector-valued contract column, or a non-numeric value.
    """
    path = Path(path)
    fmt = detect_format(path)
    if not path.is_file():
        raise InputError(path, "file does not exist")
    if path.stat().st_size == 0:
        raise InputError(path, "empty file (0 bytes)")
    read = _READERS[fmt](path, tuple(c.name for c in contract if c.required))
    by_lower: dict[str, str] = {}
    for name in (*read.columns, *read.vectors):
        key = name.lower()
        if key in by_lower:
            raise InputError(
                path, f"duplicate column (as '{by_lower[key]}' and '{name}')", column=key
            )
        by_lower[key] = name
    names = {c.name for c in contract}
    for vector in read.vectors:
        if vector.lower() in names:
            raise InputError(
                path, "vector-valued column where one number per row is expected", column=vector
            )
    missing = [c.name for c in contract if c.required and c.name not in by_lower]
    if missing:
        present = ", ".join(sorted(by_lower)) or "none"
        raise InputError(
            path, f"missing required column (columns present: {present})", column=missing[0]
        )
    if read.n_rows == 0:
        raise InputError(path, "empty file: the table has no rows")
    time_unit = read.header.get("TIMEUNIT")
    out = {}
    for column in contract:
        if column.name not in by_lower:
            continue
        original = by_lower[column.name]
        unit = read.units[original]
        if not (unit or "").strip() and column.unit == "s" and time_unit:
            unit = str(time_unit)
        values = _as_float(path, column.name, read.columns[original])
        out[column.name] = values * _unit_factor(path, column, unit)
    return RawTable(path, pd.DataFrame(out), dict(read.header), read.extname, read.gti)


def read_contract_table(path: str | Path, contract: tuple[Column, ...]) -> pd.DataFrame:
    """The contract columns of one raw table (see :func:`read_raw_table`)."""
    return read_raw_table(path, contract).frame


def write_contract_table(
    frame: pd.DataFrame, path: str | Path, contract: tuple[Column, ...], kind: str
) -> None:
    """Write a raw contract table (orbit or events) in the format its name says.

    ``kind`` is 'orbit' or 'events' (sets the FITS EXTNAME, SC_DATA or EVENTS). What the
    frame's ``attrs`` say of it — ``time_system`` (a TimeSystem) and ``attitude_at`` — the
    file states: as Parquet metadata, or as FITS keywords (MJDREFI, MJDREFF, TIMESYS,
    TIMEUNIT, TIMEZERO; ATTITUDE); a CSV file states nothing. Used by the simulated
    observation, so simulated files are exactly what real files look like.
    """
    fmt = detect_format(path)
    units = {c.name: c.unit for c in contract}
    system = frame.attrs.get("time_system")
    attitude_at = frame.attrs.get("attitude_at")
    if fmt == "parquet":  # write_parquet is atomic itself
        meta: dict[str, object] = {"contract": kind, "units": units}
        if system is not None:
            meta["time_system"] = {"epoch": system.epoch, "scale": system.scale}
        if attitude_at is not None:
            meta["attitude_at"] = attitude_at
        write_parquet(frame, path, meta)
        return
    keywords = {} if system is None else system.fits_keywords()
    if attitude_at is not None:
        keywords["ATTITUDE"] = (
            attitude_at.upper(),
            "attitude columns hold at interval " + attitude_at,
        )
    gzipped = str(path).lower().endswith(".gz")
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
            for key, value in keywords.items():
                hdu.header[key] = value
            buffer = io.BytesIO()
            fits.HDUList([fits.PrimaryHDU(), hdu]).writeto(buffer)
            content = buffer.getvalue()
        else:
            content = frame.to_csv(index=False, float_format="%.17g").encode()
        with open(tmp, "wb") as out:
            if gzipped:  # the temporary name does not end in .gz: compress explicitly,
                # with no name or time in the header (same table, same bytes)
                with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0) as packed:
                    packed.write(content)
            else:
                out.write(content)
