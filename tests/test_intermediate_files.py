"""Typed intermediate files: each kind round-trips through its write/read, describes itself and
refuses what it is not; the logic the rule scripts call (tables, gathering) against its
definition."""

import dataclasses

import healpy as hp
import numpy as np
import pandas as pd
import pytest

from calet_aniso.analysis.headline import (
    COUNT_COLUMNS,
    DATA_COLUMNS,
    PVALUE_COLUMNS,
    analyse_sample,
    headline_table,
    read_headline_table,
    write_headline_table,
    write_row,
)
from calet_aniso.analysis.skymaps import SkyMaps
from calet_aniso.config.energy_selections import EnergySelection
from calet_aniso.exposure.average import AverageExposure
from calet_aniso.exposure.livetime_cube import LivetimeCube
from calet_aniso.exposure.node_maps import NodeExposure
from calet_aniso.io.files import read_parquet_metadata
from calet_aniso.montecarlo.bands import band_row, write_bands
from calet_aniso.montecarlo.expected_counts import (
    expected_counts_table,
    mean_count,
    write_expected_counts,
)
from calet_aniso.montecarlo.sampler import IsotropicSky, NestedSky, run_nested, shard_range
from calet_aniso.montecarlo.samples import (
    gather_selection,
    read_samples,
    selection_meta,
    write_samples,
    write_shard,
)

NPIX = hp.nside2npix(4)


def test_livetime_cube_round_trip(tmp_path, rng):
    z = rng.normal(size=(5, 3))
    z /= np.linalg.norm(z, axis=1, keepdims=True)
    cube = LivetimeCube(z, np.roll(z, 1, axis=1), rng.uniform(1, 2, 5), 32, 2.0, "p")
    cube.write(tmp_path / "cube.parquet")
    back = LivetimeCube.read(tmp_path / "cube.parquet")
    for field in dataclasses.fields(cube):
        np.testing.assert_array_equal(getattr(back, field.name), getattr(cube, field.name))
    assert read_parquet_metadata(tmp_path / "cube.parquet")["units"]["livetime"] == "s"
    pd.DataFrame({"zx": [1.0]}).to_parquet(tmp_path / "other.parquet")
    with pytest.raises(ValueError, match=r"other\.parquet: not a live-time cube"):
        LivetimeCube.read(tmp_path / "other.parquet")


def test_node_exposure_round_trip_and_node_check(tmp_path, response, rng):
    maps = rng.uniform(0, 1e9, (len(response.energies_gev), NPIX))
    NodeExposure(response.energies_gev, maps, "p").write(tmp_path / "nodes.fits")
    back = NodeExposure.read(tmp_path / "nodes.fits", response)
    np.testing.assert_array_equal(back.maps_m2s, maps)
    np.testing.assert_array_equal(back.energies_gev, response.energies_gev)
    assert back.period == "p"
    np.testing.assert_allclose(back.total_m2ssr(), maps.sum(axis=1) * 4 * np.pi / NPIX)
    shifted = dataclasses.replace(response, energies_gev=response.energies_gev * 1.01)
    with pytest.raises(ValueError, match=r"nodes\.fits: exposure maps at nodes"):
        NodeExposure.read(tmp_path / "nodes.fits", shifted)
    fewer = NodeExposure(response.energies_gev[:-1], maps[:-1])
    fewer.write(tmp_path / "fewer.fits")
    with pytest.raises(ValueError, match="recompute the exposure"):
        NodeExposure.read(tmp_path / "fewer.fits", response)


