"""Outputs are written through a temporary file unique to each writer, renamed into place:
two writers of one output never collide, a failed write leaves nothing behind."""

import multiprocessing
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from calet_aniso.io.files import atomic_output


def write_many(path: str, text: str, times: int) -> None:
    for _ in range(times):
        with atomic_output(path) as tmp:
            Path(tmp).write_text(text * 1000)


def test_two_processes_writing_one_output_never_collide(tmp_path):
    """Two processes write the same file 400 times each (the race that failed 12 times in 400
    with a fixed temporary name): no error, the file is one writer's whole content, and no
    temporary file is left."""
    target = tmp_path / "out.txt"
    context = multiprocessing.get_context("fork")
    writers = [context.Process(target=write_many, args=(str(target), text, 400)) for text in "ab"]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=120)
    assert [w.exitcode for w in writers] == [0, 0]
    assert target.read_text() in ("a" * 1000, "b" * 1000)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_a_failed_write_leaves_no_file(tmp_path):
    target = tmp_path / "out.txt"
    with pytest.raises(RuntimeError), atomic_output(target) as tmp:
        Path(tmp).write_text("partial")
        raise RuntimeError("bad input")
    assert list(tmp_path.iterdir()) == []


def test_parquet_without_pandas_has_the_bytes_and_values_of_pandas(tmp_path):
    """Columns given as numpy arrays (the monthly cube jobs, which do not import pandas) write
    the bytes a DataFrame writes, and read back through their buffers as ``to_numpy`` does —
    sliced row groups (an offset into the buffer) and every integer kind included."""
    import pandas as pd
    import pyarrow.parquet as pq

    from calet_aniso.io.files import column_values, write_parquet

    rng = np.random.default_rng(3)
    columns = {"x": rng.normal(size=1000), "n": rng.integers(-5, 5, size=1000)}
    write_parquet(columns, tmp_path / "arrays.parquet", {"k": 1})
    write_parquet(pd.DataFrame(columns), tmp_path / "frame.parquet", {"k": 1})
    assert (tmp_path / "arrays.parquet").read_bytes() == (tmp_path / "frame.parquet").read_bytes()
    table = pq.read_table(tmp_path / "arrays.parquet")
    for name in columns:
        for part in (table.column(name), table.column(name).slice(123, 456)):
            assert np.array_equal(column_values(part), part.to_numpy())
    unsigned = pa.array(np.arange(7, dtype=np.uint16)).slice(2)
    assert np.array_equal(column_values(unsigned), np.arange(2, 7))
    with pytest.raises(TypeError, match="without nulls"):
        column_values(pa.array([1.0, None]))
