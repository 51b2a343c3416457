"""Writing result files: atomically, with deterministic bytes.

Outputs are written to a temporary file in the same folder and renamed into place, so a
failure never leaves a partial file behind. Parquet tables carry JSON key-value metadata and
no timestamps, JSON documents have sorted keys: same content, same bytes.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

if TYPE_CHECKING:
    import pandas as pd


@contextlib.contextmanager
def atomic_output(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it into place only on success.

    The temporary name is unique to this call (process id and a random token), so two
    writers of one output never collide: each renames a complete file, the last one wins.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _arrow_table(
    frame: pd.DataFrame | Mapping[str, np.ndarray], metadata: Mapping[str, object]
) -> pa.Table:
    """The columns (a DataFrame, or 1-d arrays by name for jobs that need not import pandas)
    as an Arrow table with an explicit schema and JSON key-value metadata."""
    names = list(frame)
    fields = []
    for name in names:
        dtype = frame[name].dtype
        arrow_type = {"i": pa.int64(), "u": pa.int64(), "b": pa.bool_(), "O": pa.string()}.get(
            dtype.kind, pa.float64()
        )
        fields.append(pa.field(name, arrow_type, nullable=False))
    schema = pa.schema(
        fields, metadata={k: json.dumps(v, sort_keys=True) for k, v in metadata.items()}
    )
    return pa.Table.from_arrays(
        [_arrow_array(np.asarray(frame[name])) for name in names], schema=schema
    )


#: numpy dtypes handed to Arrow as their buffer.
_BUFFER_TYPES = {np.dtype(np.float64): pa.float64(), np.dtype(np.int64): pa.int64()}


def _arrow_array(values: np.ndarray) -> pa.Array:
    """An Arrow array of a 1-d numpy array: float64 and int64 by their buffer (the same values
    as ``pa.array``, which imports pandas: see :func:`column_values`), others by ``pa.array``."""
    arrow_type = _BUFFER_TYPES.get(values.dtype)
    if arrow_type is None or values.ndim != 1:
        return pa.array(values)
    values = np.ascontiguousarray(values)
    return pa.Array.from_buffers(arrow_type, len(values), [None, pa.py_buffer(values)])


class ParquetStream:
    """A Parquet file written part by part (see :func:`parquet_stream`)."""

    def __init__(
        self, path: Path, row_group_rows: int | None = None, dictionary: bool = True
    ) -> None:
        self._path = path
        self._row_group_rows = row_group_rows
        self._dictionary = dictionary
        self._writer: pq.ParquetWriter | None = None

    def write(
        self, frame: pd.DataFrame | Mapping[str, np.ndarray], metadata: Mapping[str, object]
    ) -> None:
        """Append the frame's rows (every part: the same columns and ``metadata``); each
        part becomes one or more row groups (of at most ``row_group_rows`` rows)."""
        table = _arrow_table(frame, metadata)
        if self._writer is None:
            self._writer = pq.ParquetWriter(
                self._path, table.schema, compression="zstd", use_dictionary=self._dictionary
            )
        self._writer.write_table(table, row_group_size=self._row_group_rows)

    def close(self) -> None:
        """Finish the file (its footer)."""
        if self._writer is not None:
            self._writer.close()


@contextlib.contextmanager
def parquet_stream(
    path: str | Path, row_group_rows: int | None = None, dictionary: bool = True
) -> Iterator[ParquetStream]:
    """Write a Parquet table part by part, atomically: the file appears, whole, only when the
    block ends without an exception. The bytes depend only on the parts, their metadata,
    ``row_group_rows`` (the largest row group; None: pyarrow's default, 2²⁰ rows) and
    ``dictionary`` (dictionary encoding, which pays only for repeated values: on an orbit
    table, whose values hardly repeat, writing took 7 times the CPU and the file was 30 %
    larger)."""
    with atomic_output(path) as tmp:
        stream = ParquetStream(tmp, row_group_rows, dictionary)
        try:
            yield stream
        finally:
            stream.close()


def write_parquet(
    frame: pd.DataFrame | Mapping[str, np.ndarray], path: str | Path, metadata: Mapping[str, object]
) -> None:
    """Write a table to Parquet with an explicit schema and JSON key-value metadata.

    The output bytes depend only on the table and metadata (no timestamps).
    """
    with parquet_stream(path) as out:
        out.write(frame, metadata)


def read_parquet_metadata(path: str | Path) -> dict[str, object]:
    """The JSON key-value metadata written by :func:`write_parquet`."""
    meta = pq.read_schema(path).metadata or {}
    return {k.decode(): json.loads(v) for k, v in meta.items() if not k.startswith(b"pandas")}


def column_values(column: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A numeric Arrow column without nulls as a numpy array, read from its data buffer.

    Same values as ``column.to_numpy()``, which imports pandas (pyarrow 26; a third of a
    second in a job that has no other use for it, such as the monthly live-time cubes)."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    if column.null_count or not (
        pa.types.is_integer(column.type) or pa.types.is_floating(column.type)
    ):
        raise TypeError(f"not a numeric column without nulls: {column.type}")
    kind = "f" if pa.types.is_floating(column.type) else "i"
    if pa.types.is_unsigned_integer(column.type):
        kind = "u"
    dtype = np.dtype(f"{kind}{column.type.bit_width // 8}")
    return np.frombuffer(
        column.buffers()[1], dtype=dtype, count=len(column), offset=column.offset * dtype.itemsize
    )


def write_json(obj: object, path: str | Path) -> None:
    """Write a JSON document (sorted keys, indented; same object, same bytes), atomically."""
    with atomic_output(path) as tmp:
        tmp.write_text(json.dumps(obj, indent=2, sort_keys=True) + "\n")


def read_json(path: str | Path) -> dict:
    """A JSON document written by :func:`write_json`."""
    return json.loads(Path(path).read_text())