def test_average_exposure_and_sky_maps_round_trip(tmp_path, rng):
    average = AverageExposure(125.0, 42, rng.uniform(1, 2, NPIX), "p")
    average.write(tmp_path / "average.fits")
    back = AverageExposure.read(tmp_path / "average.fits")
    assert (back.threshold_gev, back.n_events, back.period) == (125.0, 42, "p")
    np.testing.assert_array_equal(back.exposure_m2s, average.exposure_m2s)
    assert hp.read_map(tmp_path / "average.fits").shape == (NPIX,)
    maps = SkyMaps(
        rng.poisson(3, NPIX).astype(float),
        rng.uniform(0, 3, NPIX),
        rng.uniform(0, 9, NPIX),
        average.exposure_m2s,
        2,
        125.0,
        50,
        0.01,
        "p",
    )
    maps.write(tmp_path / "sky.fits")
    again = SkyMaps.read(tmp_path / "sky.fits")
    for field in dataclasses.fields(maps):
        np.testing.assert_array_equal(getattr(again, field.name), getattr(maps, field.name))
    with pytest.raises(ValueError, match=r"average\.fits: not a sky-map file"):
        SkyMaps.read(tmp_path / "average.fits")


def test_shards_gather_into_each_selection_and_bands_follow(tmp_path):
    """Shards of the nested Monte Carlo (two selections: E >= 125 GeV summing two elementary
    bins, and the bin 125-250 GeV) gather into each selection's whole, in sample order."""
    selections = [EnergySelection(125.0), EnergySelection(125.0, 250.0, "bin")]
    exposure = np.linspace(1, 2, NPIX)
    nested = NestedSky.from_exposures(
        [exposure, exposure], [exposure, exposure[::-1]], [150.0, 150.0], [(0, 1), (0,)], 0.0
    )
    np.testing.assert_allclose(nested.mean_counts, [300.0, 150.0])
    whole = run_nested(nested, 4, 0, 0, 50)
    paths = []
    for shard in range(3):
        first, count = shard_range(50, 3, shard)
        paths.append(tmp_path / f"shard_{shard}.parquet")
        tables = run_nested(nested, 4, 0, first, count)
        write_shard(tables, selections, nested.mean_counts, paths[-1], 4)
    for index, selection in enumerate(selections):
        samples, meta = gather_selection(reversed(paths), selection.label, 50)
        pd.testing.assert_frame_equal(samples, pd.DataFrame(whole[index]))
        assert meta == selection_meta(selection, nested.mean_counts[index], 4)
    samples, meta = gather_selection(paths, "125", 50)
    for incomplete in (paths[:2], paths[1:], [paths[0], *paths]):
        with pytest.raises(ValueError, match="exactly once"):
            gather_selection(incomplete, "125", 50)
    with pytest.raises(ValueError, match="no Monte Carlo samples of selection 500"):
        gather_selection(paths, "500", 50)
    write_shard(run_nested(nested, 5, 0, 0, 17), selections, nested.mean_counts, paths[0], 5)
    with pytest.raises(ValueError, match="disagree"):
        gather_selection(paths, "125", 50)
    row = band_row(samples, meta)
    assert row["mc_samples"] == 50 and row["mc_mean_count"] == pytest.approx(300.0)
    assert row["mc_delta_med"] == pytest.approx(np.median(whole[0]["delta"]))
    write_bands(row, tmp_path / "bands.parquet", meta)
    write_samples(samples, tmp_path / "selection.parquet", selections[0], 300.0, 4)
    assert read_samples(tmp_path / "selection.parquet")[1]["selection"] == "125"


