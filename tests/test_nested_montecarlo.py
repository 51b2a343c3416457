"""Energy selections and the nested Monte Carlo: elementary bins, the kernel against anafast on
the summed maps, nesting sample by sample, the same distribution as independent skies, and
the global p-value against independent and identical tests."""

import math

import healpy as hp
import numpy as np
import pytest
from scipy import stats

from calet_aniso.analysis.global_significance import global_pvalue, sample_pvalues
from calet_aniso.config.energy_selections import (
    EnergySelection,
    check_energy_bins,
    elementary_bins,
    energy_bins,
)
from calet_aniso.errors import ConfigError
from calet_aniso.montecarlo.sampler import (
    SAMPLE_BLOCK,
    IsotropicSky,
    NestedSky,
    counts_maps,
    run_nested,
    run_samples,
    shard_range,
)

FERMI = "resources/limits/fermi_lat_7yr_dipole_ul_digitized.csv"


def exposure_shape(nside, tilt):
    theta, phi = hp.pix2ang(nside, np.arange(hp.nside2npix(nside)))
    return 1.0 + 0.6 * np.cos(theta) ** 2 + tilt * np.sin(phi) * np.sin(theta)


def test_selections_labels_contents_and_elementary_bins():
    threshold, closed, open_bin = (
        EnergySelection(125.0),
        EnergySelection(133.154, 177.784, "bin"),
        EnergySelection(1998.05, math.inf, "bin"),
    )
    assert [s.label for s in (threshold, closed, open_bin)] == [
        "125",
        "133.154-177.784",
        "1998.05-inf",
    ]
    energies = np.array([125.0, 133.154, 177.784, 5000.0])
    assert closed.contains(energies).tolist() == [False, True, False, False]
    assert threshold.contains(energies).all()
    keys = {s.stream_key() for s in (threshold, closed, open_bin, EnergySelection(133.154))}
    assert len(keys) == 4 and threshold.stream_key() == 125_000  # thresholds keep their streams
    nested = elementary_bins([EnergySelection(125.0), EnergySelection(250.0), closed])
    assert [b.label for b in nested.bins] == [
        "125-133.154",
        "133.154-177.784",
        "177.784-250",
        "250-inf",
    ]
    assert nested.members == ((0, 1, 2, 3), (3,), (1,))


def test_fermi_default_bins_and_checks_of_explicit_edges():
    bins = energy_bins("fermi_lat_2017", [125.0, 250.0], FERMI)
    assert bins[0].label == "133.154-177.784" and bins[-1].label == "1998.05-inf"
    assert all(b.min_gev >= 125.0 for b in bins) and len(bins) == 6
    assert [b.label for b in energy_bins([30, 60, math.inf], [20.0], FERMI)] == ["30-60", "60-inf"]
    check_energy_bins([30, 60, math.inf])
    check_energy_bins([])
    for bad, message in (
        ([30], "one edge"),
        ([60, 30], "increase"),
        ([30, math.inf, 90], "finite"),
    ):
        with pytest.raises(ConfigError, match=rf"energy_bins_gev.*{message}"):
            check_energy_bins(bad)


def nested_example(nside=8, min_relative_exposure=0.7):
    """Three elementary bins (events, events, pixels drawn) and three selections with different
    masks: a threshold summing all bins, a threshold of the top bin, a bin of the lower two."""
    npix = hp.nside2npix(nside)
    bins = [exposure_shape(nside, t) for t in (0.1, 0.3, -0.2)]
    selection_bins = [(0, 1, 2), (2,), (0, 1)]
    counts = [300.0, 150.0, 5.0 * npix]
    selections = [
        sum(c * b / b.sum() for i, (c, b) in enumerate(zip(counts, bins, strict=True)) if i in m)
        for m in selection_bins
    ]
    nested = NestedSky.from_exposures(
        selections, bins, counts, selection_bins, min_relative_exposure
    )
    return nested, selection_bins


def test_nested_kernel_equals_anafast_on_each_selections_summed_map():
    """Samples in the first, a middle and the last (partial) block the kernel draws side by
    side, each against anafast on its own maps (drawn sample by sample)."""
    nested, selection_bins = nested_example()
    assert [b.method for b in nested.bins] == ["events", "events", "pixels"]
    assert all(0 < c.sum() < c.size for c in nested.counted)  # every selection masks some sky
    count = 2 * SAMPLE_BLOCK + 5
    result = run_nested(nested, seed=3, stream_index=0, first=7, count=count)
    for row in (0, SAMPLE_BLOCK + 1, count - 1):
        maps = counts_maps(nested, 3, 0, 7 + row)
        for s, members in enumerate(selection_bins):
            counts = maps[list(members)].sum(axis=0) * nested.counted[s]
            assert counts.sum() == result[s]["n_events"][row]
            for suffix, sky_map in (("", counts * nested.weights[s]), ("_uncorrected", counts)):
                expected = hp.anafast(sky_map, lmax=3, iter=0)
                got = np.array([result[s][f"c{ell}{suffix}"][row] for ell in range(4)])
                np.testing.assert_allclose(got, expected, rtol=1e-10, atol=0)


