"""Exposure maps against a brute-force reference and an analytic case."""

import healpy as hp
import numpy as np
import pandas as pd
import pytest
from conftest import iss_orbit, small_settings

from calet_aniso.exposure.livetime_cube import livetime_cube, orbit_batches, roll_angle_deg
from calet_aniso.exposure.lowrank import low_rank
from calet_aniso.exposure.projection import brute_force_exposure, exposure_from_cube
from calet_aniso.geometry.frames import icrs_to_galactic_matrix, lonlat, unit_vector
from calet_aniso.simulation.observation import simulate_orbit_table


@pytest.fixture(scope="module")
def few_orbits(time_system):
    """Three ISS orbits at 30 s cadence with SAA gaps."""
    settings = small_settings(
        start_utc="2016-03-01T00:00:00", stop_utc="2016-03-01T04:40:00", cadence_s=30.0
    )
    return simulate_orbit_table(
        settings, iss_orbit(settings.start_utc), time_system, np.random.default_rng(1)
    )


def test_fast_exposure_matches_brute_force_on_a_few_orbits(few_orbits, response):
    nodes = [0, 7, 13]
    fast = exposure_from_cube(livetime_cube(orbit_batches(few_orbits), 64, 2.0), response, 64)
    reference = brute_force_exposure(few_orbits, response, 64, nodes=nodes)
    for row, node in enumerate(nodes):
        mask = reference[row] > 0.1 * reference[row].max()
        assert mask.sum() > 1000
        deviation = np.abs(fast[node][mask] / reference[row][mask] - 1.0)
        assert deviation.max() <= 0.005, (node, deviation.max())
        # Outside the covered band both are (near) zero.
        assert np.all(fast[node][reference[row] == 0] < 1e-3 * reference[row].max())


def test_total_exposure_is_livetime_times_acceptance(few_orbits, response):
    maps = exposure_from_cube(livetime_cube(orbit_batches(few_orbits), 64, 2.0), response, 64)
    total = maps.sum(axis=1) * hp.nside2pixarea(64)
    expected = few_orbits["livetime"].sum() * response.acceptance_m2sr()
    np.testing.assert_allclose(total, expected, rtol=2e-3)


def test_fixed_attitude_known_livetime_is_analytic(response):
    """One attitude held for 1000 s: exposure(n) = 1000 s · A(Rᵀ n). On the boresight that is
    1000 s times the on-axis area; 30° off-axis along +x it is 1000 s · A(θ = 30°, φ = 0)."""
    to_gal = icrs_to_galactic_matrix()
    z_gal = unit_vector(120.0, 35.0)
    north = np.array([0.0, 0.0, 1.0]) - z_gal[2] * z_gal  # +x towards galactic north
    x_gal = north / np.linalg.norm(north)
    ra_z, dec_z = lonlat(to_gal.T @ z_gal)
    ra_x, dec_x = lonlat(to_gal.T @ x_gal)
    orbit = pd.DataFrame(
        {
            "start": [0.0],
            "stop": [1000.0],
            "livetime": [1000.0],
            "ra_scz": [ra_z],
            "dec_scz": [dec_z],
            "ra_scx": [ra_x],
            "dec_scx": [dec_x],
        }
    )
    nside, node = 64, 5
    maps = exposure_from_cube(livetime_cube([orbit], nside, 2.0), response, nside)
    pix0 = hp.vec2pix(nside, *z_gal)
    assert maps[node, pix0] == pytest.approx(1000.0 * response.aeff_m2[node][0], rel=2e-3)
    target = np.cos(np.radians(30)) * z_gal + np.sin(np.radians(30)) * x_gal
    pix30 = hp.vec2pix(nside, *target)
    v = np.array(hp.pix2vec(nside, pix30))
    theta = np.arccos(v @ z_gal)
    phi = np.arctan2(v @ np.cross(z_gal, x_gal), v @ x_gal)
    expected = 1000.0 * hp.get_interp_val(response.aeff_m2[node], theta, phi)
    assert abs(np.degrees(theta) - 30) < 1.0
    assert maps[node, pix30] == pytest.approx(expected, rel=5e-3)
    assert maps[node].sum() * hp.nside2pixarea(nside) == pytest.approx(
        1000.0 * response.acceptance_m2sr()[node], rel=2e-3
    )