def test_headline_table_orders_columns_and_joins_bands(tmp_path, rng):
    rows, bands = [], []
    for threshold in (250.0, 125.0):
        counts = rng.poisson(5, NPIX).astype(float)
        row = analyse_sample(threshold, counts, counts * 1.1)
        assert list(row) == DATA_COLUMNS
        write_row(row, tmp_path / f"row_{threshold:g}.parquet")
        rows.append(pd.read_parquet(tmp_path / f"row_{threshold:g}.parquet"))
        bands.append(pd.DataFrame([{"threshold_gev": threshold, "mc_mean_count": 10 * threshold}]))
    counts = expected_counts_table(
        np.array([2500.0, 1240.0]), [125.0, 250.0], np.full(2600, 300.0), "model", [0.05, 0.06]
    )
    table = headline_table(rows, bands, counts)
    assert table["threshold_gev"].tolist() == [125.0, 250.0]
    assert list(table.columns) == [*DATA_COLUMNS, "mc_mean_count", *COUNT_COLUMNS.values()]
    # With a direction: its component, and from the isotropic samples its error, limit, p.
    for row in rows:
        row["delta_toward_vela"] = 0.01
    isotropic = {
        t: pd.DataFrame(
            {"delta_toward_vela": [-0.02, 0.0, 0.02, 0.03]}
            | {name: row[name].iloc[0] * np.array([0.5, 1.0, 1.5, 2.0]) for name in PVALUE_COLUMNS}
        )
        for t, row in zip((250.0, 125.0), rows, strict=True)
    }
    toward = headline_table(rows, bands, counts, isotropic)
    assert toward.columns[len(DATA_COLUMNS)] == "delta_toward_vela"
    assert toward["delta_toward_vela_pvalue"].tolist() == [0.6, 0.6]  # (2 + 1) / (4 + 1)
    for name in PVALUE_COLUMNS:  # three of four isotropic skies at least as large
        assert toward[f"{name}_pvalue"].tolist() == [0.8, 0.8]  # (3 + 1) / (4 + 1)
    assert table["mc_mean_count"].tolist() == [1250.0, 2500.0]
    assert table["expected_model_count"].tolist() == [2500.0, 1240.0]
    write_headline_table(table, tmp_path / "h.parquet", tmp_path / "h.csv", "p")
    pd.testing.assert_frame_equal(read_headline_table(tmp_path / "h.parquet"), table)
    with pytest.raises(ValueError, match="not a headline table"):
        read_headline_table(tmp_path / "row_125.parquet")


def test_expected_counts_table_and_lookup(tmp_path):
    energies = np.array([130.0, 260.0, 600.0, 1200.0, 90.0])
    sys = [0.05, 0.05]
    table = expected_counts_table(np.array([4.5, 2.5]), [125, 250], energies, "observed", sys)
    assert table["observed"].tolist() == [4, 3] and table["mean_count"].tolist() == [4.0, 3.0]
    model = expected_counts_table(np.array([4.5, 2.5]), [125, 250], energies, "model", sys)
    write_expected_counts(model, tmp_path / "e.parquet", "model", "table", "f.csv")
    assert mean_count(tmp_path / "e.parquet", 250.0) == 2.5
    with pytest.raises(ValueError, match="no expected count for E >= 500 GeV"):
        mean_count(tmp_path / "e.parquet", 500.0)
    with pytest.raises(ValueError, match="model' or 'observed"):
        expected_counts_table(np.array([1.0]), [125], energies, "both", [0.05])


def test_empty_threshold_sample_is_a_config_error_not_nan_maps(response):
    """A threshold above every event: a clear error naming the key (it used to give NaN maps
    and a Monte Carlo that never ended); and the Monte Carlo refuses a NaN exposure."""
    from calet_aniso.errors import ConfigError
    from calet_aniso.exposure.average import selection_average

    nodes = NodeExposure(response.energies_gev, np.ones((len(response.energies_gev), NPIX)))
    average = selection_average(nodes, response, np.array([150.0, 600.0]), 125.0, "p")
    assert average.n_events == 2 and np.all(average.exposure_m2s == 1.0)
    with pytest.raises(ConfigError, match=r"analysis\.thresholds_gev.*no event at or above 5000"):
        selection_average(nodes, response, np.array([150.0, 600.0]), 5000.0, "p")
    empty_bin = EnergySelection(200.0, 500.0, "bin")
    with pytest.raises(ConfigError, match=r"energy_bins_gev.*no event with 200 <= E < 500 GeV"):
        selection_average(nodes, response, np.array([150.0, 600.0]), empty_bin, "p")
    with pytest.raises(ValueError, match="finite mean count"):
        IsotropicSky.from_exposure(np.full(NPIX, np.nan), np.nan, 0.0)


