"""Periods that grow by the month: calendar months, their digests, monthly partial cubes summed
into the period's cube (exact), and a workflow that recomputes only the new month."""

import json
import re

import numpy as np
import pandas as pd
import pytest
import yaml
from astropy.time import Time
from conftest import REPO, iss_orbit, small_settings
from workflow_runs import clean, snakemake

from calet_aniso.config.schema import default_config
from calet_aniso.exposure.livetime_cube import (
    PartialCube,
    livetime_cube,
    month_batches,
    orbit_batches,
    partial_cube,
    sum_partial_cubes,
)
from calet_aniso.ingest.calendar_months import (
    DIGEST_COLUMNS,
    MonthDigests,
    month_bounds,
    month_label,
    next_month,
    previous_month,
)
from calet_aniso.ingest.contract import ATTITUDE_COLUMNS, EVENT_COLUMNS, ORBIT_COLUMNS
from calet_aniso.ingest.time_system import TimeSystem
from calet_aniso.io.contract_tables import write_contract_table
from calet_aniso.io.files import parquet_stream
from calet_aniso.simulation.observation import simulate_observation

FERMI_MET = TimeSystem("2001-01-01T00:01:04.184", "tt")
START, STOP = "2015-11-20T00:00:00", "2016-02-03T00:00:00"  # four months, a year's end


@pytest.fixture(scope="module")
def months_orbit(response, flux, time_system):
    """Ten weeks at 10 min cadence across a year's end: the orbit table and its months."""
    settings = small_settings(start_utc=START, stop_utc=STOP, cadence_s=600.0)
    orbit, _, _ = simulate_observation(settings, iss_orbit(START), time_system, response, flux)
    return orbit


def test_month_labels_and_bounds_in_any_time_system(time_system):
    assert next_month("2015-12") == "2016-01" and next_month("2016-01") == "2016-02"
    assert previous_month("2016-01") == "2015-12" and previous_month("2016-03") == "2016-02"
    # 2016 ends with a leap second: December lasts 31 days + 1 s of TT (Fermi's MET), 31
    # days of 86 400 s in the POSIX convention of the 'utc' scale.
    for system, seconds in ((time_system, 31 * 86400.0), (FERMI_MET, 31 * 86400.0 + 1.0)):
        low, high = month_bounds(system, "2016-12")
        assert high - low == pytest.approx(seconds, abs=1e-6)
        assert month_label(system, low) == "2016-12"
        assert month_label(system, high - 1e-3) == "2016-12"
        assert month_label(system, high) == "2017-01"
        # ISO strings are rounded to the ms: 0.2 ms before midnight still belongs to December
        assert month_label(system, high - 2e-4) == "2016-12"
        assert month_label(system, high + 2e-4) == "2017-01"
    with pytest.raises(ValueError, match="YYYY-MM"):
        month_bounds(time_system, "2016-13")


def test_month_digests_do_not_depend_on_how_rows_are_cut(months_orbit, time_system):
    columns = {name: months_orbit[name].to_numpy() for name in DIGEST_COLUMNS}
    whole = MonthDigests(time_system)
    whole.add(columns)
    cut = MonthDigests(time_system)
    for begin in range(0, len(months_orbit), 997):
        cut.add({k: v[begin : begin + 997] for k, v in columns.items()})
    assert cut.report() == whole.report()
    # Independent count: the UTC month of each start, by astropy.
    starts = Time(months_orbit["start"].to_numpy(), format="unix", scale="utc").isot
    expected = pd.Series([s[:7] for s in starts]).value_counts().sort_index()
    report = whole.report()
    assert list(report) == ["2015-11", "2015-12", "2016-01", "2016-02"]
    assert {m: r["rows"] for m, r in report.items()} == expected.to_dict()
    assert all((r["start"], r["stop"]) == month_bounds(time_system, m) for m, r in report.items())
    # A change in one month changes that month's digest only.
    changed = dict(columns, livetime=columns["livetime"].copy())
    changed["livetime"][5000] *= 0.5
    other = MonthDigests(time_system)
    other.add(changed)
    differs = [m for m in report if other.report()[m]["sha256"] != report[m]["sha256"]]
    assert differs == [month_label(time_system, columns["start"][5000])]


