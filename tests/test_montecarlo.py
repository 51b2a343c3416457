"""Isotropic Monte Carlo: estimator vs anafast, Maxwell law, Poisson counts, shard independence."""

import itertools

import healpy as hp
import numpy as np
import pytest
from scipy import stats

from calet_aniso.analysis.headline import analyse_sample
from calet_aniso.analysis.skymaps import sky_maps
from calet_aniso.analysis.statistics import STATISTIC_COLUMNS, UNCORRECTED
from calet_aniso.exposure.average import AverageExposure
from calet_aniso.exposure.node_maps import NodeExposure
from calet_aniso.geometry.frames import unit_vector
from calet_aniso.montecarlo.alias import packed_alias_table
from calet_aniso.montecarlo.random_streams import new_stream, poisson, sample_key, uniform
from calet_aniso.montecarlo.sampler import IsotropicSky, counts_map, run_samples, shard_range


def nonuniform_exposure(nside):
    theta, phi = hp.pix2ang(nside, np.arange(hp.nside2npix(nside)))
    return 1.0 + 0.6 * np.cos(theta) ** 2 + 0.2 * np.sin(phi) * np.sin(theta)


@pytest.mark.parametrize(
    ("nside", "mean_count", "method"),
    [(16, 300.0, "events"), (64, 20_000.0, "events"), (16, 20_000.0, "pixels")],
)
def test_per_sample_multipoles_equal_anafast(nside, mean_count, method):
    sky = IsotropicSky.from_exposure(nonuniform_exposure(nside), mean_count, 0.0)
    assert sky.method == method
    result = run_samples(sky, seed=5, threshold_index=2, first=10, count=4)
    weight = sky.pixel_table[:, 2]
    for row in range(4):
        counts = counts_map(sky, 5, 2, 10 + row)
        assert counts.sum() == result["n_events"][row]
        for suffix, sky_map in (("", counts * weight), ("_uncorrected", counts)):
            expected = hp.anafast(sky_map, lmax=3, iter=0)
            got = np.array([result[f"c{ell}{suffix}"][row] for ell in range(4)])
            np.testing.assert_allclose(got, expected, rtol=1e-10, atol=0)


@pytest.mark.parametrize(
    ("min_relative_exposure", "mean_count"), [(0.0, 500.0), (0.8, 500.0), (0.0, 20_000.0)]
)
def test_monte_carlo_samples_through_the_data_path_give_identical_statistics(
    response, min_relative_exposure, mean_count
):
    """Each sample's events, placed at its pixels' centres with any energy, go through the
    data's own path (mask, eq. 3.1 weights from the average exposure, sky maps, headline
    row): every statistic equals the Monte Carlo's to rounding."""
    nside = 16
    average = 1e10 * nonuniform_exposure(nside)  # m² s
    sky = IsotropicSky.from_exposure(average, mean_count, min_relative_exposure)
    assert sky.method == ("pixels" if mean_count > 4 * len(average) else "events")
    directions = {"vela": unit_vector(263.55, -2.79), "pole": np.array([0.0, 0.0, 1.0])}
    result = run_samples(sky, seed=8, threshold_index=3, first=0, count=5, directions=directions)
    # Node maps all equal to the average: A(E, p) = Ā(p) at any energy.
    nodes = NodeExposure(response.energies_gev, np.tile(average, (len(response.energies_gev), 1)))
    for row in range(5):
        counts = counts_map(sky, 8, 3, row).astype(int)
        pixels = np.repeat(np.arange(len(counts)), counts)
        l_deg, b_deg = hp.pix2ang(nside, pixels, lonlat=True)
        energies = np.full(len(pixels), 300.0)
        maps = sky_maps(
            AverageExposure(100.0, len(pixels), average),
            nodes,
            response,
            energies,
            l_deg,
            b_deg,
            min_relative_exposure,
        )
        assert maps.masked_events == 0  # the Monte Carlo draws no event in a masked pixel
        data = analyse_sample(100.0, maps.counts, maps.weighted, directions)
        assert data["n_events"] == result["n_events"][row]
        towards = ("delta_toward_vela", "delta_toward_pole")
        for name in (*STATISTIC_COLUMNS, *towards):
            for column in (name, f"{name}{UNCORRECTED}") if name not in towards else (name,):
                np.testing.assert_allclose(
                    result[column][row], data[column], rtol=1e-9, atol=1e-12, err_msg=column
                )


