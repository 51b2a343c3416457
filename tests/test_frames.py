"""Detector ↔ ICRS ↔ Galactic transformations against astropy on random attitudes."""

import astropy.units as u
import numpy as np
from astropy.coordinates import SkyCoord

from calet_aniso.geometry.frames import (
    attitude_matrices,
    axes_dot,
    detector_angles,
    detector_to_icrs,
    detector_vector,
    galactic_to_icrs,
    icrs_to_detector,
    icrs_to_galactic,
    icrs_to_galactic_matrix,
    lonlat,
    unit_vector,
)


def random_attitudes(rng, n):
    """Random orthogonal (z, x) axes as the orbit table would give them (degrees)."""
    z = rng.normal(size=(n, 3))
    z /= np.linalg.norm(z, axis=1, keepdims=True)
    x = np.cross(z, rng.normal(size=(n, 3)))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    ra_z, dec_z = lonlat(z)
    ra_x, dec_x = lonlat(x)
    return ra_z, dec_z, ra_x, dec_x


def test_detector_axes_map_onto_tabulated_axes(rng):
    ra_z, dec_z, ra_x, dec_x = random_attitudes(rng, 200)
    rot = attitude_matrices(ra_z, dec_z, ra_x, dec_x)
    np.testing.assert_allclose(
        np.einsum("nij,nkj->nik", rot, rot), np.broadcast_to(np.eye(3), rot.shape), atol=1e-12
    )
    np.testing.assert_allclose(np.linalg.det(rot), 1.0, atol=1e-12)
    boresight = detector_to_icrs(rot, np.tile([0.0, 0.0, 1.0], (200, 1)))
    np.testing.assert_allclose(boresight, unit_vector(ra_z, dec_z), atol=1e-12)
    x_axis = detector_to_icrs(rot, np.tile([1.0, 0.0, 0.0], (200, 1)))
    np.testing.assert_allclose(x_axis, unit_vector(ra_x, dec_x), atol=1e-12)


def test_detector_angles_match_astropy_separation_and_position_angle(rng):
    """theta = astropy separation from the boresight; phi = PA(x axis) - PA(event)."""
    n = 500
    ra_z, dec_z, ra_x, dec_x = random_attitudes(rng, n)
    rot = attitude_matrices(ra_z, dec_z, ra_x, dec_x)
    theta = np.degrees(np.arccos(rng.uniform(-1, 1, n)))
    phi = rng.uniform(0, 360, n)
    ra, dec = lonlat(detector_to_icrs(rot, detector_vector(theta, phi)))
    boresight = SkyCoord(ra_z * u.deg, dec_z * u.deg)
    event = SkyCoord(ra * u.deg, dec * u.deg)
    x_axis = SkyCoord(ra_x * u.deg, dec_x * u.deg)
    np.testing.assert_allclose(boresight.separation(event).deg, theta, atol=1e-8)
    pa_diff = (boresight.position_angle(x_axis).deg - boresight.position_angle(event).deg) % 360.0
    away_from_poles = (theta > 1e-3) & (theta < 180 - 1e-3)
    delta = (pa_diff - phi + 180.0) % 360.0 - 180.0
    np.testing.assert_allclose(delta[away_from_poles], 0.0, atol=1e-6)


def test_round_trip_detector_icrs_galactic(rng):
    n = 300
    ra_z, dec_z, ra_x, dec_x = random_attitudes(rng, n)
    rot = attitude_matrices(ra_z, dec_z, ra_x, dec_x)
    theta = rng.uniform(0, 180, n)
    phi = rng.uniform(0, 360, n)
    ra, dec = lonlat(detector_to_icrs(rot, detector_vector(theta, phi)))
    gal_l, gal_b = icrs_to_galactic(ra, dec)
    ra2, dec2 = galactic_to_icrs(gal_l, gal_b)
    theta2, phi2 = detector_angles(icrs_to_detector(rot, unit_vector(ra2, dec2)))
    np.testing.assert_allclose(theta2, theta, atol=1e-7)
    np.testing.assert_allclose(((phi2 - phi + 180) % 360) - 180, 0.0, atol=1e-6)


def test_galactic_matrix_equals_astropy(rng):
    ra = rng.uniform(0, 360, 1000)
    dec = np.degrees(np.arcsin(rng.uniform(-1, 1, 1000)))
    gal = SkyCoord(ra * u.deg, dec * u.deg).galactic
    expected = unit_vector(gal.l.deg, gal.b.deg)
    np.testing.assert_allclose(
        unit_vector(ra, dec) @ icrs_to_galactic_matrix().T, expected, atol=1e-12
    )
    # Known point: the Galactic centre is at l = 0, b = 0.
    gc = SkyCoord(l=0 * u.deg, b=0 * u.deg, frame="galactic").icrs
    gl, gb = icrs_to_galactic(np.array([gc.ra.deg]), np.array([gc.dec.deg]))
    assert abs(((gl[0] + 180) % 360) - 180) < 1e-9 and abs(gb[0]) < 1e-9


def test_galactic_matrix_is_astropys_transformation_of_the_icrs_basis():
    """The matrix kept as numbers (so that jobs need not import astropy) is bit for bit the
    normalised Galactic coordinates astropy gives the ICRS x, y, z unit vectors."""
    basis = SkyCoord(
        x=[1.0, 0.0, 0.0],
        y=[0.0, 1.0, 0.0],
        z=[0.0, 0.0, 1.0],
        frame="icrs",
        representation_type="cartesian",
    ).galactic
    basis.representation_type = "cartesian"
    cols = np.stack([basis.cartesian.x.value, basis.cartesian.y.value, basis.cartesian.z.value])
    derived = cols / np.linalg.norm(cols, axis=0, keepdims=True)
    assert np.array_equal(icrs_to_galactic_matrix(), derived)


def test_axes_dot_is_the_dot_product_of_the_unit_vectors():
    rng = np.random.default_rng(11)
    ra_z, ra_x = rng.uniform(0, 360, (2, 10_000))
    dec_z, dec_x = rng.uniform(-90, 90, (2, 10_000))
    expected = np.sum(unit_vector(ra_z, dec_z) * unit_vector(ra_x, dec_x), axis=-1)
    np.testing.assert_allclose(axes_dot(ra_z, dec_z, ra_x, dec_x), expected, rtol=0, atol=4e-15)
    # perpendicular axes: a pole and any equatorial direction; two equatorial ones 90° apart
    assert (
        abs(axes_dot(np.array([12.0]), np.array([90.0]), np.array([200.0]), np.array([0.0])))
        < 1e-15
    )
    assert (
        abs(axes_dot(np.array([30.0]), np.array([0.0]), np.array([120.0]), np.array([0.0]))) < 1e-15
    )