def test_monthly_partial_cubes_sum_to_the_one_shot_cube(tmp_path, months_orbit, time_system):
    """Fixed-point sums are exact: the months' partial cubes, summed in any order, give the
    bytes of the cube of the whole table in one pass, in any batch size."""
    path = tmp_path / "orbit.parquet"
    meta = {"time_system": {"epoch": time_system.epoch, "scale": time_system.scale}}
    with parquet_stream(path) as out:  # row groups of 1000 rows, cut across month bounds
        for begin in range(0, len(months_orbit), 1000):
            out.write(months_orbit.iloc[begin : begin + 1000], meta)
    months = ["2015-11", "2015-12", "2016-01", "2016-02"]
    counted = []
    partials = [
        partial_cube(month_batches(path, month_bounds(time_system, m), counted), 64, 2.0)
        for m in months
    ]
    assert sum(counted) == len(months_orbit)
    one_shot = livetime_cube(orbit_batches(months_orbit, size=len(months_orbit)), 64, 2.0)
    for order in (partials, partials[::-1]):
        summed = sum_partial_cubes(order).cube()
        summed.write(tmp_path / "summed.parquet")
        one_shot.write(tmp_path / "one_shot.parquet")
        assert (tmp_path / "summed.parquet").read_bytes() == (
            tmp_path / "one_shot.parquet"
        ).read_bytes()
    # Round trip of a partial cube file.
    partials[1].write(tmp_path / "dec.parquet", {"month": "2015-12"})
    back = PartialCube.read(tmp_path / "dec.parquet")
    assert np.array_equal(back.cells, partials[1].cells)
    assert np.array_equal(back.sums, partials[1].sums)
    # The cube against a float reference (bincount in float64): the fixed point costs nothing.
    live = months_orbit["livetime"].to_numpy()
    assert one_shot.livetime_s.sum() == pytest.approx(live[live > 0].sum(), rel=1e-12)


def test_a_month_added_recomputes_only_that_month(tmp_path, response, flux, time_system):
    """A period of files grows by a month: the rerun builds that month's cube and the sums,
    keeps every other month's cube (not rewritten), and the summed cube equals the one-shot
    cube of the whole normalised orbit table."""
    settings = small_settings(
        start_utc="2016-02-28T00:00:00", stop_utc="2016-03-02T00:00:00", cadence_s=120.0
    )
    orbit, events, _ = simulate_observation(
        settings, iss_orbit(settings.start_utc), time_system, response, flux
    )
    march = time_system.to_seconds("2016-03-01T00:00:00")
    data = tmp_path / "data"

    def write_month(name, rows, kept_events):
        write_contract_table(rows, data / f"orbit/orbit_{name}.fits", ORBIT_COLUMNS, "orbit")
        write_contract_table(
            kept_events, data / f"events/events_{name}.fits", EVENT_COLUMNS, "events"
        )

    in_feb = orbit["start"] < march
    write_month("2016-02", orbit[in_feb], events[events["time"] < march])
    period = "test_growing_period"
    cfg = {
        "period": period,
        "data": {
            "source": "files",
            "orbit": [str(data / "orbit/*.fits")],
            "events": [str(data / "events/*.fits")],
        },
        "analysis": {"thresholds_gev": [30], "nside": 16, "energy_bins_gev": []},
        "figures": {"exposure_thresholds_gev": [30]},
        "ingest": {"min_energy_gev": 30},
    }
    config_path = tmp_path / "period.yaml"
    config_path.write_text(yaml.safe_dump(cfg))
    months_dir = f"results/{period}/exposure/livetime_months"

    def run():
        proc = snakemake("--configfile", str(config_path), "--until", "livetime_cube")
        text = proc.stdout + proc.stderr
        return sorted(set(re.findall(r"Binning the live time of (\d{4}-\d{2})", text)))

    clean(period)
    try:
        assert run() == ["2016-02"]
        feb = REPO / months_dir / "livetime_2016-02.parquet"
        stamp = feb.stat().st_mtime_ns
        write_month("2016-03", orbit[~in_feb], events[events["time"] >= march])
        assert run() == ["2016-03"]  # only the new month
        assert feb.stat().st_mtime_ns == stamp
        out = REPO / f"results/{period}"
        report = json.loads((out / "ingest/ingest_report.json").read_text())
        assert list(report["orbit"]["months"]) == ["2016-02", "2016-03"]
        table = pd.read_parquet(out / "ingest/orbit.parquet")
        cube = default_config()["exposure"]  # the period's YAML leaves the defaults
        intervals = table[["livetime", *ATTITUDE_COLUMNS]]
        one_shot = livetime_cube([intervals], cube["cube_nside"], cube["roll_bin_deg"], period)
        one_shot.write(tmp_path / "one_shot.parquet")
        summed = (out / "exposure/livetime_cube.parquet").read_bytes()
        assert summed == (tmp_path / "one_shot.parquet").read_bytes()
    finally:
        clean(period)
