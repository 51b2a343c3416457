"""Ingest in bounded memory: the orbit table streamed window by window gives exactly what the
whole table in memory gives, and errors name the file row whatever the chunk."""

import dataclasses

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from conftest import INGEST_30, iss_orbit, small_settings
from fermi_files import write_fermi_period

from calet_aniso.errors import InputError
from calet_aniso.ingest import normalise
from calet_aniso.ingest.contract import EVENT_COLUMNS, ORBIT_COLUMNS
from calet_aniso.ingest.normalise import ingest, ingest_to_files
from calet_aniso.io.contract_tables import open_raw_table, write_contract_table
from calet_aniso.simulation.observation import simulate_observation

DROP = dataclasses.replace(INGEST_30, min_energy_gev=20.0, outside_livetime="drop")
#: Report entries that are sums over the rows: chunked sums may differ in the last digit.
SUMS = ("covered_duration_s", "total_livetime_s", "livetime_fraction")


def assert_same_ingest(streamed, whole):
    pd.testing.assert_frame_equal(streamed.orbit, whole.orbit, check_exact=True)
    pd.testing.assert_frame_equal(streamed.events, whole.events, check_exact=True)
    a, b = streamed.report, whole.report
    assert a["events"] == b["events"]
    for key, value in b["orbit"].items():
        if key in SUMS:
            assert a["orbit"][key] == pytest.approx(value, rel=1e-13)
        elif key == "gti":
            assert a["orbit"]["gti"]["livetime_removed_s"] == pytest.approx(
                value["livetime_removed_s"], rel=1e-12
            )
        else:
            assert a["orbit"][key] == value, key


@pytest.fixture(scope="module")
def fermi_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fermi_stream")
    write_fermi_period(folder, hours=8.0, n_events=1500)
    return [str(folder / "ft2.fits")], [str(folder / "ft1.fits")]


@pytest.mark.parametrize("chunk_rows", [2, 7, 500])
def test_windows_equal_the_whole_table_start_convention_with_gtis(fermi_files, chunk_rows):
    """FT2 (attitude at the starts: moved to midpoints with both neighbours), GTIs scaling the
    live time, SAA intervals with zero live time, events on every side of every window."""
    orbit, events = fermi_files
    whole = ingest(orbit, events, None, DROP, attitude_at="auto", chunk_rows=1 << 30)
    streamed = ingest(orbit, events, None, DROP, attitude_at="auto", chunk_rows=chunk_rows)
    assert len(whole.orbit) > 900 and len(whole.events) > 300
    assert_same_ingest(streamed, whole)


@pytest.fixture(scope="module")
def split_with_gaps(tmp_path_factory, response, flux, time_system):
    """A small observation with its attitude at the interval starts, in three orbit files of
    three formats, with two gaps (one inside a file, one between files) and events in them."""
    settings = small_settings(attitude_at="start")
    orbit, events, _ = simulate_observation(
        settings, iss_orbit(settings.start_utc), time_system, response, flux
    )
    folder = tmp_path_factory.mktemp("gaps")
    attrs = orbit.attrs
    orbit = orbit.drop(index=range(700, 740)).reset_index(drop=True)  # a gap inside a file
    orbit.attrs = attrs
    parts = [(orbit.iloc[:1000], "a.fits"), (orbit.iloc[1010:2000], "b.csv")]
    parts.append((orbit.iloc[2000:], "c.parquet"))  # 10 rows missing between a and b
    paths = []
    for frame, name in parts:
        frame = frame.copy()
        frame.attrs = orbit.attrs
        write_contract_table(frame, folder / name, ORBIT_COLUMNS, "orbit")
        paths.append(str(folder / name))
    write_contract_table(events, folder / "events.parquet", EVENT_COLUMNS, "events")
    return paths[::-1], [str(folder / "events.parquet")]


@pytest.mark.parametrize("chunk_rows", [7, 999, 1000, 1001])
def test_windows_equal_the_whole_table_across_files_and_gaps(
    split_with_gaps, time_system, chunk_rows
):
    orbit, events = split_with_gaps
    options = dict(attitude_at="start")  # the CSV file cannot state it
    whole = ingest(orbit, events, time_system, DROP, chunk_rows=1 << 30, **options)
    streamed = ingest(orbit, events, time_system, DROP, chunk_rows=chunk_rows, **options)
    report = whole.report
    assert report["orbit"]["gaps"] == 2
    assert report["events"]["cuts"]["outside_orbit_coverage"] > 10
    assert_same_ingest(streamed, whole)


@pytest.mark.parametrize("fmt", ["parquet", "fits", "csv"])
def test_errors_name_the_file_row_in_any_chunk(tmp_path, small_observation, time_system, fmt):
    orbit, events, _, _ = small_observation
    bad = orbit.head(60).copy()
    bad.loc[37, "livetime"] = -1.0  # row 37: in the fourth chunk of 10 rows
    bad.attrs = orbit.attrs
    path = tmp_path / f"orbit.{fmt}"
    write_contract_table(bad, path, ORBIT_COLUMNS, "orbit")
    write_contract_table(events.head(5), tmp_path / "e.parquet", EVENT_COLUMNS, "events")
    with pytest.raises(InputError, match=r"'livetime'.*first at data row 37 \(0-based\)"):
        ingest([str(path)], [str(tmp_path / "e.parquet")], time_system, DROP,
               attitude_at="auto", chunk_rows=10)  # fmt: skip
    # Order across a chunk boundary: row 20 starts before row 19 (chunks of 10 rows).
    swapped = orbit.head(60).copy()
    swapped.loc[20, ["start", "stop"]] = swapped.loc[19, ["start", "stop"]].to_numpy() - 5.0
    swapped.attrs = orbit.attrs
    write_contract_table(swapped, path, ORBIT_COLUMNS, "orbit")
    with pytest.raises(InputError, match=r"not sorted by start time.*data row 20 "):
        ingest([str(path)], [str(tmp_path / "e.parquet")], time_system, DROP,
               attitude_at="auto", chunk_rows=10)  # fmt: skip