def test_cube_is_independent_of_batching(few_orbits, response):
    one = livetime_cube([few_orbits], 64, 2.0)
    many = livetime_cube(orbit_batches(few_orbits, size=37), 64, 2.0)
    np.testing.assert_allclose(many.livetime_s, one.livetime_s, rtol=1e-12)
    np.testing.assert_allclose(many.boresight, one.boresight, atol=1e-12)
    assert one.livetime_s.sum() == pytest.approx(few_orbits["livetime"].sum(), rel=1e-12)


def test_roll_angle_convention():
    z = np.array([[1.0, 0.0, 0.0]])  # l = 0, b = 0: north is +z_gal, east is +y_gal
    assert roll_angle_deg(z, np.array([[0.0, 0.0, 1.0]]))[0] == pytest.approx(0.0)
    assert roll_angle_deg(z, np.array([[0.0, 1.0, 0.0]]))[0] == pytest.approx(90.0)


def test_low_rank_reconstructs_node_maps(response):
    coeffs, basis = low_rank(response.aeff_m2)
    assert basis.shape[0] <= 4
    np.testing.assert_allclose(coeffs @ basis, response.aeff_m2, atol=1e-5 * response.aeff_m2.max())


def test_exposure_is_independent_of_its_batches_and_reports_progress(few_orbits, response):
    """Projecting the cells in 7 batches gives the one-batch maps bit for bit; the progress
    reports every cell."""
    import logging

    from calet_aniso.io.progress import Progress

    cube = livetime_cube(orbit_batches(few_orbits), 16, 2.0)
    progress = Progress(logging.getLogger("test"), "exposure", len(cube.livetime_s), "cells")
    batched = exposure_from_cube(cube, response, 16, progress, batches=7)
    np.testing.assert_array_equal(batched, exposure_from_cube(cube, response, 16, batches=1))
    assert progress.done == len(cube.livetime_s)


def test_exposure_is_independent_of_the_thread_count(few_orbits, response):
    """One numba thread or two: the same maps bit for bit (fixed accumulation chunks)."""
    import numba

    cube = livetime_cube(orbit_batches(few_orbits), 16, 2.0)
    threads = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = exposure_from_cube(cube, response, 16)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        two = exposure_from_cube(cube, response, 16)
    finally:
        numba.set_num_threads(threads)
    np.testing.assert_array_equal(one, two)


def test_light_healpix_pixelises_like_healpy(rng):
    """The monthly cube jobs pixelise with the light ``healpix`` package: the same HEALPix
    pixels as healpy for random directions, pixel centres and the poles, at every cube Nside."""
    import healpix

    vectors = rng.normal(size=(3, 200_000))
    for nside in (16, 32, 64, 128, 256):
        centres = np.array(hp.pix2vec(nside, np.arange(hp.nside2npix(nside))))
        poles = np.array([[0.0, 0.0], [0.0, 0.0], [1.0, -1.0]])
        for v in (vectors, centres, poles):
            assert np.array_equal(healpix.vec2pix(nside, *v), hp.vec2pix(nside, *v))


