"""Reading and writing raw contract tables (Parquet, FITS binary table, CSV).

Raw files are only ever opened for reading. The simulated observation writes its raw files
with :func:`write_contract_table`, so simulated files are exactly what real files look like.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import zlib
from collections.abc import Callable, Iterator
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
from calet_aniso.io.files import ParquetStream, atomic_output, read_parquet_metadata

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


#: Rows per chunk when a raw table is read in chunks (about 80 MB of contract columns).
CHUNK_ROWS = 1 << 20


@dataclass(frozen=True)
class _Opened:
    """What a format reader learns on opening a file: scalar column names with their units,
    vector-column names, the row count (None for CSV: known once read), the header (FITS
    keywords or Parquet metadata), EXTNAME and GTIs; ``chunks(names, rows)`` then yields the
    named columns as {name: array} chunks of at most ``rows`` rows, in file order."""

    units: dict[str, str | None]
    vectors: tuple[str, ...]
    n_rows: int | None
    header: dict[str, object]
    extname: str | None
    gti: np.ndarray | None
    chunks: Callable[[list[str], int], Iterator[dict[str, np.ndarray]]]


def _open_parquet(path: Path, required: tuple[str, ...]) -> _Opened:
    try:
        schema = pq.read_schema(path)
        n_rows = pq.read_metadata(path).num_rows
        metadata = read_parquet_metadata(path)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise InputError(path, f"truncated or corrupt Parquet file ({exc})") from exc
    names = [f.name for f in schema if not pa.types.is_nested(f.type)]
    vectors = tuple(f.name for f in schema if pa.types.is_nested(f.type))  # never read

    def chunks(columns: list[str], rows: int) -> Iterator[dict[str, np.ndarray]]:
        try:
            # pre_buffer=False: with pre-buffering, pyarrow keeps every row group read until the
            # reader closes (memory grows with the file: 38 MB per million rows measured)
            reader = pq.ParquetFile(path, pre_buffer=False)
            for batch in reader.iter_batches(batch_size=rows, columns=columns):
                yield {name: batch.column(name).to_numpy(zero_copy_only=False) for name in columns}
        except (pa.ArrowException, OSError, ValueError) as exc:
            raise InputError(path, f"truncated or corrupt Parquet file ({exc})") from exc

    return _Opened(dict.fromkeys(names), vectors, n_rows, metadata, None, None, chunks)


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


_FITS_ERRORS = (OSError, ValueError, TypeError, IndexError, KeyError)


def _fits_table(hdul: fits.HDUList, path: Path, required: tuple[str, ...]) -> int:
    """Index of the binary table holding this contract's columns (a file may hold EVENTS and
    SC_DATA in any order), else of a known extension name, else of the first table."""
    tables = [i for i, h in enumerate(hdul) if isinstance(h, fits.BinTableHDU) and h.name != "GTI"]
    if not tables:
        raise InputError(path, "no binary table extension in FITS file")
    complete = [i for i in tables if _has_columns(hdul[i], required)]
    preferred = [i for i in tables if hdul[i].name in FITS_EXTNAMES.values()]
    return (complete or preferred or tables)[0]


def _open_fits(path: Path, required: tuple[str, ...]) -> _Opened:
    """Uncompressed files are memory-mapped, so a chunk costs only its own rows; a gzipped
    file is decompressed whole by astropy (no random access into a gzip stream)."""
    try:
        with fits.open(path, mode="readonly", memmap=True) as hdul:
            index = _fits_table(hdul, path, required)
            hdu = hdul[index]
            header = {**dict(hdul[0].header), **dict(hdu.header)}
            n_rows = int(hdu.header.get("NAXIS2", 0))
            first = hdu.data[:1] if n_rows else None
            units, vectors = {}, []
            for col in hdu.columns:
                if first is not None and np.asarray(first[col.name]).ndim != 1:
                    vectors.append(col.name)  # SC_POSITION, CALIB_VERSION...: never read
                else:
                    units[col.name] = col.unit
            extname = hdu.name
            gti = _gti(hdul)
    except InputError:
        raise
    except _FITS_ERRORS as exc:
        raise InputError(path, f"truncated or corrupt FITS file ({exc})") from exc

    def chunks(columns: list[str], rows: int) -> Iterator[dict[str, np.ndarray]]:
        try:
            with fits.open(path, mode="readonly", memmap=True) as hdul:
                data = hdul[index].data
                for begin in range(0, n_rows, rows):
                    part = data[begin : begin + rows]
                    out = {}
                    for name in columns:
                        values = np.asarray(part[name])
                        out[name] = values.astype(values.dtype.newbyteorder("="))
                    yield out
        except _FITS_ERRORS as exc:
            raise InputError(path, f"truncated or corrupt FITS file ({exc})") from exc

    return _Opened(units, tuple(vectors), n_rows, header, extname, gti, chunks)


_CSV_ERRORS = (pd.errors.ParserError, UnicodeDecodeError, OSError, EOFError, zlib.error)


def _open_csv(path: Path, required: tuple[str, ...]) -> _Opened:
    try:
        # The header as written (pandas would rename a repeated name 'x' to 'x.1').
        header = pd.read_csv(path, comment="#", header=None, nrows=1, dtype=str)
    except pd.errors.EmptyDataError as exc:
        raise InputError(path, "empty file (no header, no rows)") from exc
    except _CSV_ERRORS as exc:
        raise InputError(path, f"truncated or corrupt CSV file ({exc})") from exc
    names = [str(name).strip() for name in header.iloc[0]]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise InputError(path, "column name repeated in the header", column=repeated[0])

    def chunks(columns: list[str], rows: int) -> Iterator[dict[str, np.ndarray]]:
        try:
            with pd.read_csv(path, comment="#", skipinitialspace=True, chunksize=rows) as reader:
                for frame in reader:
                    frame.columns = [str(name).strip() for name in frame.columns]
                    yield {name: frame[name].to_numpy() for name in columns}
        except _CSV_ERRORS as exc:
            raise InputError(path, f"truncated or corrupt CSV file ({exc})") from exc

    return _Opened(dict.fromkeys(names), (), None, {}, None, None, chunks)


_OPENERS = {"parquet": _open_parquet, "fits": _open_fits, "csv": _open_csv}


def _scaled(values: np.ndarray, factor: float) -> np.ndarray:
    """``values`` × ``factor`` (unit conversion); the values themselves when the factor is 1."""
    return values if factor == 1.0 else values * factor


def _as_float(path: Path, name: str, values: np.ndarray, offset: int = 0) -> np.ndarray:
    """Column values as float64; InputError naming the first non-numeric row (``offset``:
    the file row of the first value)."""
    if values.dtype.kind in "iuf":
        return values.astype(np.float64, copy=False)
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
            first_row=offset + first,
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
class RawChunk:
    """Consecutive rows of a raw table: ``frame`` (contract columns, as in
    :class:`RawSource`) and ``offset``, the file row (0-based) of its first row."""

    offset: int
    frame: pd.DataFrame


@dataclass(frozen=True)
class RawSource:
    """One raw table opened for reading: its self-description now, its rows chunk by chunk.

    Attributes
    ----------
    path : the file.
    header : what the file says about itself: FITS keywords (primary header overlaid by the
        table's) or Parquet key-value metadata; empty for CSV.
    extname : EXTNAME of the FITS table read (SC_DATA, EVENTS, ...), else None.
    gti : (n, 2) START, STOP of a FITS GTI extension (the file's time system), else None.
    """

    path: Path
    header: dict[str, object]
    extname: str | None
    gti: np.ndarray | None
    _opened: _Opened
    _columns: tuple[tuple[Column, str, float], ...]  # contract column, name in file, factor

    def chunks(self, rows: int = CHUNK_ROWS) -> Iterator[RawChunk]:
        """The rows in file order, ``rows`` at a time: contract columns present, float64, in
        contract units (FITS TUNIT converted; time columns without TUNIT in the header's
        TIMEUNIT), names lower-case, contract order. InputError for an empty table or a
        non-numeric value (naming its file row)."""
        offset = 0
        names = [original for _, original, _ in self._columns]
        for raw in self._opened.chunks(names, rows):
            n = len(raw[names[0]])
            if n == 0:
                continue
            frame = pd.DataFrame(
                {
                    column.name: _scaled(
                        _as_float(self.path, column.name, raw[original], offset), factor
                    )
                    for column, original, factor in self._columns
                },
                copy=False,  # columns kept as they are: stacking them took 0.1 s per 2²⁰ rows
            )
            yield RawChunk(offset, frame)
            offset += n
        if offset == 0:
            raise InputError(self.path, "empty file: the table has no rows")

    def read(self) -> RawTable:
        """The whole table in memory (see :class:`RawTable`)."""
        frames = [chunk.frame for chunk in self.chunks()]
        frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
        return RawTable(self.path, frame, self.header, self.extname, self.gti)


@dataclass(frozen=True)
class RawTable:
    """One raw table as read.

    Attributes
    ----------
    path : the file.
    frame : its contract columns present, float64, in contract units (FITS TUNIT converted;
        time columns without TUNIT in the header's TIMEUNIT), names lower-case, contract order.
    header, extname, gti : as in :class:`RawSource`.
    """

    path: Path
    frame: pd.DataFrame
    header: dict[str, object]
    extname: str | None
    gti: np.ndarray | None


def open_raw_table(path: str | Path, contract: tuple[Column, ...]) -> RawSource:
    """Open one raw table for reading: its contract columns and its self-description.

    Every other column is ignored, vector-valued or not (FT2's SC_POSITION, FT1's
    CALIB_VERSION, ...). Raises InputError for an unknown type, an unreadable or empty file,
    a duplicate, missing or vector-valued contract column (non-numeric values: when read).
    """
    path = Path(path)
    fmt = detect_format(path)
    if not path.is_file():
        raise InputError(path, "file does not exist")
    if path.stat().st_size == 0:
        raise InputError(path, "empty file (0 bytes)")
    opened = _OPENERS[fmt](path, tuple(c.name for c in contract if c.required))
    by_lower: dict[str, str] = {}
    for name in (*opened.units, *opened.vectors):
        key = name.lower()
        if key in by_lower:
            raise InputError(
                path, f"duplicate column (as '{by_lower[key]}' and '{name}')", column=key
            )
        by_lower[key] = name
    names = {c.name for c in contract}
    for vector in opened.vectors:
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
    if opened.n_rows == 0:
        raise InputError(path, "empty file: the table has no rows")
    time_unit = opened.header.get("TIMEUNIT")
    columns = []
    for column in contract:
        if column.name not in by_lower:
            continue
        original = by_lower[column.name]
        unit = opened.units[original]
        if not (unit or "").strip() and column.unit == "s" and time_unit:
            unit = str(time_unit)
        columns.append((column, original, _unit_factor(path, column, unit)))
    return RawSource(path, dict(opened.header), opened.extname, opened.gti, opened, tuple(columns))


def read_raw_table(path: str | Path, contract: tuple[Column, ...]) -> RawTable:
    """Read one raw table whole (see :func:`open_raw_table` and :meth:`RawSource.read`)."""
    return open_raw_table(path, contract).read()


def read_contract_table(path: str | Path, contract: tuple[Column, ...]) -> pd.DataFrame:
    """The contract columns of one raw table (see :func:`read_raw_table`)."""
    return read_raw_table(path, contract).frame


class _ParquetTable:
    """Parquet: each part a row group; what the table states is key-value metadata. Plain
    encoding (no dictionary: measured values hardly repeat; see ``io.files.parquet_stream``)."""

    def __init__(self, out, gzipped, kind, units, system, attitude_at, n_rows) -> None:
        self._stream = ParquetStream(out, dictionary=False)
        self._meta: dict[str, object] = {"contract": kind, "units": units}
        if system is not None:
            self._meta["time_system"] = {"epoch": system.epoch, "scale": system.scale}
        if attitude_at is not None:
            self._meta["attitude_at"] = attitude_at

    def write(self, frame: pd.DataFrame) -> None:
        self._stream.write(frame, self._meta)

    def close(self) -> None:
        self._stream.close()


class _Bytes:
    """A file written as a byte stream, gzipped (no name or time in the header: the same
    bytes in, the same bytes out, however they were cut) or not."""

    def __init__(self, out: Path, gzipped: bool) -> None:
        self._file = open(out, "wb")  # closed by close()
        self._packed = None
        if gzipped:
            self._packed = gzip.GzipFile(filename="", mode="wb", fileobj=self._file, mtime=0)

    def write(self, content: bytes) -> None:
        (self._packed or self._file).write(content)

    def close(self) -> None:
        if self._packed is not None:
            self._packed.close()
        self._file.close()


class _CsvTable:
    """CSV (optionally gzipped): states nothing."""

    def __init__(self, out, gzipped, kind, units, system, attitude_at, n_rows) -> None:
        self._out = _Bytes(out, gzipped)
        self._header = True

    def write(self, frame: pd.DataFrame) -> None:
        text = frame.to_csv(index=False, header=self._header, float_format="%.17g")
        self._out.write(text.encode())
        self._header = False

    def close(self) -> None:
        self._out.close()


class _FitsTable:
    """FITS: a primary HDU and one binary table (EXTNAME SC_DATA or EVENTS) of ``n_rows``
    rows of 64-bit floats with TUNIT, written as its rows come (optionally gzipped); the time
    system and attitude convention as keywords."""

    def __init__(self, out, gzipped, kind, units, system, attitude_at, n_rows) -> None:
        self._kind, self._units, self._n_rows = kind, units, n_rows
        self._keywords = {} if system is None else system.fits_keywords()
        if attitude_at is not None:
            self._keywords["ATTITUDE"] = (
                attitude_at.upper(),
                "attitude columns hold at interval " + attitude_at,
            )
        self._out = _Bytes(out, gzipped)
        self._written = 0

    def _header(self, frame: pd.DataFrame) -> bytes:
        cols = [
            fits.Column(
                name=name.upper(), format="D", unit=self._units.get(name), array=np.zeros(0)
            )
            for name in frame.columns
        ]
        hdu = fits.BinTableHDU.from_columns(cols, name=FITS_EXTNAMES[self._kind])
        hdu.header["NAXIS2"] = self._n_rows
        for key, value in self._keywords.items():
            hdu.header[key] = value
        primary = io.BytesIO()
        fits.PrimaryHDU().writeto(primary)
        return primary.getvalue() + hdu.header.tostring().encode("ascii")

    def write(self, frame: pd.DataFrame) -> None:
        if self._written == 0:
            self._out.write(self._header(frame))
        rows = np.rec.fromarrays(
            [frame[name].to_numpy().astype(">f8") for name in frame.columns],
            names=[name.upper() for name in frame.columns],
        )
        self._out.write(rows.tobytes())
        self._written += len(frame)
        self._row_bytes = 8 * len(frame.columns)

    def close(self) -> None:
        if self._written == self._n_rows and self._written:
            self._out.write(bytes(-self._written * self._row_bytes % 2880))  # padding
        self._out.close()
        if self._written != self._n_rows:
            raise ValueError(f"FITS table of {self._n_rows} rows given {self._written}")


_WRITERS = {"parquet": _ParquetTable, "csv": _CsvTable, "fits": _FitsTable}


@contextlib.contextmanager
def contract_table_writer(
    path: str | Path,
    contract: tuple[Column, ...],
    kind: str,
    attrs: dict[str, object],
    n_rows: int,
) -> Iterator[_ParquetTable | _CsvTable | _FitsTable]:
    """Write a raw contract table (orbit or events) part by part, in the format its name says,
    atomically: ``writer.write(frame)`` appends rows (the same columns every time; ``n_rows``
    rows in all). ``kind`` is 'orbit' or 'events' (the FITS EXTNAME: SC_DATA or EVENTS).
    What ``attrs`` say of the table — ``time_system`` (a TimeSystem) and ``attitude_at`` —
    the file states: as Parquet metadata, or as FITS keywords (MJDREFI, MJDREFF, TIMESYS,
    TIMEUNIT, TIMEZERO; ATTITUDE); a CSV file states nothing. Gzipped files have no name or
    time in their header: the same rows give the same bytes, whatever the parts."""
    fmt = detect_format(path)
    units = {c.name: c.unit for c in contract}
    with atomic_output(path) as tmp:
        writer = _WRITERS[fmt](
            tmp,
            str(path).lower().endswith(".gz"),
            kind,
            units,
            attrs.get("time_system"),
            attrs.get("attitude_at"),
            n_rows,
        )
        try:
            yield writer
        finally:
            writer.close()


def write_contract_table(
    frame: pd.DataFrame, path: str | Path, contract: tuple[Column, ...], kind: str
) -> None:
    """Write a raw contract table whole (see :func:`contract_table_writer`; the frame's
    ``attrs`` say what the file states). Used by the simulated observation, so simulated
    files are exactly what real files look like."""
    with contract_table_writer(path, contract, kind, frame.attrs, len(frame)) as writer:
        writer.write(frame)