@pytest.mark.parametrize(("nside", "n", "method"), [(16, 2000.0, "events"), (8, 5000.0, "pixels")])
def test_uniform_exposure_gives_maxwell_delta(nside, n, method):
    """δ̂ of N isotropic events on a uniform exposure: Maxwell with σ = √(3/N)."""
    sky = IsotropicSky.from_exposure(np.ones(hp.nside2npix(nside)), n, 0.0)
    assert sky.method == method
    result = run_samples(sky, seed=11, threshold_index=0, first=0, count=4000)
    # Scale each sample by its own N (Poisson fluctuates it): δ √N is Maxwell with σ = √3.
    scaled = result["delta_uncorrected"] * np.sqrt(result["n_events"])
    mean, sem = scaled.mean(), scaled.std(ddof=1) / np.sqrt(len(scaled))
    assert abs(mean - stats.maxwell.mean(scale=np.sqrt(3))) < 3 * sem
    assert stats.kstest(scaled, stats.maxwell(scale=np.sqrt(3)).cdf).pvalue > 0.01
    # The component toward a direction: Gaussian with σ = √(3/N) per component.
    toward = run_samples(sky, 11, 0, 0, 4000, {"vela": unit_vector(263.55, -2.79)})
    component = toward["delta_toward_vela"] * np.sqrt(toward["n_events"])
    assert abs(component.std(ddof=1) / np.sqrt(3.0) - 1.0) < 3 * np.sqrt(1 / (2 * 4000))
    assert abs(component.mean()) < 3 * np.sqrt(3.0 / 4000)
    # Uniform exposure: corrected and uncorrected maps are the same.
    np.testing.assert_allclose(result["delta"], result["delta_uncorrected"], rtol=1e-12)


@pytest.mark.parametrize("lam", [3.7, 1500.0])
def test_poisson_sampler(lam):
    import numba

    @numba.njit
    def draws(key, n):
        state = new_stream(key)
        return np.array([poisson(state, lam) for _ in range(n)])

    values = draws(np.uint64(99), 40_000)
    assert abs(values.mean() - lam) < 4 * np.sqrt(lam / len(values))
    assert abs(values.var() / lam - 1) < 4 * np.sqrt(2 / len(values))
    edges = np.arange(stats.poisson.ppf(1e-4, lam), stats.poisson.ppf(1 - 1e-4, lam) + 2) - 0.5
    observed, _ = np.histogram(values, edges)
    expected = len(values) * np.diff(stats.poisson.cdf(edges, lam))
    keep = expected > 5
    chi2 = ((observed[keep] - expected[keep]) ** 2 / expected[keep]).sum()
    assert stats.chi2.sf(chi2, keep.sum() - 1) > 1e-3


def test_uniform_stream_and_keys_differ():
    import numba

    @numba.njit
    def first_uniforms(seed, t, i):
        state = new_stream(sample_key(seed, t, i))
        return np.array([uniform(state) for _ in range(1000)])

    a = first_uniforms(1, 0, 0)
    assert stats.kstest(a, "uniform").pvalue > 1e-3
    assert not np.array_equal(a, first_uniforms(1, 0, 1))
    assert not np.array_equal(a, first_uniforms(1, 1, 0))
    assert not np.array_equal(a, first_uniforms(2, 0, 0))
    np.testing.assert_array_equal(a, first_uniforms(1, 0, 0))


def test_alias_table_reproduces_weights():
    weights = np.array([0.0, 1.0, 2.0, 7.0, 0.5])
    packed = packed_alias_table(weights)
    threshold = (packed >> np.uint64(24)).astype(float) / 2**32
    alias = (packed & np.uint64(2**24 - 1)).astype(int)
    implied = threshold / len(weights)
    np.add.at(implied, alias, (1 - threshold) / len(weights))
    np.testing.assert_allclose(implied, weights / weights.sum(), atol=1e-9)