def test_non_numbers_are_named_by_file_row(tmp_path, small_observation):
    orbit = small_observation[0].head(40).astype({"livetime": object})
    orbit.loc[33, "livetime"] = "dead"
    path = tmp_path / "orbit.csv"
    orbit.to_csv(path, index=False)
    chunks = open_raw_table(path, ORBIT_COLUMNS).chunks(rows=8)
    with pytest.raises(InputError, match=r"not a number.*first at data row 33 .*'dead'"):
        list(chunks)


def test_streamed_file_row_groups_and_nothing_left_on_failure(
    tmp_path, split_with_gaps, time_system
):
    orbit, events = split_with_gaps
    out = tuple(tmp_path / name for name in ("orbit.parquet", "events.parquet", "report.json"))
    result = ingest_to_files(
        orbit, events, time_system, DROP, out, attitude_at="start", chunk_rows=400
    )
    whole = ingest(orbit, events, time_system, DROP, attitude_at="start")
    assert result.orbit is None
    written = pq.ParquetFile(out[0])
    groups = [written.metadata.row_group(i).num_rows for i in range(written.num_row_groups)]
    per_file = [f["rows"] for f in whole.report["orbit"]["files"]]
    assert max(groups) == 400  # each file read 400 rows at a time, one row group each
    assert len(groups) == sum(int(np.ceil(rows / 400)) for rows in per_file) > len(per_file)
    pd.testing.assert_frame_equal(written.read().to_pandas(), whole.orbit, check_exact=True)
    pd.testing.assert_frame_equal(pd.read_parquet(out[1]), whole.events, check_exact=True)
    # An event file that fails after the orbit table was streamed: no output, no temporary.
    bad = pd.read_parquet(events[0]).head(50)
    bad.loc[49, "energy"] = -3.0
    bad.attrs = {"time_system": time_system}
    write_contract_table(bad, tmp_path / "bad.parquet", EVENT_COLUMNS, "events")
    fresh = tuple(tmp_path / "again" / p.name for p in out)
    with pytest.raises(InputError, match="non-positive energy"):
        ingest_to_files(orbit, [str(tmp_path / "bad.parquet")], time_system, DROP, fresh,
                        attitude_at="start", chunk_rows=400)  # fmt: skip
    assert not (tmp_path / "again").exists() or not any((tmp_path / "again").iterdir())


def test_orbit_table_row_groups_are_capped_and_plain_encoded(
    tmp_path, split_with_gaps, time_system, monkeypatch
):
    """Row groups of at most ORBIT_ROW_GROUP_ROWS (a monthly cube job decodes about its month
    only) and no dictionary pages (the values hardly repeat): the same table."""
    monkeypatch.setattr(normalise, "ORBIT_ROW_GROUP_ROWS", 150)
    orbit, events = split_with_gaps
    out = tuple(tmp_path / name for name in ("orbit.parquet", "events.parquet", "report.json"))
    ingest_to_files(orbit, events, time_system, DROP, out, attitude_at="start", chunk_rows=400)
    written = pq.ParquetFile(out[0])
    groups = [written.metadata.row_group(i) for i in range(written.num_row_groups)]
    assert max(group.num_rows for group in groups) == 150
    encodings = {e for g in groups for c in range(g.num_columns) for e in g.column(c).encodings}
    assert encodings and not any("DICTIONARY" in e for e in encodings)
    whole = ingest(orbit, events, time_system, DROP, attitude_at="start")
    pd.testing.assert_frame_equal(written.read().to_pandas(), whole.orbit, check_exact=True)


def test_reading_in_chunks_holds_one_chunk_not_the_file(tmp_path, small_observation):
    """pyarrow's pre-buffering would keep every row group read until the reader closes
    (memory growing with the file); the chunk reader holds about one chunk."""
    import pyarrow as pa

    orbit = small_observation[0]
    many = pd.concat([orbit] * 10, ignore_index=True)  # 28 800 rows, 2.3 MB of columns
    many.attrs = {}
    path = tmp_path / "orbit.parquet"
    pq.write_table(pa.Table.from_pandas(many), path, row_group_size=1000)
    chunk_bytes = 1000 * 8 * len(many.columns)
    before = pa.total_allocated_bytes()
    peak = 0
    for chunk in open_raw_table(path, ORBIT_COLUMNS).chunks(rows=1000):
        assert len(chunk.frame) <= 1000
        peak = max(peak, pa.total_allocated_bytes() - before)
    # measured: 0.32 MB; with pre-buffering 2.4 MB (the whole file: 2.3 MB)
    assert peak < 8 * chunk_bytes < len(many) * 8 * len(many.columns) / 3
