"""Feldman–Cousins intervals for δ: the density against scipy, coverage by construction,
no flip-flopping (an upper limit below the transition, two-sided above), the Gaussian limit
far from the boundary, and the coverage on skies of a non-uniform exposure."""

import healpy as hp
import numpy as np
import pytest
from scipy.stats import ncx2

from calet_aniso.analysis.feldman_cousins import amplitude_interval, density, interval
from calet_aniso.montecarlo.neyman_belt import isotropic_sigma
from calet_aniso.montecarlo.sampler import IsotropicSky, run_samples


def test_density_is_the_non_central_chi_with_3_degrees_of_freedom():
    x = np.linspace(0.01, 12.0, 200)
    for mu in (0.0, 0.3, 2.0, 7.0):
        np.testing.assert_allclose(density(x, mu), 2 * x * ncx2.pdf(x * x, 3, mu * mu), atol=1e-12)


def test_intervals_cover_95_percent_of_non_central_chi_draws(rng):
    """x drawn as |N(μ e, I)| in 3 dimensions, 4000 draws per μ: the interval contains μ in
    95 % of draws within 3 standard errors plus the grid's step, at μ = 0 … 6."""
    tolerance = 3 * np.sqrt(0.05 * 0.95 / 4000) + 0.005
    for mu in (0.0, 0.5, 1.0, 2.0, 3.0, 4.5, 6.0):
        draws = np.linalg.norm(rng.normal(size=(4000, 3)) + np.array([mu, 0.0, 0.0]), axis=1)
        limits = np.array([interval(x) for x in draws])
        covered = np.mean((limits[:, 0] <= mu + 1e-9) & (mu - 1e-9 <= limits[:, 1]))
        assert covered == pytest.approx(0.95, abs=tolerance), (mu, covered)


def test_no_flip_flopping_and_the_gaussian_limit():
    """Small x: an upper limit (μ_low = 0) that grows with x; large x: two-sided, close to
    x ± 1.96 (the radial component is nearly Gaussian far from the boundary)."""
    uppers = [interval(x)[1] for x in (0.2, 1.0, 2.0)]
    assert [interval(x)[0] for x in (0.2, 1.0, 2.0)] == [0.0, 0.0, 0.0]
    assert uppers == sorted(uppers)
    assert interval(3.5)[0] > 0  # past the transition: a two-sided interval
    low, high = interval(15.0)
    assert low == pytest.approx(15.0 - 1.96 - 1 / 15.0, abs=0.08)  # the 1/x of the χ mean
    assert high == pytest.approx(15.0 + 1.96 - 1 / 15.0, abs=0.08)
    assert amplitude_interval(0.3, 0.1) == pytest.approx(
        (interval(3.0)[0] * 0.1, interval(3.0)[1] * 0.1)
    )


def test_coverage_on_skies_of_a_non_uniform_exposure():
    """Injected dipoles of 0, 2 and 4 σ toward 12 directions on a non-uniform Nside-8 exposure
    (N = 3000), 1200 skies each: the intervals (σ from the analytic covariance) cover 95 %
    within 3 % (the Gaussian, isotropic-σ approximation)."""
    theta, phi = hp.pix2ang(8, np.arange(768))
    exposure = 1.0 + 0.6 * np.cos(theta) ** 2 + 0.2 * np.sin(phi) * np.sin(theta)
    sigma = isotropic_sigma(exposure, 3000.0, 0.0)
    directions = np.random.default_rng(2).normal(size=(12, 3))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    for k, multiple in enumerate((0.0, 2.0, 4.0)):
        delta = multiple * sigma
        measured = np.concatenate(
            [
                run_samples(
                    IsotropicSky.from_exposure(exposure, 3000.0, 0.0, dipole=delta * n),
                    8,
                    k,
                    100 * j,
                    100,
                )["delta"]
                for j, n in enumerate(directions)
            ]
        )
        limits = np.array([amplitude_interval(m, sigma) for m in measured])
        covered = np.mean((limits[:, 0] <= delta + 1e-12) & (delta - 1e-12 <= limits[:, 1]))
        assert covered == pytest.approx(0.95, abs=0.03), (multiple, covered)


def test_density_is_scipys_normal_formula_bit_for_bit():
    """f(x; μ) = (x/μ)[φ(x − μ) − φ(x + μ)] with φ as scipy.stats.norm.pdf computes it (the
    belt evaluates φ directly, for speed): the same bits."""
    from scipy.stats import norm

    x, mu = np.meshgrid(np.linspace(0.005, 28.0, 400), np.linspace(0.01, 20.0, 300))
    expected = (x / mu) * (norm.pdf(x - mu) - norm.pdf(x + mu))
    assert np.array_equal(density(x, mu), expected)


def test_belt_from_the_lattice_table_is_the_belt_of_the_density():
    """The belt's densities take φ from a table over the lattice of x ± μ; every μ's
    acceptance region is the one the closed-form density gives on the same grids."""
    from calet_aniso.analysis.feldman_cousins import (
        MU_GRID,
        X_GRID,
        acceptance_regions,
        belt_densities,
    )

    fast = belt_densities()
    direct = density(X_GRID[1:][None, :], MU_GRID[:, None])
    np.testing.assert_allclose(fast, direct, rtol=1e-12, atol=1e-300)
    for ours, reference in zip(acceptance_regions(fast), acceptance_regions(direct), strict=True):
        np.testing.assert_array_equal(ours, reference)