def test_model_count_that_disagrees_with_the_data_stops_the_run():
    """Poisson ⊕ flux systematics: 10 000 expected vs 10 300 observed with 5 % systematics is
    0.6σ; 2 730 expected vs 30 000 observed stops with both numbers and the key, unless the
    user takes the observed count."""
    from calet_aniso.errors import ConfigError
    from calet_aniso.montecarlo.expected_counts import check_expected_counts, count_deviation

    assert count_deviation(10_000.0, 10_300.0, 0.05) == pytest.approx(
        -300 / np.sqrt(10_300 + 500.0**2)
    )
    assert count_deviation(4.0, 0.0, 0.0) == pytest.approx(2.0)  # nothing observed: √expected
    energies = np.full(30_000, 300.0)
    table = expected_counts_table(np.array([2730.0]), [125.0], energies, "model", [0.05])
    with pytest.raises(
        ConfigError,
        match=r"mc\.expected_counts.*predicts 2730\.0 events with "
        r"E >= 125 GeV, 30000 were observed",
    ):
        check_expected_counts(table, "model", 3.0)
    check_expected_counts(table, "observed", 3.0)
    fine = expected_counts_table(np.array([29_500.0]), [125.0], energies, "model", [0.05])
    check_expected_counts(fine, "model", 3.0)


def test_systematic_fraction_above_thresholds():
    from calet_aniso.flux_tables import systematic_fraction_above

    table = pd.DataFrame(
        {
            "energy_gev": [150.0, 300.0],
            "energy_low_gev": [100.0, 200.0],
            "energy_high_gev": [200.0, 400.0],
            "flux": [1.0, 0.1],
            "sys_err_low": [0.05, 0.02],
            "sys_err_high": [0.04, 0.01],
        }
    )
    got = systematic_fraction_above(table, [100.0, 250.0, 500.0])
    np.testing.assert_allclose(got[:2], [(5.0 + 4.0) / (100.0 + 20.0), 0.2])
    assert np.isnan(got[2])


def test_sky_maps_refuse_an_average_exposure_of_other_events(response):
    from calet_aniso.analysis.skymaps import sky_maps

    nodes = NodeExposure(response.energies_gev, np.ones((len(response.energies_gev), NPIX)))
    stale = AverageExposure(125.0, 3, np.ones(NPIX))
    with pytest.raises(ValueError, match="average exposure of E >= 125 GeV is of 3 events"):
        sky_maps(stale, nodes, response, np.array([200.0]), np.array([10.0]), np.array([5.0]), 0.0)


def test_neyman_belt_round_trip_and_limits(tmp_path):
    """A belt written and read back gives the same limits; below the belt 0, above its grid
    the last segment extended."""
    from calet_aniso.montecarlo.neyman_belt import NeymanBelt

    belt = NeymanBelt(125.0, np.array([0.0, 1.0, 2.0]), np.array([0.5, 0.9, 1.9]), 600, 0.5)
    belt.write(tmp_path / "belt.parquet")
    back = NeymanBelt.read(tmp_path / "belt.parquet")
    np.testing.assert_array_equal(back.quantile, belt.quantile)
    assert (back.threshold_gev, back.skies_per_point, back.sigma) == (125.0, 600, 0.5)
    limits = back.upper_limit(np.array([0.4, 0.7, 0.9, 2.9]))
    np.testing.assert_allclose(limits, [0.0, 0.5, 1.0, 3.0])
    assert back.contains(np.array([0.4, 0.7]), 0.0).tolist() == [False, True]
    with pytest.raises(ValueError, match="not a Neyman belt"):
        NeymanBelt.read(_plain_table(tmp_path / "other.parquet"))


def _plain_table(path):
    pd.DataFrame({"a": [1]}).to_parquet(path)
    return path
