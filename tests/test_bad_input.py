"""Every bad-input case gives one clear error naming file, column, count and first row,
and leaves the raw files untouched."""

from __future__ import annotations

import os

import numpy as np
import pytest
from conftest import INGEST_30, sha256

from calet_aniso.errors import InputError
from calet_aniso.ingest.contract import EVENT_COLUMNS, ORBIT_COLUMNS
from calet_aniso.ingest.normalise import ingest
from calet_aniso.io.contract_tables import write_contract_table


@pytest.fixture
def good(small_observation):
    orbit, events, _, _ = small_observation
    return orbit.head(600).copy(), events[events["time"] < orbit["stop"].iloc[599]].head(300).copy()


def run_ingest(
    tmp_path, orbit, events, time_system, fmt="csv", orbit_frame_writer=None, response=None
):
    """Write (or take) raw files, ingest them (with ``response``: refusing events it cannot
    have seen); check raw files unchanged. Returns error."""
    orbit_path = tmp_path / f"orbit.{fmt}"
    events_path = tmp_path / f"events.{fmt}"
    if orbit_frame_writer is None:
        write_contract_table(orbit, orbit_path, ORBIT_COLUMNS, "orbit")
    else:
        orbit_frame_writer(orbit_path)
    write_contract_table(events, events_path, EVENT_COLUMNS, "events")
    for p in (orbit_path, events_path):
        os.chmod(p, 0o444)  # ingest must only read
    before = {p: (sha256(p), p.stat().st_mtime_ns) for p in (orbit_path, events_path)}
    with pytest.raises(InputError) as info:
        ingest(
            [str(orbit_path)],
            [str(events_path)],
            time_system,
            INGEST_30,
            attitude_at="auto",
            response=response,
        )
    after = {p: (sha256(p), p.stat().st_mtime_ns) for p in (orbit_path, events_path)}
    assert before == after
    assert sorted(os.listdir(tmp_path)) == sorted([orbit_path.name, events_path.name])
    return str(info.value)


def assert_names(message, file, column, count, first_row):
    assert file in message, message
    assert f"column '{column}'" in message, message
    if count is not None:
        assert f"in {count} row{'s' if count != 1 else ''}" in message, message
    if first_row is not None:
        assert f"first at data row {first_row} (0-based)" in message, message


def set_rows(column, rows, value):
    def mutate(frame):
        values = frame[column].to_numpy().copy()
        values[rows] = value(values[rows]) if callable(value) else value
        frame[column] = values

    return mutate


ORBIT_CASES = {
    "nan": ("dec_scz", set_rows("dec_scz", [3, 7], np.nan), 2, 3, "NaN or infinite"),
    "inf": ("livetime", set_rows("livetime", [5], np.inf), 1, 5, "NaN or infinite"),
    "negative_livetime": (
        "livetime",
        set_rows("livetime", [11], -1.0),
        1,
        11,
        "below the allowed minimum",
    ),
    "excess_livetime": (
        "livetime",
        set_rows("livetime", [20, 21, 22], 61.0),
        3,
        20,
        "exceeds the interval length",
    ),
    "unsorted": ("start", set_rows("start", [40], lambda t: t - 600.0), None, 40, "not sorted"),
    "overlap": (
        "start",
        set_rows("start", [50], lambda t: t - 10.0),
        1,
        50,
        "overlaps the previous",
    ),
    "non_orthogonal": (
        "ra_scx",
        set_rows("dec_scx", [9], lambda d: d + 1.0),
        1,
        9,
        "not orthogonal",
    ),
    "dec_out_of_range": (
        "dec_scz",
        set_rows("dec_scz", [2], 91.0),
        1,
        2,
        "above the allowed maximum",
    ),
}


@pytest.mark.parametrize("case", sorted(ORBIT_CASES))
def test_bad_orbit_table(tmp_path, good, time_system, case):
    column, mutate, count, first, text = ORBIT_CASES[case]
    orbit, events = good
    mutate(orbit)
    message = run_ingest(tmp_path, orbit, events, time_system)
    assert_names(message, "orbit.csv", column, count, first)
    assert text in message


EVENT_CASES = {
    "energy_zero": ("energy", set_rows("energy", [4], 0.0), 1, 4, "non-positive energy"),
    "energy_negative": ("energy", set_rows("energy", [6, 8], -3.0), 2, 6, "non-positive energy"),
    "energy_nan": ("energy", set_rows("energy", [1], np.nan), 1, 1, "NaN or infinite"),
    "theta_range": ("theta", set_rows("theta", [12], 181.0), 1, 12, "above the allowed maximum"),
    "phi_range": ("phi", set_rows("phi", [13], 400.0), 1, 13, "above the allowed maximum"),
    "l_range": ("l", set_rows("l", [14], -5.0), 1, 14, "below the allowed minimum"),
    "b_range": ("b", set_rows("b", [15], 95.0), 1, 15, "above the allowed maximum"),
    "outside_coverage": (
        "time",
        set_rows("time", [20, 21], lambda t: t + 1e7),
        2,
        20,
        "outside the orbit coverage",
    ),
    "lb_disagrees": ("l", set_rows("l", [30], lambda v: (v + 1.0) % 360), 1, 30, "disagrees"),
    "repeated_event": ("time", lambda frame: copy_row(frame, 24, 25), 1, 25, "event repeated"),
}


