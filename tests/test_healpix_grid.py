"""The light HEALPix grid sizes against healpy's own functions, bit for bit."""

import healpy as hp
import numpy as np
import pytest

from calet_aniso.geometry import healpix_grid

NSIDES = [1, 2, 3, 4, 8, 16, 32, 64, 128, 256, 1024, 8192]


@pytest.mark.parametrize("nside", NSIDES)
def test_grid_sizes_equal_healpy(nside):
    npix = hp.nside2npix(nside)
    assert healpix_grid.nside2npix(nside) == npix
    assert healpix_grid.npix2nside(npix) == hp.npix2nside(npix) == nside
    assert healpix_grid.nside2pixarea(nside) == hp.nside2pixarea(nside)
    assert healpix_grid.nside2resol(nside) == hp.nside2resol(nside)
    assert healpix_grid.nside2resol(nside, arcmin=True) == hp.nside2resol(nside, arcmin=True)


@pytest.mark.parametrize("npix", [0, 13, 47, 12 * 64 * 64 + 1, -12])
def test_bad_pixel_count_is_refused_like_healpy(npix):
    with pytest.raises(ValueError, match="Wrong pixel number"):
        healpix_grid.npix2nside(npix)
    if npix > 0:  # healpy takes 0 as Nside 0 (and warns on negative counts)
        with pytest.raises(ValueError, match="Wrong pixel number"):
            hp.npix2nside(npix)


#: Whole skies up to Nside 256; beyond, a random sample of pixels (fixed seed).
GRID_NSIDES = [1, 2, 4, 8, 16, 32, 64, 128, 256, 1024, 8192]


def _pixels(nside):
    npix = hp.nside2npix(nside)
    if nside <= 256:
        return np.arange(npix)
    sample = np.random.default_rng(nside).integers(0, npix, 200_000)
    return np.concatenate([sample, np.arange(0, npix, npix // 997), [npix - 1]])


@pytest.mark.parametrize("nside", GRID_NSIDES)
def test_pixel_centres_equal_healpy_bit_for_bit(nside):
    pixels = _pixels(nside)
    for ours, theirs in zip(
        healpix_grid.pix2vec(nside, pixels), hp.pix2vec(nside, pixels), strict=True
    ):
        np.testing.assert_array_equal(ours, theirs)
    for ours, theirs in zip(
        healpix_grid.pix2ang(nside, pixels), hp.pix2ang(nside, pixels), strict=True
    ):
        np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("nside", GRID_NSIDES)
def test_ring_tables_equal_healpy_bit_for_bit(nside):
    rings = np.arange(1, 4 * nside)
    for ours, theirs in zip(
        healpix_grid.ringinfo(nside, rings), hp.ringinfo(nside, rings), strict=True
    ):
        assert ours.dtype == theirs.dtype
        np.testing.assert_array_equal(ours, theirs)


#: NESTED needs a power of 2; the simulation draws sub-pixels at Nside 64 · 2⁵ = 2048.
NEST_NSIDES = [1, 2, 4, 8, 16, 32, 64, 128, 256, 2048, 8192, 2**20]


@pytest.mark.parametrize("nside", NEST_NSIDES)
def test_nested_pixel_centres_equal_healpy_bit_for_bit(nside):
    pixels = _pixels(nside)
    for ours, theirs in zip(
        healpix_grid.pix2vec(nside, pixels, nest=True),
        hp.pix2vec(nside, pixels, nest=True),
        strict=True,
    ):
        np.testing.assert_array_equal(ours, theirs)


def test_nested_ordering_needs_a_power_of_two():
    with pytest.raises(ValueError, match="power of 2"):
        healpix_grid.pix2vec(3, np.arange(12), nest=True)


@pytest.mark.parametrize("nside", [1, 2, 3, 4, 16, 64, 256, 1024, 8192])
def test_pixel_of_a_direction_equals_healpy_on_boundaries_too(nside):
    """``ang2pix`` (lon, lat in degrees, RING) against healpy's, on random directions with
    longitudes of any sign and turn, and on a 0.25° grid whose points lie on ring and pixel
    boundaries and at the poles (where rounding decides)."""
    rng = np.random.default_rng(nside)
    lon = np.concatenate(
        [rng.uniform(-800, 800, 200_000), np.repeat(np.arange(-720, 720, 0.25), 181)]
    )
    lat = np.concatenate(
        [
            np.degrees(np.arcsin(rng.uniform(-1, 1, 200_000))),
            np.tile(np.linspace(-90, 90, 181), 5760),
        ]
    )
    np.testing.assert_array_equal(
        healpix_grid.ang2pix(nside, lon, lat), hp.ang2pix(nside, lon, lat, lonlat=True)
    )


@pytest.mark.parametrize("nside", [1, 2, 4, 16, 64, 256])
def test_interpolation_equals_healpy_bit_for_bit(nside):
    """``get_interp_val`` against healpy's on random points, longitudes of any turn, the
    poles and a meridian through every ring (the polar caps' quarter weights included)."""
    rng = np.random.default_rng(nside)
    sky = rng.standard_normal(hp.nside2npix(nside))
    theta = np.concatenate(
        [np.arccos(rng.uniform(-1, 1, 100_000)), [0.0, np.pi, 1e-9], np.linspace(0, np.pi, 2001)]
    )
    phi = np.concatenate([rng.uniform(-10, 20, 100_000), [0.0, 1.0, 2.0], np.full(2001, 0.3)])
    np.testing.assert_array_equal(
        healpix_grid.get_interp_val(sky, theta, phi), hp.get_interp_val(sky, theta, phi)
    )