def test_projection_is_the_bilinear_formula_bit_for_bit(few_orbits, response):
    """The compiled projection against the same arithmetic in numpy, every sky pixel of every
    cell (no ring band, no vectorisation): each pixel within the field of view and the
    Lambert grid gets L × the bilinear interpolation of each component, the cells summed in
    their accumulation chunks in order. Same bits."""
    from calet_aniso.exposure.projection import N_CHUNKS, lambert_response

    nside = 16
    cube = livetime_cube(orbit_batches(few_orbits), 16, 2.0)
    lambert = lambert_response(response)
    size = lambert.values.shape[1]
    half, cos_max = lambert.half_width, lambert.cos_theta_max
    step = 2.0 * half / (size - 1)
    px, py, pz = hp.pix2vec(nside, np.arange(hp.nside2npix(nside)))
    acc = np.zeros((N_CHUNKS, len(lambert.values), len(px)))
    for c, (z, x, live) in enumerate(
        zip(cube.boresight, cube.x_axis, cube.livetime_s, strict=True)
    ):
        y = np.array(
            [z[1] * x[2] - z[2] * x[1], z[2] * x[0] - z[0] * x[2], z[0] * x[1] - z[1] * x[0]]
        )
        vz = px * z[0] + py * z[1] + pz * z[2]
        seen = vz >= cos_max
        s = np.sqrt(2.0 / (1.0 + vz[seen]))
        fx = ((px[seen] * x[0] + py[seen] * x[1] + pz[seen] * x[2]) * s + half) / step
        fy = ((px[seen] * y[0] + py[seen] * y[1] + pz[seen] * y[2]) * s + half) / step
        i, j = fx.astype(np.int64), fy.astype(np.int64)
        ok = (i >= 0) & (j >= 0) & (i < size - 1) & (j < size - 1)
        pixels, i, j = np.flatnonzero(seen)[ok], i[ok], j[ok]
        tx, ty = fx[ok] - i, fy[ok] - j
        weights = (
            (1.0 - tx) * (1.0 - ty) * live,
            tx * (1.0 - ty) * live,
            (1.0 - tx) * ty * live,
            tx * ty * live,
        )
        for r, grid in enumerate(lambert.values):
            corners = (grid[i, j], grid[i + 1, j], grid[i, j + 1], grid[i + 1, j + 1])
            value = weights[0] * corners[0] + weights[1] * corners[1]
            value = value + weights[2] * corners[2] + weights[3] * corners[3]
            acc[c % N_CHUNKS, r, pixels] += value
    components = np.zeros(acc.shape[1:])
    for chunk in range(N_CHUNKS):  # the kernel's order
        components += acc[chunk]
    expected = np.clip(lambert.node_coeffs @ components, 0.0, None)
    np.testing.assert_array_equal(exposure_from_cube(cube, response, nside), expected)


@pytest.mark.parametrize("nside", [4, 16, 64])
def test_ring_runs_hold_every_pixel_in_view(nside):
    """Each ring's run of pixels (``ring_span``) holds every pixel of the field of view, for
    boresights anywhere (poles, equator, random), caps from 5° to 120°: the projection only
    skips pixels the dot-product test would refuse. Near the equator the runs hold fewer
    than half of the band's pixels."""
    from calet_aniso.exposure.projection import RingTables, ring_span

    rings = RingTables.of(nside)
    vectors = np.array(hp.pix2vec(nside, np.arange(hp.nside2npix(nside)))).T
    rng = np.random.default_rng(nside)
    boresights = [[0.0, 0.0, 1.0], [0.0, 0.0, -1.0], [1.0, 0.0, 0.0], [0.6, -0.8, 0.0]]
    boresights = np.vstack([boresights, unit_vector(*rng.uniform([0, -90], [360, 90], (40, 2)).T)])
    for cos_max in (np.cos(np.radians(5.0)), 0.45, 0.0, -0.5):
        for z in boresights:
            sin_z = float(np.hypot(z[0], z[1]))
            phi_z = float(np.arctan2(z[1], z[0]))
            in_view = vectors @ z >= cos_max
            run = np.zeros(len(vectors), dtype=bool)
            for ring, (start, n) in enumerate(zip(rings.start, rings.length, strict=True)):
                a, b = ring_span(
                    rings.cos_theta[ring], rings.sin_theta[ring], rings.phi0[ring], n, z[2],
                    sin_z, phi_z, cos_max,
                )  # fmt: skip
                assert 0 <= a < n and a < b <= a + n
                run[start + np.arange(a, b) % n] = True
            assert not np.any(in_view & ~run), (cos_max, z)
            if cos_max == 0.45 and z[2] == 0.0 and nside >= 16:
                band = np.abs(vectors[:, 2]) <= np.sin(np.arccos(cos_max)) + 0.05
                assert run.sum() < 0.5 * band.sum()
