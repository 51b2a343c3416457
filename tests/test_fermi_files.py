"""Fermi-LAT FT1/FT2 files go through ingest as the Fermi tools write them: vector columns,
attitude at interval starts, the time system from the headers, GTIs, SAA intervals."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from astropy.coordinates import SkyCoord
from astropy.io import fits
from conftest import INGEST_30
from fermi_files import write_fermi_period

from calet_aniso.errors import ConfigError, InputError
from calet_aniso.ingest.normalise import ingest
from calet_aniso.ingest.time_system import TimeSystem

FERMI_MET = TimeSystem("2001-01-01T00:01:04.184", "tt")
DROP = dataclasses.replace(INGEST_30, min_energy_gev=20.0, outside_livetime="drop")


@pytest.fixture(scope="module")
def fermi(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fermi")
    truth = write_fermi_period(folder)
    result = ingest(
        [str(folder / "ft2.fits")], [str(folder / "ft1.fits")], None, DROP, attitude_at="auto"
    )
    return folder, truth, result


def separation_deg(ra1, dec1, ra2, dec2):
    a = SkyCoord(ra=ra1, dec=dec1, unit="deg")
    return a.separation(SkyCoord(ra=ra2, dec=dec2, unit="deg")).deg


def test_ft1_ft2_ingest_with_headers_gtis_and_start_convention(fermi):
    _, truth, result = fermi
    assert result.time_system.same_as(FERMI_MET)
    report = result.report
    assert [f["attitude_at"] for f in report["orbit"]["files"]] == ["start"]
    dropped = report["events"]["files"][0]["dropped"]
    assert dropped == truth.dropped and dropped["outside_gti"] > 50 and dropped["zero_livetime"] > 5
    kept = len(truth.event_time) - sum(truth.dropped.values())
    assert report["events"]["rows_out"] == kept and len(result.events) == kept
    # The exposure's live time covers the GTIs only.
    assert report["orbit"]["gti"]["applied"]
    assert result.orbit["livetime"].sum() == pytest.approx(truth.good_livetime_s, rel=1e-12)
    # Directions recomputed from (THETA, PHI) and the start-convention attitude.
    events = result.events
    order = np.searchsorted(truth.event_time, events["time"].to_numpy())
    true_ra, true_dec = (a[order] for a in truth.event_radec)
    sep = separation_deg(events["ra"], events["dec"], true_ra, true_dec)
    assert sep.max() < 0.05, sep.max()
    assert np.median(sep) < 2e-4  # float32 columns: about 1e-5 deg
    assert report["events"]["radec_check"]["rows_checked"] == kept
    assert report["events"]["lb_check"]["max_separation_deg"] < 0.05


def test_midpoint_reading_of_ft2_is_caught_by_the_direction_check(fermi):
    """Read as if the attitude held at midpoints, directions are off by half an interval's
    rotation (about 0.9°): the (RA, Dec) cross-check refuses the file."""
    folder, _, _ = fermi
    with pytest.raises(InputError, match=r"ft1\.fits: column 'ra': \(ra, dec\) disagrees"):
        ingest(
            [str(folder / "ft2.fits")],
            [str(folder / "ft1.fits")],
            None,
            DROP,
            attitude_at="midpoint",
        )


@pytest.mark.parametrize(("attitude_format", "tolerance_deg"), [("D", 1e-6), ("E", 3e-5)])
def test_same_period_as_parquet_in_midpoint_convention(
    tmp_path, response, attitude_format, tolerance_deg
):
    """The FT2 attitude moved to interval midpoints independently (scipy Slerp), written as
    Parquet with the events: the same event directions to 1e-6° and the same exposure and
    multipoles. With the FSSC's float32 attitude columns, the rounding (about 1e-5°) makes
    the rotation rate vary from interval to interval, and interpolating between starts or
    between midpoints then differs by that much."""
    from fermi_files import midpoint_attitude

    from calet_aniso.analysis.headline import analyse_sample
    from calet_aniso.analysis.skymaps import sample_sky_maps
    from calet_aniso.exposure.livetime_cube import livetime_cube
    from calet_aniso.exposure.node_maps import NodeExposure
    from calet_aniso.exposure.projection import exposure_from_cube
    from calet_aniso.geometry.frames import lonlat
    from calet_aniso.ingest.contract import EVENT_COLUMNS, ORBIT_COLUMNS
    from calet_aniso.io.contract_tables import read_contract_table, write_contract_table

    folder = tmp_path / "fermi"
    write_fermi_period(folder, attitude_format=attitude_format)
    from_fits = ingest(
        [str(folder / "ft2.fits")], [str(folder / "ft1.fits")], None, DROP, attitude_at="auto"
    )
    orbit = read_contract_table(folder / "ft2.fits", ORBIT_COLUMNS)
    axes = tuple(orbit[c].to_numpy() for c in ("ra_scz", "dec_scz", "ra_scx", "dec_scx"))
    mid = midpoint_attitude(orbit["start"].to_numpy(), orbit["stop"].to_numpy(), axes)
    orbit["ra_scz"], orbit["dec_scz"] = lonlat(mid[:, :, 2])
    orbit["ra_scx"], orbit["dec_scx"] = lonlat(mid[:, :, 0])
    events = read_contract_table(folder / "ft1.fits", EVENT_COLUMNS)
    with fits.open(folder / "ft1.fits") as hdul:
        gti = np.stack([hdul["GTI"].data["START"], hdul["GTI"].data["STOP"]], axis=1)
    in_gti = np.zeros(len(events), dtype=bool)
    for low, high in gti:
        in_gti |= events["time"].between(low, high).to_numpy()
    # GTIs applied by hand: the live time scaled as ingest does, outside events removed.
    length = (orbit["stop"] - orbit["start"]).to_numpy()
    overlap = sum(
        np.clip(np.minimum(orbit["stop"], high) - np.maximum(orbit["start"], low), 0, None)
        for low, high in gti
    )
    orbit["livetime"] *= np.divide(overlap, length, out=np.zeros_like(length), where=length > 0)
    orbit.attrs = {"time_system": FERMI_MET, "attitude_at": "midpoint"}
    events = events[in_gti]
    events.attrs = {"time_system": FERMI_MET}
    write_contract_table(orbit, tmp_path / "orbit.parquet", ORBIT_COLUMNS, "orbit")
    write_contract_table(events, tmp_path / "events.parquet", EVENT_COLUMNS, "events")
    from_parquet = ingest(
        [str(tmp_path / "orbit.parquet")],
        [str(tmp_path / "events.parquet")],
        None,
        DROP,
        attitude_at="auto",
    )
    a, b = from_fits.events, from_parquet.events
    np.testing.assert_array_equal(a["time"], b["time"])
    assert separation_deg(a["ra"], a["dec"], b["ra"], b["dec"]).max() < tolerance_deg
    gal = separation_deg(a["l"], a["b"], b["l"], b["b"])  # same formula: separation
    assert gal.max() < tolerance_deg
    np.testing.assert_allclose(from_fits.orbit["livetime"], from_parquet.orbit["livetime"])
    if attitude_format == "E":
        return  # directions differ by the float32 rounding: exposures are compared in float64

    rows = {}
    for name, result in (("fits", from_fits), ("parquet", from_parquet)):
        cube = livetime_cube([result.orbit], 32, 2.0)
        nodes = NodeExposure(response.energies_gev, exposure_from_cube(cube, response, 16))
        e = result.events
        maps = sample_sky_maps(
            nodes, response, e["energy"].to_numpy(), e["l"].to_numpy(), e["b"].to_numpy(), 0.01
        )
        rows[name] = (nodes.maps_m2s, analyse_sample(20.0, maps.counts, maps.weighted))
    np.testing.assert_allclose(rows["fits"][0], rows["parquet"][0], rtol=1e-9, atol=1e-6)
    for key, value in rows["fits"][1].items():
        assert rows["parquet"][1][key] == pytest.approx(value, rel=1e-9, abs=1e-12), key


def test_time_system_contradictions_are_errors(fermi, tmp_path):
    folder, _, _ = fermi
    unix = TimeSystem("1970-01-01T00:00:00", "utc")
    with pytest.raises(InputError, match=r"ft2\.fits: the file's time system .* differs"):
        ingest(
            [str(folder / "ft2.fits")], [str(folder / "ft1.fits")], unix, DROP, attitude_at="auto"
        )
    # The right restatement is accepted.
    ingest(
        [str(folder / "ft2.fits")], [str(folder / "ft1.fits")], FERMI_MET, DROP, attitude_at="auto"
    )
    # Two files of one period with different references.
    with fits.open(folder / "ft1.fits") as hdul:
        hdul["EVENTS"].header["MJDREFF"] = 0.0
        hdul.writeto(tmp_path / "ft1_other_reference.fits")
    with pytest.raises(InputError, match=r"ft1_other_reference\.fits: the file's time system"):
        ingest(
            [str(folder / "ft2.fits")],
            [str(tmp_path / "ft1_other_reference.fits")],
            None,
            DROP,
            attitude_at="auto",
        )


def test_no_stated_time_system_needs_the_config(small_observation, tmp_path):
    from calet_aniso.ingest.contract import EVENT_COLUMNS, ORBIT_COLUMNS
    from calet_aniso.io.contract_tables import write_contract_table

    orbit, events, _, _ = small_observation
    write_contract_table(orbit, tmp_path / "orbit.csv", ORBIT_COLUMNS, "orbit")
    write_contract_table(events, tmp_path / "events.csv", EVENT_COLUMNS, "events")
    with pytest.raises(ConfigError, match="config key 'time_system': no file states"):
        ingest(
            [str(tmp_path / "orbit.csv")],
            [str(tmp_path / "events.csv")],
            None,
            INGEST_30,
            attitude_at="auto",
        )


def test_saa_events_are_an_error_by_default(fermi):
    folder, _, _ = fermi
    strict = dataclasses.replace(DROP, outside_livetime="error")
    with pytest.raises(
        InputError,
        match=r"ft1\.fits: column 'time': event time in an interval "
        r"with zero live time .*outside_livetime: drop",
    ):
        ingest(
            [str(folder / "ft2.fits")], [str(folder / "ft1.fits")], None, strict, attitude_at="auto"
        )


def test_vector_column_with_a_contract_name_is_refused(tmp_path):
    from calet_aniso.ingest.contract import ORBIT_COLUMNS
    from calet_aniso.io.contract_tables import read_raw_table

    columns = [
        fits.Column("START", "D", "s", array=np.arange(3.0)),
        fits.Column("STOP", "D", "s", array=np.arange(3.0) + 1),
        fits.Column("LIVETIME", "2D", "s", array=np.zeros((3, 2))),
    ]
    fits.BinTableHDU.from_columns(columns, name="SC_DATA").writeto(tmp_path / "ft2.fits")
    with pytest.raises(InputError, match=r"column 'LIVETIME': vector-valued column"):
        read_raw_table(tmp_path / "ft2.fits", ORBIT_COLUMNS)


def test_good_times_union_and_overlap():
    from calet_aniso.ingest.good_times import GoodTimes

    good = GoodTimes(np.array([[10.0, 20.0], [0.0, 5.0], [15.0, 30.0], [40.0, 40.0]]))
    np.testing.assert_array_equal(good.intervals, [[0.0, 5.0], [10.0, 30.0]])
    np.testing.assert_array_equal(
        good.contains(np.array([-1.0, 0.0, 5.0, 7.0, 30.0, 31.0])),
        [False, True, True, False, True, False],
    )
    np.testing.assert_allclose(
        good.overlap(np.array([-5.0, 3.0, 6.0, 25.0]), np.array([0.0, 12.0, 8.0, 50.0])),
        [0.0, 4.0, 0.0, 5.0],
    )


def test_an_event_file_with_every_event_dropped(fermi, tmp_path):
    """A file whose events all lie outside its GTIs contributes nothing, and says so."""
    folder, _, _ = fermi
    with fits.open(folder / "ft1.fits") as hdul:
        gti = hdul["GTI"]
        gti.data["STOP"] = gti.data["START"] + 1e-3  # GTIs of a millisecond: nothing inside
        hdul.writeto(tmp_path / "ft1_no_good_time.fits")
    result = ingest(
        [str(folder / "ft2.fits")],
        [str(folder / "ft1.fits"), str(tmp_path / "ft1_no_good_time.fits")],
        None,
        DROP,
        attitude_at="auto",
    )
    files = result.report["events"]["files"]
    assert files[1]["rows_out"] == 0 and files[1]["dropped"]["outside_gti"] == files[1]["rows_in"]