def test_nested_samples_do_not_depend_on_shards_or_threads():
    """The nested kernel draws samples in blocks: split into shards that cut blocks anywhere,
    on one numba thread or two, every column of every selection is the same bits."""
    import numba

    nested, _ = nested_example()
    count = 2 * SAMPLE_BLOCK + 11
    threads = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        whole = run_nested(nested, 4, 0, 3, count)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        two = run_nested(nested, 4, 0, 3, count)
    finally:
        numba.set_num_threads(threads)
    for s, columns in enumerate(whole):
        for name, values in columns.items():
            np.testing.assert_array_equal(two[s][name], values, err_msg=name)
    for n_shards in (3, 7):
        parts = [
            run_nested(nested, 4, 0, 3 + first, size)
            for first, size in (shard_range(count, n_shards, s) for s in range(n_shards))
        ]
        for s, columns in enumerate(whole):
            for name, values in columns.items():
                joined = np.concatenate([p[s][name] for p in parts])
                np.testing.assert_array_equal(joined, values, err_msg=f"{n_shards} {name}")


def test_thresholds_are_nested_sample_by_sample():
    """Without masks, a threshold's events are exactly its bins' events in every sample: the
    count above the lower threshold is the sum of the bin below and the threshold above."""
    nested, _ = nested_example(min_relative_exposure=0.0)
    # selections: all bins, the top bin, the lower two bins
    result = run_nested(nested, seed=9, stream_index=0, first=0, count=200)
    np.testing.assert_array_equal(
        result[0]["n_events"], result[1]["n_events"] + result[2]["n_events"]
    )


def test_nested_skies_have_the_distribution_of_independent_skies():
    """A threshold summing two elementary bins against its own isotropic sky N̄ Ā(p) / Σ Ā
    (Ā the count-weighted mean of the bins'): δ and C2/C0 agree in distribution
    (two-sample Kolmogorov–Smirnov, 3000 skies each)."""
    nside = 8
    bins = [exposure_shape(nside, 0.4), exposure_shape(nside, -0.4)]
    counts = [400.0, 200.0]
    combined = sum(c * b / b.sum() for c, b in zip(counts, bins, strict=True))
    nested = NestedSky.from_exposures([combined], bins, counts, [(0, 1)], 0.0)
    together = run_nested(nested, 2, 0, 0, 3000)[0]
    alone = run_samples(IsotropicSky.from_exposure(combined, 600.0, 0.0), 2, 1, 0, 3000)
    for name in ("delta", "c2_over_c0", "n_events"):
        assert stats.ks_2samp(together[name], alone[name]).pvalue > 0.001, name


def test_global_pvalue_of_independent_tests_follows_sidak_and_of_identical_ones_is_local(rng):
    """T independent uniform tests: the calibrated global p-value is 1 − (1 − p_min)^T (within
    its binomial error); T copies of one test: it is the local p-value."""
    n, tests = 20_000, 6
    isotropic = {(str(t), "x"): rng.random(n) for t in range(tests)}
    for local in (0.001, 0.01, 0.05):
        measured = {key: 0.5 for key in isotropic}
        measured[("3", "x")] = 1.0 - local  # p-value of the value 1 − p: p
        result = global_pvalue(measured, isotropic)
        assert result["min_pvalue"] == pytest.approx(local, rel=0.15)
        assert result["min_pvalue_selection"] == "3" and result["tests"] == tests
        expected = 1.0 - (1.0 - result["min_pvalue"]) ** tests
        error = np.sqrt(expected * (1 - expected) / n)
        assert abs(result["global_pvalue"] - expected) < 4 * error + 1 / n
    same = rng.random(n)
    copies = {(str(t), "x"): same for t in range(tests)}
    result = global_pvalue({key: 0.99 for key in copies}, copies)
    assert result["global_pvalue"] == pytest.approx(result["min_pvalue"], abs=2 / n)
    assert sample_pvalues(np.array([3.0, 1.0, np.nan, 2.0])).tolist() == [0.25, 0.75, 1.0, 0.5]


@pytest.mark.parametrize(("mean_count", "min_relative_exposure"), [(400.0, 0.7), (5000.0, 0.0)])
def test_single_sky_fast_path_equals_the_nested_kernel(
    monkeypatch, mean_count, min_relative_exposure
):
    """One selection of one bin (belts, injections) takes a fast path without the draw buffer:
    every column bit for bit the nested kernel's (events and pixels drawn, with a mask)."""
    from calet_aniso.montecarlo import sampler

    sky = IsotropicSky.from_exposure(exposure_shape(8, 0.3), mean_count, min_relative_exposure)
    single = NestedSky.single(sky)
    assert sampler._single(single)
    fast = run_nested(single, 6, 4, 2, 60, {"pole": np.array([0.0, 0.0, 1.0])})[0]
    monkeypatch.setattr(sampler, "_single", lambda nested: False)
    buffered = run_nested(single, 6, 4, 2, 60, {"pole": np.array([0.0, 0.0, 1.0])})[0]
    for name, values in fast.items():
        np.testing.assert_array_equal(buffered[name], values, err_msg=name)