def copy_row(frame, source: int, target: int) -> None:
    """Make row ``target`` a copy of row ``source`` (every column)."""
    frame.iloc[target] = frame.iloc[source]


@pytest.mark.parametrize("case", sorted(EVENT_CASES))
def test_bad_event_list(tmp_path, good, time_system, case):
    column, mutate, count, first, text = EVENT_CASES[case]
    orbit, events = good
    events = events.reset_index(drop=True)
    mutate(events)
    message = run_ingest(tmp_path, orbit, events, time_system)
    assert_names(message, "events.csv", column, count, first)
    assert text in message


def test_event_in_zero_livetime_interval(tmp_path, good, time_system):
    orbit, events = good
    events = events.reset_index(drop=True)
    k = int(np.searchsorted(orbit["start"].to_numpy(), events["time"].iloc[3], side="right") - 1)
    orbit.loc[k, "livetime"] = 0.0
    message = run_ingest(tmp_path, orbit, events, time_system)
    assert_names(message, "events.csv", "time", None, 3)
    assert "zero live time" in message


def test_missing_column(tmp_path, good, time_system):
    orbit, events = good
    message = run_ingest(tmp_path, orbit.drop(columns="livetime"), events, time_system)
    assert_names(message, "orbit.csv", "livetime", None, None)
    assert "missing required column" in message


def test_wrong_type(tmp_path, good, time_system):
    orbit, events = good
    events = events.reset_index(drop=True).astype({"energy": object})
    events.loc[[7, 9], "energy"] = "high"
    message = run_ingest(tmp_path, orbit, events, time_system)
    assert_names(message, "events.csv", "energy", 2, 7)
    assert "wrong type" in message and "'high'" in message


def _truncated(orbit):
    def write(path):
        write_contract_table(orbit, path, ORBIT_COLUMNS, "orbit")
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])

    return write


DAMAGED_FILES = {
    # damage: (formats, writer of the orbit file given the good orbit table, expected phrase)
    "empty": (("parquet", "fits", "csv"), lambda orbit: lambda p: p.write_bytes(b""), "empty file"),
    "no_rows": (
        ("parquet", "fits", "csv"),
        lambda orbit: lambda p: write_contract_table(orbit.head(0), p, ORBIT_COLUMNS, "orbit"),
        "empty file",
    ),
    "truncated": (("parquet", "fits"), _truncated, "truncated or corrupt"),
    "corrupt": (
        ("parquet", "fits"),
        lambda orbit: lambda p: p.write_bytes(b"this is not a table\n" * 200),
        "truncated or corrupt",
    ),
}


@pytest.mark.parametrize(
    ("damage", "fmt"), [(d, f) for d, (formats, _, _) in DAMAGED_FILES.items() for f in formats]
)
def test_damaged_file(tmp_path, good, time_system, damage, fmt):
    orbit, events = good
    _, writer, phrase = DAMAGED_FILES[damage]
    message = run_ingest(
        tmp_path, orbit, events, time_system, fmt=fmt, orbit_frame_writer=writer(orbit)
    )
    assert f"orbit.{fmt}" in message and phrase in message


def test_unknown_file_type(tmp_path, time_system):
    path = tmp_path / "orbit.xlsx"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(InputError, match=r"orbit\.xlsx: unknown file type"):
        ingest([str(path)], [str(path)], time_system, INGEST_30, attitude_at="auto")


def test_overlapping_files(tmp_path, good, time_system):
    orbit, events = good
    write_contract_table(orbit.iloc[:300], tmp_path / "orbit_a.csv", ORBIT_COLUMNS, "orbit")
    write_contract_table(orbit.iloc[290:], tmp_path / "orbit_b.csv", ORBIT_COLUMNS, "orbit")
    write_contract_table(events, tmp_path / "events.csv", EVENT_COLUMNS, "events")
    with pytest.raises(InputError, match=r"orbit_b\.csv: column 'start': first interval overlaps"):
        ingest(
            [str(tmp_path / "orbit_b.csv"), str(tmp_path / "orbit_a.csv")],
            [str(tmp_path / "events.csv")],
            time_system,
            INGEST_30,
            attitude_at="auto",
        )


