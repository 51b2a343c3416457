"""Readers for Parquet, FITS and CSV give identical normalised tables."""

import numpy as np
import pandas as pd
import pytest
from astropy.io import fits
from conftest import INGEST_30

from calet_aniso.errors import InputError
from calet_aniso.ingest.contract import EVENT_COLUMNS, ORBIT_COLUMNS
from calet_aniso.ingest.normalise import ingest
from calet_aniso.io.contract_tables import (
    contract_table_writer,
    read_contract_table,
    write_contract_table,
)


@pytest.mark.parametrize("fmt", ["parquet", "fits", "csv"])
def test_contract_round_trip(tmp_path, small_observation, fmt):
    orbit, events, _, _ = small_observation
    for frame, contract, kind in (
        (orbit, ORBIT_COLUMNS, "orbit"),
        (events, EVENT_COLUMNS, "events"),
    ):
        path = tmp_path / f"{kind}.{fmt}"
        write_contract_table(frame, path, contract, kind)
        pd.testing.assert_frame_equal(read_contract_table(path, contract), frame, check_exact=True)


def test_three_formats_give_identical_normalised_tables(tmp_path, small_observation, time_system):
    orbit, events, _, _ = small_observation
    results = {}
    for fmt in ("parquet", "fits", "csv"):
        write_contract_table(orbit, tmp_path / f"orbit.{fmt}", ORBIT_COLUMNS, "orbit")
        write_contract_table(events, tmp_path / f"events.{fmt}", EVENT_COLUMNS, "events")
        results[fmt] = ingest(
            [str(tmp_path / f"orbit.{fmt}")],
            [str(tmp_path / f"events.{fmt}")],
            time_system,
            INGEST_30,
            attitude_at="auto",
        )
    for fmt in ("fits", "csv"):
        pd.testing.assert_frame_equal(
            results[fmt].orbit, results["parquet"].orbit, check_exact=True
        )
        pd.testing.assert_frame_equal(
            results[fmt].events, results["parquet"].events, check_exact=True
        )
    assert len(results["csv"].events) > 1000


def test_column_names_are_case_insensitive_and_extra_columns_dropped(tmp_path, small_observation):
    orbit = small_observation[0].head(50)
    renamed = orbit.rename(columns={"start": "START", "livetime": "LiveTime"}).assign(EXTRA=1.0)
    renamed.to_csv(tmp_path / "orbit.csv", index=False)
    got = read_contract_table(tmp_path / "orbit.csv", ORBIT_COLUMNS)
    pd.testing.assert_frame_equal(got, orbit.reset_index(drop=True))


def test_fits_units_are_converted(tmp_path, small_observation):
    """A Fermi FT1-like file with energies in MeV is converted to the contract's GeV."""
    events = small_observation[1].head(20)
    cols = [fits.Column(name=n.upper(), format="D", array=events[n].to_numpy()) for n in events]
    cols[1] = fits.Column(
        name="ENERGY", format="D", unit="MeV", array=events["energy"].to_numpy() * 1e3
    )
    fits.BinTableHDU.from_columns(cols, name="EVENTS").writeto(tmp_path / "ft1.fits")
    got = read_contract_table(tmp_path / "ft1.fits", EVENT_COLUMNS)
    np.testing.assert_allclose(got["energy"], events["energy"], rtol=1e-15)


def test_fits_unconvertible_unit_is_an_error(tmp_path, small_observation):
    events = small_observation[1].head(5)
    cols = [
        fits.Column(
            name=n, format="D", unit="m" if n == "energy" else None, array=events[n].to_numpy()
        )
        for n in events
    ]
    fits.BinTableHDU.from_columns(cols).writeto(tmp_path / "bad_unit.fits")
    with pytest.raises(
        InputError, match=r"bad_unit\.fits: column 'energy': unit 'm' cannot be converted"
    ):
        read_contract_table(tmp_path / "bad_unit.fits", EVENT_COLUMNS)


@pytest.mark.parametrize("fmt", ["csv.gz", "fits.gz"])
def test_gzipped_files_are_gzip_with_the_same_bytes_every_time(tmp_path, small_observation, fmt):
    """A .gz name gives a gzip file (the atomic temporary name has no .gz: compression is
    explicit) whose header holds neither a name nor a time, so the same table gives the
    same bytes; it reads back as written."""
    import gzip
    import time

    orbit = small_observation[0].head(50)
    write_contract_table(orbit, tmp_path / f"a.{fmt}", ORBIT_COLUMNS, "orbit")
    time.sleep(1.1)
    write_contract_table(orbit, tmp_path / f"b.{fmt}", ORBIT_COLUMNS, "orbit")
    first = (tmp_path / f"a.{fmt}").read_bytes()
    assert first[:2] == b"\x1f\x8b" and first == (tmp_path / f"b.{fmt}").read_bytes()
    assert gzip.decompress(first)
    back = read_contract_table(tmp_path / f"a.{fmt}", ORBIT_COLUMNS)
    pd.testing.assert_frame_equal(back, orbit[back.columns].reset_index(drop=True), rtol=1e-15)


@pytest.mark.parametrize("fmt", ["parquet", "fits", "csv", "fits.gz", "csv.gz"])
def test_tables_written_in_parts_have_the_bytes_of_one_write(tmp_path, small_observation, fmt):
    """The simulation writes long orbit tables part by part: same bytes as one write; the
    FITS file is the one astropy writes from the whole table."""
    orbit = small_observation[0]
    write_contract_table(orbit, tmp_path / f"whole.{fmt}", ORBIT_COLUMNS, "orbit")
    with contract_table_writer(
        tmp_path / f"parts.{fmt}", ORBIT_COLUMNS, "orbit", orbit.attrs, len(orbit)
    ) as writer:
        for begin in range(0, len(orbit), 700):
            writer.write(orbit.iloc[begin : begin + 700])
    parts = (tmp_path / f"parts.{fmt}").read_bytes()
    if fmt != "parquet":  # Parquet: a row group per part, the rows identical
        assert parts == (tmp_path / f"whole.{fmt}").read_bytes()
    pd.testing.assert_frame_equal(
        read_contract_table(tmp_path / f"parts.{fmt}", ORBIT_COLUMNS), orbit, check_exact=True
    )
    if fmt == "fits":
        hdu = fits.BinTableHDU.from_columns(
            [
                fits.Column(name.upper(), "D", unit=c.unit, array=orbit[name].to_numpy())
                for name, c in zip(orbit.columns, ORBIT_COLUMNS, strict=True)
            ],
            name="SC_DATA",
        )
        for key, value in orbit.attrs["time_system"].fits_keywords().items():
            hdu.header[key] = value
        hdu.header["ATTITUDE"] = ("MIDPOINT", "attitude columns hold at interval midpoint")
        fits.HDUList([fits.PrimaryHDU(), hdu]).writeto(tmp_path / "astropy.fits")
        assert parts == (tmp_path / "astropy.fits").read_bytes()