def test_ring_poisson_counts_follow_the_exposure():
    """Per-ring Poisson counts placed by ring alias tables reproduce λ_p = N̄ Ā_p / ΣĀ."""
    nside = 8
    exposure = nonuniform_exposure(nside)
    exposure[:20] = 0.0  # an unexposed polar cap
    sky = IsotropicSky.from_exposure(exposure, 50.0, 0.0)
    total = sum(counts_map(sky, 1, 0, i) for i in range(4000))
    expected = 4000 * 50.0 * exposure / exposure.sum()
    assert total[:20].sum() == 0
    chi2 = (((total - expected) ** 2)[20:] / expected[20:]).sum()
    assert stats.chi2.sf(chi2, len(exposure) - 21) > 1e-3
    assert abs(sky.ring_mean.sum() - 50.0) < 1e-9


@pytest.mark.parametrize("mean_count", [400.0, 20_000.0])  # events, pixels
def test_results_do_not_depend_on_sharding(mean_count):
    sky = IsotropicSky.from_exposure(nonuniform_exposure(16), mean_count, 0.0)
    assert sky.method == ("pixels" if mean_count > 10_000 else "events")
    whole = run_samples(sky, seed=3, threshold_index=1, first=0, count=105)
    for n_shards in (1, 3, 7):
        parts = [run_samples(sky, 3, 1, *shard_range(105, n_shards, s)) for s in range(n_shards)]
        for key, values in whole.items():
            np.testing.assert_array_equal(np.concatenate([p[key] for p in parts]), values)
    assert [shard_range(10, 3, s) for s in range(3)] == [(0, 3), (3, 4), (7, 3)]


def test_blocks_give_the_same_samples_and_report_progress():
    """Samples 3..27 run in blocks of 4 equal the single run (every column, bit for bit)."""
    import logging

    from calet_aniso.io.progress import Progress
    from calet_aniso.montecarlo.sampler import NestedSky, run_nested_in_blocks

    sky = IsotropicSky.from_exposure(nonuniform_exposure(8), 200.0, 0.0)
    progress = Progress(logging.getLogger("test"), "mc", 25, "samples")
    [blocks] = run_nested_in_blocks(NestedSky.single(sky), 5, 2, 3, 25, block=4, progress=progress)
    whole = run_samples(sky, 5, 2, 3, 25)
    assert list(blocks) == list(whole) and progress.done == 25
    for name, values in whole.items():
        np.testing.assert_array_equal(blocks[name], values, err_msg=name)


def test_compiled_sum_is_numpys_sum_bit_for_bit(rng):
    """``numpy_sum`` against ``ndarray.sum`` for every length to 600 and longer ones (the
    pairwise blocks and halves), mixed magnitudes and signs, zeros, −0.0 and the empty sum."""
    from calet_aniso.montecarlo.alias import numpy_sum

    lengths = [*range(600), 1000, 1023, 1024, 2047, 4096, 12_345, 49_152]
    for n in lengths:
        values = rng.standard_normal(n + 5) * 10.0 ** rng.integers(-3, 9, n + 5)
        values[rng.uniform(size=n + 5) < 0.2] = 0.0
        for lo, part in ((0, values[:n]), (5, values[5:]), (3, np.abs(values[3 : 3 + n]))):
            array = values if lo != 3 else np.concatenate([values[:3], part, values[3 + n :]])
            got = numpy_sum(array, lo, n)
            expected = array[lo : lo + n].sum()
            assert got == expected and np.signbit(got) == np.signbit(expected), (n, lo)
    assert np.signbit(numpy_sum(np.full(9, -0.0), 0, 9)) == np.signbit(np.full(9, -0.0).sum())


def test_ring_tables_in_one_pass_equal_ring_by_ring_tables(rng):
    """The tables of every ring built in one compiled pass are bit for bit those built ring by
    ring (so skies are as before), for a map with unexposed rings and zeros."""
    from calet_aniso.montecarlo.alias import packed_ring_tables

    nside = 16
    exposure = nonuniform_exposure(nside) * (rng.uniform(size=hp.nside2npix(nside)) > 0.2)
    exposure[:40] = 0.0  # rings with no exposure
    start, _, _, _, _ = hp.ringinfo(nside, np.arange(1, 4 * nside))
    ring_start = np.append(start, hp.nside2npix(nside)).astype(np.int64)
    expected = np.zeros(hp.nside2npix(nside), dtype=np.uint64)
    for lo, hi in itertools.pairwise(ring_start):
        if exposure[lo:hi].sum() > 0:
            expected[lo:hi] = packed_alias_table(exposure[lo:hi])
    np.testing.assert_array_equal(packed_ring_tables(exposure, ring_start), expected)


