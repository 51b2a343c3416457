"""Coordinate frames: detector frame, ICRS and Galactic.

Detector frame: +z is the boresight, +x a fixed detector axis, +y = z × x. An arrival
direction (theta, phi) is the direction the particle came *from*: theta from +z, phi
from +x towards +y. The attitude of an interval is the rotation matrix R whose columns
are the detector axes x, y, z expressed in ICRS, so ``v_icrs = R @ v_det``.

ICRS → Galactic goes through astropy; for bulk work the fixed rotation matrix
(:data:`ICRS_TO_GALACTIC`) is astropy's own transformation of the ICRS basis, kept as numbers
so that a job binning live time need not import astropy (half a second per job); a test
derives it from astropy and checks the numbers bit for bit.
"""

from __future__ import annotations

import numpy as np

from calet_aniso.ingest.contract import ORTHOGONALITY_TOLERANCE

#: ICRS → Galactic rotation (v_gal = M @ v_icrs): the columns are astropy's (6.x) Galactic
#: coordinates of the ICRS x, y, z unit vectors, normalised (tests/test_frames.py derives them).
ICRS_TO_GALACTIC = np.array(
    [
        [-0.0548756577125917, -0.8734370519556163, -0.4838350736167155],
        [0.49410943719272743, -0.4448297212232954, 0.7469821839866677],
        [-0.8676661375596587, -0.19807633727300059, 0.4559838136873017],
    ]
)
ICRS_TO_GALACTIC.setflags(write=False)


def unit_vector(lon_deg: np.ndarray, lat_deg: np.ndarray) -> np.ndarray:
    """Unit vectors (..., 3) from longitude and latitude in degrees."""
    lon = np.radians(lon_deg)
    lat = np.radians(lat_deg)
    cos_lat = np.cos(lat)
    return np.stack([cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)], axis=-1)


def lonlat(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Longitude in [0, 360) and latitude in [-90, 90] (degrees) of vectors (..., 3)."""
    x, y, z = vectors[..., 0], vectors[..., 1], vectors[..., 2]
    lon = np.degrees(np.arctan2(y, x)) % 360.0
    lat = np.degrees(np.arctan2(z, np.hypot(x, y)))
    return lon, lat


def direction_lonlat(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Like :func:`lonlat` for vectors of any length; NaN for zero vectors."""
    vectors = np.asarray(vectors, dtype=np.float64)
    lon, lat = lonlat(vectors)
    zero = ~np.any(vectors != 0, axis=-1)
    return np.where(zero, np.nan, lon), np.where(zero, np.nan, lat)


def detector_vector(theta_deg: np.ndarray, phi_deg: np.ndarray) -> np.ndarray:
    """Detector-frame unit vectors (..., 3) of arrival directions (theta, phi) in degrees."""
    theta = np.radians(theta_deg)
    phi = np.radians(phi_deg)
    sin_t = np.sin(theta)
    return np.stack([sin_t * np.cos(phi), sin_t * np.sin(phi), np.cos(theta)], axis=-1)


def detector_angles(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(theta, phi) in degrees, phi in [0, 360), of detector-frame vectors (..., 3)."""
    phi, lat = lonlat(vectors)
    return 90.0 - lat, phi


def attitude_matrices(
    ra_z: np.ndarray, dec_z: np.ndarray, ra_x: np.ndarray, dec_x: np.ndarray
) -> np.ndarray:
    """Rotation matrices (N, 3, 3), columns = detector x, y, z axes in ICRS.

    The x axis is re-orthogonalised against z (Gram-Schmidt) so that tiny rounding in
    the tabulated angles does not leak into the rotation; callers validate first that
    the axes are orthogonal to ``ORTHOGONALITY_TOLERANCE``.
    """
    z = unit_vector(ra_z, dec_z)
    x = unit_vector(ra_x, dec_x)
    x = x - np.sum(x * z, axis=-1, keepdims=True) * z
    x /= np.linalg.norm(x, axis=-1, keepdims=True)
    y = np.cross(z, x)
    return np.stack([x, y, z], axis=-1)


def axes_dot(
    ra_z: np.ndarray, dec_z: np.ndarray, ra_x: np.ndarray, dec_x: np.ndarray
) -> np.ndarray:
    """z · x of the tabulated attitude axes (0 for orthogonal axes): cos δz cos δx
    cos(αz − αx) + sin δz sin δx, five trigonometric functions per row instead of the
    unit vectors' eight (equal to their dot product to ~1e-15)."""
    dec_z = np.radians(dec_z)
    dec_x = np.radians(dec_x)
    cos_ra = np.cos(np.radians(ra_z) - np.radians(ra_x))
    return np.cos(dec_z) * np.cos(dec_x) * cos_ra + np.sin(dec_z) * np.sin(dec_x)


def is_orthogonal(dot: np.ndarray) -> np.ndarray:
    """Whether tabulated axes are orthogonal within tolerance."""
    return np.abs(dot) <= ORTHOGONALITY_TOLERANCE


def detector_to_icrs(rotation: np.ndarray, v_det: np.ndarray) -> np.ndarray:
    """ICRS vectors (N, 3) of detector-frame vectors (N, 3) under attitudes (N, 3, 3)."""
    return np.einsum("nij,nj->ni", rotation, v_det)


def icrs_to_detector(rotation: np.ndarray, v_icrs: np.ndarray) -> np.ndarray:
    """Detector-frame vectors (N, 3) of ICRS vectors (N, 3) under attitudes (N, 3, 3)."""
    return np.einsum("nji,nj->ni", rotation, v_icrs)


def icrs_to_galactic_matrix() -> np.ndarray:
    """The 3 × 3 rotation taking ICRS unit vectors to Galactic, as astropy computes it."""
    return ICRS_TO_GALACTIC


def icrs_to_galactic(ra_deg: np.ndarray, dec_deg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Galactic (l, b) in degrees, l in [0, 360), of ICRS (ra, dec) through astropy."""
    import astropy.units as u
    from astropy.coordinates import SkyCoord

    coords = SkyCoord(ra=np.asarray(ra_deg) * u.deg, dec=np.asarray(dec_deg) * u.deg, frame="icrs")
    gal = coords.galactic
    return gal.l.wrap_at(360 * u.deg).deg % 360.0, gal.b.deg


def galactic_to_icrs(l_deg: np.ndarray, b_deg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ICRS (ra, dec) in degrees of Galactic (l, b) through astropy."""
    import astropy.units as u
    from astropy.coordinates import SkyCoord

    coords = SkyCoord(l=np.asarray(l_deg) * u.deg, b=np.asarray(b_deg) * u.deg, frame="galactic")
    icrs = coords.icrs
    return icrs.ra.deg % 360.0, icrs.dec.deg


def angular_separation_deg(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Angle in degrees between unit vectors a and b (..., 3), accurate at small angles."""
    cross = np.linalg.norm(np.cross(a, b), axis=-1)
    dot = np.sum(a * b, axis=-1)
    return np.degrees(np.arctan2(cross, dot))
