"""Dipole covariance and smoothed relative-intensity / significance maps against independent
truths: brute-force disc sums, the analytic cap average of a dipole, Poisson ensembles."""

import healpy as hp
import numpy as np
import pytest

from calet_aniso.analysis.dipole_covariance import (
    dipole_with_covariance,
    direction_error_deg,
    pixel_vectors,
)
from calet_aniso.analysis.harmonics import alm_real
from calet_aniso.analysis.smoothed_maps import degrade_sum, disc_sums, smoothed_maps
from calet_aniso.analysis.statistics import dipole_vector
from calet_aniso.geometry.frames import unit_vector

NSIDE = 8
NPIX = hp.nside2npix(NSIDE)


def test_dipole_vector_equals_the_one_from_the_harmonics(rng):
    sky = rng.poisson(20.0, hp.nside2npix(16)).astype(float) * rng.uniform(0.5, 2, 3072)
    dipole, _ = dipole_with_covariance(sky, sky)
    np.testing.assert_allclose(dipole, dipole_vector(alm_real(sky)), rtol=1e-10, atol=1e-14)


def test_covariance_matches_a_poisson_ensemble(rng):
    """Weighted skies with a dipole (δ = 0.3), 4000 Poisson realisations: the empirical
    covariance of d⃗ equals the formula (each element within 4 of its sampling errors, the
    trace within 5 %)."""
    vectors = pixel_vectors(NPIX)
    weights = rng.uniform(0.5, 2.0, NPIX)
    truth = 0.3 * unit_vector(263.55, -2.79)
    rate = 40.0 / weights * (1.0 + vectors @ truth)  # flat after weighting, plus the dipole
    expected_w, expected_v = rate * weights, rate * weights**2
    _, formula = dipole_with_covariance(expected_w, expected_v)
    draws = np.array(
        [dipole_with_covariance(rng.poisson(rate) * weights, expected_v)[0] for _ in range(4000)]
    )
    empirical = np.cov(draws.T)
    scale = np.sqrt(np.outer(np.diag(formula), np.diag(formula)) / 4000 * 2)
    assert np.all(np.abs(empirical - formula) < 4 * scale)
    assert np.trace(empirical) == pytest.approx(np.trace(formula), rel=0.05)
    error_of_mean = np.sqrt(np.diag(formula).max() / 4000)
    np.testing.assert_allclose(draws.mean(axis=0), truth, atol=4 * error_of_mean)


def test_direction_error_is_the_perpendicular_spread():
    covariance = np.diag([0.01**2, 0.02**2, 0.03**2])
    along_x = direction_error_deg(np.array([0.2, 0.0, 0.0]), covariance)
    assert along_x == pytest.approx(np.degrees(np.sqrt((0.02**2 + 0.03**2) / 2) / 0.2))
    assert np.isnan(direction_error_deg(np.zeros(3), covariance))


def test_disc_sums_equal_brute_force(rng):
    sky = rng.uniform(0, 1, NPIX)
    vectors = pixel_vectors(NPIX)
    inside = vectors @ vectors.T >= np.cos(np.radians(25.0)) - 1e-12
    np.testing.assert_allclose(disc_sums(sky, 25.0)[0], inside @ sky, rtol=1e-12)


@pytest.mark.parametrize(("nside", "radius_deg"), [(8, 3.0), (16, 30.0), (16, 100.0), (32, 30.0)])
def test_disc_sums_equal_sums_over_query_disc(rng, nside, radius_deg):
    """Run-by-run sums over every disc (blocks of centres smaller than the map; discs holding
    a pole, crossing l = 0, or most of the sky) against the plain sums over the pixels
    ``healpy.query_disc`` returns."""
    npix = hp.nside2npix(nside)
    maps = np.stack([rng.uniform(0, 1, npix), rng.poisson(2.0, npix), np.ones(npix)])
    vectors = pixel_vectors(npix)
    direct = np.stack(
        [maps[:, hp.query_disc(nside, v, np.radians(radius_deg))].sum(axis=1) for v in vectors],
        axis=1,
    )
    summed = disc_sums(maps, radius_deg, block=500)
    np.testing.assert_allclose(summed, direct, rtol=1e-13)
    np.testing.assert_array_equal(summed[2], direct[2])  # pixel counts: exact


def test_degrading_sums_the_sub_pixels(rng):
    sky = rng.poisson(3.0, hp.nside2npix(16)).astype(float)
    coarse = degrade_sum(sky, 4)
    assert coarse.sum() == sky.sum()
    parents = hp.ang2pix(4, *hp.pix2ang(16, np.arange(sky.size)))
    np.testing.assert_array_equal(coarse, np.bincount(parents, weights=sky, minlength=192))


@pytest.mark.parametrize(("fine", "coarse"), [(64, 2), (64, 32), (16, 8)])
def test_degrading_equals_healpys_reordering(rng, fine, coarse):
    """The permutation from the light ``healpix`` package is healpy's: the same bits as
    reordering with ``healpy.reorder``, summing, and reordering back."""
    sky = rng.uniform(0, 1, hp.nside2npix(fine))
    nested = hp.reorder(sky, r2n=True).reshape(-1, (fine // coarse) ** 2).sum(axis=1)
    np.testing.assert_array_equal(degrade_sum(sky, coarse), hp.reorder(nested, n2r=True))


def test_relative_intensity_of_a_dipole_is_its_cap_average():
    """Noise-free weighted map of 1 + δ n̂·r̂: RI(ĉ) = δ n̂·ĉ (1 + cos r)/2, to the
    pixelisation of the disc at Nside 32 (3 % of δ)."""
    nside, delta, radius = 32, 0.1, 30.0
    vectors = pixel_vectors(hp.nside2npix(nside))
    n = unit_vector(263.55, -2.79)
    sky = 1000.0 * (1.0 + delta * vectors @ n)
    maps = smoothed_maps(sky, np.ones(sky.size), np.ones(sky.size, bool), radius)
    truth = delta * (vectors @ n) * (1 + np.cos(np.radians(radius))) / 2
    np.testing.assert_allclose(maps.relative_intensity, truth, atol=0.03 * delta)


def test_significance_of_isotropic_skies_is_standard_normal(rng):
    """At a fixed pixel, over 1000 isotropic weighted skies with a mask, the significance has
    mean 0 and standard deviation 1 (to 4 of their sampling errors)."""
    weights = rng.uniform(0.5, 2.0, NPIX)
    mask = pixel_vectors(NPIX)[:, 2] > -0.5
    rate = np.where(mask, 30.0 / weights, 0.0)
    values = []
    for _ in range(1000):
        counts = rng.poisson(rate)
        maps = smoothed_maps(counts * weights, weights, mask, 20.0)
        values.append(maps.significance[[0, 300, 500]])
    values = np.array(values)
    assert np.all(np.isnan(smoothed_maps(rate, weights, mask, 20.0).significance[~mask]))
    empty = smoothed_maps(np.where(mask, 1.0, 0.0), weights, mask, 20.0)  # one event per pixel
    assert np.isfinite(empty.significance[mask]).all()
    np.testing.assert_allclose(values.mean(axis=0), 0.0, atol=4 / np.sqrt(1000))
    np.testing.assert_allclose(values.std(axis=0), 1.0, atol=4 / np.sqrt(2 * 1000))