def test_split_files_equal_one_file(tmp_path, good, time_system):
    """Globs over several files in any order give the same normalised tables as one file."""
    orbit, events = good
    write_contract_table(orbit, tmp_path / "orbit.csv", ORBIT_COLUMNS, "orbit")
    write_contract_table(events, tmp_path / "events.csv", EVENT_COLUMNS, "events")
    write_contract_table(orbit.iloc[:300], tmp_path / "o2.csv", ORBIT_COLUMNS, "orbit")
    write_contract_table(orbit.iloc[300:], tmp_path / "o1.parquet", ORBIT_COLUMNS, "orbit")
    write_contract_table(events.iloc[::2], tmp_path / "e1.fits", EVENT_COLUMNS, "events")
    write_contract_table(events.iloc[1::2], tmp_path / "e2.csv", EVENT_COLUMNS, "events")
    one = ingest(
        [str(tmp_path / "orbit.csv")],
        [str(tmp_path / "events.csv")],
        time_system,
        INGEST_30,
        attitude_at="auto",
    )
    split = ingest(
        [str(tmp_path / "o1.parquet"), str(tmp_path / "o2.csv")],
        [str(tmp_path / "e2.csv"), str(tmp_path / "e1.fits")],
        time_system,
        INGEST_30,
        attitude_at="auto",
    )
    import pandas as pd

    pd.testing.assert_frame_equal(split.orbit, one.orbit, check_exact=True)
    pd.testing.assert_frame_equal(split.events, one.events, check_exact=True)
    assert one.report["events"]["cuts"]["energy_below_min"] == int((events["energy"] < 30.0).sum())


def test_truncated_gzipped_csv(tmp_path, good, time_system):
    orbit, events = good
    message = run_ingest(
        tmp_path, orbit, events, time_system, fmt="csv.gz", orbit_frame_writer=_truncated(orbit)
    )
    assert "orbit.csv.gz" in message and "truncated or corrupt CSV file" in message


def test_csv_with_a_repeated_column_name(tmp_path, good, time_system):
    """pandas would read the second 'energy' as 'energy.1'; the file is refused instead."""
    orbit, events = good

    def write(path):
        write_contract_table(orbit, path, ORBIT_COLUMNS, "orbit")
        lines = path.read_text().splitlines()
        header = lines[0].split(",")
        header[-1] = header[0]  # the last column named like the first
        path.write_text("\n".join([",".join(header), *lines[1:]]) + "\n")

    message = run_ingest(tmp_path, orbit, events, time_system, orbit_frame_writer=write)
    assert "orbit.csv: column 'start': column name repeated in the header" in message


@pytest.mark.parametrize(
    ("column", "rows", "value", "text"),
    [
        ("theta", [5], 170.0, "θ beyond the response's field of view"),  # upward-going
        ("theta", [6, 9], 80.0, "θ beyond the response's field of view"),
        ("energy", [7], 1e30, "energy above the response's highest node (20000 GeV"),
        ("energy", [8], 1e308, "energy above the response's highest node"),
    ],
)
def test_events_the_response_cannot_have_seen(
    tmp_path, good, time_system, response, column, rows, value, text
):
    orbit, events = good
    events = events.reset_index(drop=True)
    set_rows(column, rows, value)(events)
    message = run_ingest(tmp_path, orbit, events, time_system, response=response)
    assert_names(message, "events.csv", column, len(rows), rows[0])
    assert text in message


def test_one_fits_file_with_events_before_the_orbit_table(tmp_path, good, time_system):
    """A single FITS file holding EVENTS then SC_DATA serves as orbit and as event file."""
    from astropy.io import fits

    orbit, events = good
    write_contract_table(orbit, tmp_path / "o.fits", ORBIT_COLUMNS, "orbit")
    write_contract_table(events, tmp_path / "e.fits", EVENT_COLUMNS, "events")
    with fits.open(tmp_path / "o.fits") as o, fits.open(tmp_path / "e.fits") as e:
        fits.HDUList([fits.PrimaryHDU(), e["EVENTS"].copy(), o["SC_DATA"].copy()]).writeto(
            tmp_path / "both.fits"
        )
    both = str(tmp_path / "both.fits")
    one = ingest([both], [both], time_system, INGEST_30, attitude_at="auto")
    two = ingest(
        [str(tmp_path / "o.fits")],
        [str(tmp_path / "e.fits")],
        time_system,
        INGEST_30,
        attitude_at="auto",
    )
    import pandas as pd

    pd.testing.assert_frame_equal(one.orbit, two.orbit, check_exact=True)
    pd.testing.assert_frame_equal(one.events, two.events, check_exact=True)


def test_an_event_in_two_files(tmp_path, good, time_system):
    """Overlapping event files would count events twice: refused, naming both files."""
    orbit, events = good
    write_contract_table(orbit, tmp_path / "orbit.csv", ORBIT_COLUMNS, "orbit")
    write_contract_table(events.iloc[:200], tmp_path / "events_a.csv", EVENT_COLUMNS, "events")
    write_contract_table(events.iloc[150:], tmp_path / "events_b.csv", EVENT_COLUMNS, "events")
    with pytest.raises(InputError) as info:
        ingest(
            [str(tmp_path / "orbit.csv")],
            [str(tmp_path / "events_a.csv"), str(tmp_path / "events_b.csv")],
            time_system,
            INGEST_30,
            attitude_at="auto",
        )
    message = str(info.value)
    assert_names(message, "events_b.csv", "time", 50, 0)
    assert "event repeated from" in message and "events_a.csv data row 150" in message