@pytest.mark.parametrize("mean_count", [500.0, 5000.0])  # events, pixels
def test_samples_are_independent_of_the_thread_count(mean_count):
    """One numba thread or two: the same samples bit for bit (a stream per sample)."""
    import numba

    sky = IsotropicSky.from_exposure(nonuniform_exposure(8), mean_count, 0.0)
    assert sky.method == ("pixels" if mean_count > 4000 else "events")
    threads = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = run_samples(sky, 3, 1, 0, 40)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        two = run_samples(sky, 3, 1, 0, 40)
    finally:
        numba.set_num_threads(threads)
    for name, values in one.items():
        np.testing.assert_array_equal(two[name], values, err_msg=name)


def test_pixel_counts_follow_the_exposure():
    """Pixel-by-pixel draws: mean and variance of each pixel's count are λ_p (Poisson), an
    unexposed cap stays empty."""
    nside = 8
    exposure = nonuniform_exposure(nside)
    exposure[:20] = 0.0
    sky = IsotropicSky.from_exposure(exposure, 5000.0, 0.0)
    assert sky.method == "pixels"
    counts = np.array([counts_map(sky, 2, 0, i) for i in range(2000)])
    expected = 5000.0 * exposure / exposure.sum()
    assert counts[:, :20].sum() == 0
    chi2 = (((counts.sum(axis=0) - 2000 * expected) ** 2)[20:] / (2000 * expected[20:])).sum()
    assert stats.chi2.sf(chi2, len(exposure) - 21) > 1e-3
    dispersion = counts[:, 20:].var(axis=0, ddof=1) / expected[20:]
    assert abs(dispersion.mean() - 1.0) < 3 * np.sqrt(2.0 / 1999 / dispersion.size)


def test_both_methods_give_the_same_distribution():
    """Events drawn one by one and pixels' counts drawn directly: the same law of δ̂, C2/C0
    and N (two-sample KS on 3000 skies each, non-uniform exposure)."""
    import dataclasses

    sky = IsotropicSky.from_exposure(nonuniform_exposure(8), 1600.0, 0.0)
    by_pixels = run_samples(dataclasses.replace(sky, method="pixels"), 4, 0, 0, 3000)
    by_events = run_samples(dataclasses.replace(sky, method="events"), 4, 0, 0, 3000)
    for name in ("delta", "c2_over_c0", "delta_uncorrected", "n_events"):
        assert stats.ks_2samp(by_pixels[name], by_events[name]).pvalue > 1e-3, name


@pytest.mark.parametrize(
    ("nside", "mean_count", "dipole", "min_relative_exposure"),
    [
        (16, 300.0, None, 0.0),
        (16, 3000.0, (0.2, -0.1, 0.3), 0.5),  # a dipole, a mask
        (64, 20_000.0, (0.0, 0.05, 0.0), 0.0),
        (8, 1.0, (0.5, 0.5, 0.5), 0.0),  # some skies without events: NaN
        (16, 20_000.0, (0.1, 0.0, 0.0), 0.0),  # pixels: the full kernel
    ],
)
def test_dipole_amplitudes_alone_equal_the_samples_delta(
    nside, mean_count, dipole, min_relative_exposure
):
    """The belts' reduced kernel: δ of every sample bit for bit as run_samples gives it (the
    same draws; the same sums for a_00 and a_1m), both threads included."""
    import numba

    from calet_aniso.montecarlo.sampler import SkyBase, run_dipole_amplitudes

    base = SkyBase.of(nonuniform_exposure(nside), min_relative_exposure)
    sky = base.sky(mean_count, None if dipole is None else np.array(dipole))
    expected = run_samples(sky, 11, 4, 100, 300)["delta"]
    threads = numba.get_num_threads()
    try:
        for n in (1, min(2, numba.config.NUMBA_NUM_THREADS)):
            numba.set_num_threads(n)
            got = run_dipole_amplitudes(sky, 11, 4, 100, 300)
            np.testing.assert_array_equal(got, expected)
    finally:
        numba.set_num_threads(threads)
    if mean_count == 1.0:
        assert np.isnan(expected).any()
