"""The HEALPix RING grid (sizes, rings, pixel centres, pixel of a direction, bilinear
interpolation) without importing healpy.

healpy takes most of a second to import (it loads matplotlib and astropy); the pipeline's
jobs need no more than these, and compute exactly what healpy's functions of the same names
compute, bit for bit (tests compare them at every pixel, on pixel boundaries and at the
poles): the same formulas as HEALPix C++ (``T_Healpix_Base::pix2loc``, ``get_ring_info``,
``loc2pix``, ``get_interpol``) in the same order of operations, with the C library's
``acos`` and ``atan2`` for colatitudes (numpy's vectorised ones differ from it in the last
bit; its ``sqrt``, ``cos`` and ``sin`` are the C library's). RING ordering, and unit vectors
in NESTED ordering too (C++ computes those from the face coordinates, which is not the same
bits as converting to RING first).
"""

from __future__ import annotations

import math

import numpy as np


def nside2npix(nside: int) -> int:
    """Number of pixels of a HEALPix map of ``nside``: 12 Nside²."""
    return 12 * nside * nside


def npix2nside(npix: int) -> int:
    """Nside of a HEALPix map of ``npix`` pixels; ValueError if ``npix`` is not 12 Nside²."""
    nside = math.isqrt(max(int(npix), 0) // 12)
    if npix <= 0 or nside2npix(nside) != npix:
        raise ValueError("Wrong pixel number (it is not 12*nside**2)")
    return nside


def nside2pixarea(nside: int) -> float:
    """Solid angle of one pixel (sr): 4π / N_pix."""
    return 4 * np.pi / nside2npix(nside)


def nside2resol(nside: int, arcmin: bool = False) -> float:
    """Pixel size: the square root of its solid angle (rad, or arcmin)."""
    resol = np.sqrt(nside2pixarea(nside))
    return np.rad2deg(resol) * 60 if arcmin else resol


def _ring_constants(nside: int) -> tuple[int, int, float, float]:
    """N_pix, the pixels of one polar cap, and HEALPix C++'s fact1 and fact2."""
    npix = nside2npix(nside)
    fact2 = 4.0 / npix
    return npix, 2 * nside * (nside - 1), (nside << 1) * fact2, fact2


def ringinfo(
    nside: int, ring: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """First pixel, pixel count, cos θ, sin θ and whether shifted, of rings 1 … 4 Nside − 1."""
    ring = np.asarray(ring, dtype=np.int64)
    npix, ncap, fact1, fact2 = _ring_constants(nside)
    north = np.where(ring > 2 * nside, 4 * nside - ring, ring)  # ring counted from a pole
    cap = north < nside
    tmp = north * north * fact2
    cos_equator = (2 * nside - north) * fact1
    with np.errstate(invalid="ignore"):  # each branch is kept only where it applies
        sin_cap = np.sqrt(tmp * (2 - tmp))
        sin_equator = np.sqrt((1 + cos_equator) * (1 - cos_equator))
    cos_theta = np.where(cap, 1 - tmp, cos_equator)
    length = np.where(cap, 4 * north, 4 * nside)
    start = np.where(cap, 2 * north * (north - 1), ncap + (north - nside) * 4 * nside)
    south = north != ring
    return (
        np.where(south, npix - start - length, start),
        length,
        np.where(south, -cos_theta, cos_theta),
        np.where(cap, sin_cap, sin_equator),
        np.where(cap, True, ((north - nside) & 1) == 0),
    )


def _pixel_locations(nside: int, pix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """z = cos θ, φ and (NaN unless |z| > 0.99 in a polar cap) sin θ of RING pixels."""
    pix = np.asarray(pix, dtype=np.int64)
    npix, ncap, fact1, fact2 = _ring_constants(nside)
    z = np.empty(pix.shape)
    phi = np.empty(pix.shape)
    sin_theta = np.full(pix.shape, np.nan)
    for cap, sign in ((pix < ncap, 1.0), (pix >= npix - ncap, -1.0)):
        from_pole = pix[cap] if sign > 0 else npix - pix[cap]  # the south cap counts back
        twice = 1 + 2 * from_pole if sign > 0 else 2 * from_pole - 1
        ring = (1 + np.array([math.isqrt(k) for k in twice.tolist()], dtype=np.int64)) >> 1
        offset = from_pole - 2 * ring * (ring - 1)
        iphi = offset + 1 if sign > 0 else 4 * ring + 1 - offset
        tmp = (ring * ring) * fact2
        z[cap] = 1.0 - tmp if sign > 0 else tmp - 1.0
        near_pole = sign * z[cap] > 0.99
        with np.errstate(invalid="ignore"):
            sin_theta[cap] = np.where(near_pole, np.sqrt(tmp * (2.0 - tmp)), np.nan)
        phi[cap] = (iphi - 0.5) * (np.pi / 2) / ring
    equator = (pix >= ncap) & (pix < npix - ncap)
    offset = pix[equator] - ncap
    ring = offset // (4 * nside) + nside
    iphi = offset - 4 * nside * (ring - nside) + 1
    shift = np.where(((ring + nside) & 1) == 1, 1.0, 0.5)
    z[equator] = (2 * nside - ring) * fact1
    phi[equator] = (iphi - shift) * np.pi * 0.75 * fact1
    return z, phi, sin_theta


#: Ring (in units of Nside) and longitude index of the corner of each base face (HEALPix C++).
_FACE_RING = np.array([2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4], dtype=np.int64)
_FACE_PHI = np.array([1, 3, 5, 7, 0, 2, 4, 6, 1, 3, 5, 7], dtype=np.int64)


def _nest_locations(nside: int, pix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_pixel_locations` of NESTED pixels (HEALPix C++'s ``nest2xyf`` branch)."""
    pix = np.asarray(pix, dtype=np.int64)
    order = nside.bit_length() - 1
    if nside != 1 << order:
        raise ValueError(f"NESTED ordering needs a power of 2 for Nside, not {nside}")
    _, _, fact1, fact2 = _ring_constants(nside)
    face = pix >> (2 * order)
    in_face = pix & (nside * nside - 1)
    ix = np.zeros(pix.shape, dtype=np.int64)
    iy = np.zeros(pix.shape, dtype=np.int64)
    for bit in range(order):  # de-interleave: x in the even bits, y in the odd ones
        ix |= ((in_face >> (2 * bit)) & 1) << bit
        iy |= ((in_face >> (2 * bit + 1)) & 1) << bit
    ring = (_FACE_RING[face] << order) - ix - iy - 1
    north = ring < nside
    south = ring > 3 * nside
    nr = np.where(north, ring, np.where(south, 4 * nside - ring, nside))
    tmp = (nr * nr) * fact2
    z = np.where(north, 1 - tmp, np.where(south, tmp - 1, (2 * nside - ring) * fact1))
    with np.errstate(invalid="ignore"):
        sin_theta = np.where(
            (north & (z > 0.99)) | (south & (z < -0.99)), np.sqrt(tmp * (2.0 - tmp)), np.nan
        )
    iphi = _FACE_PHI[face] * nr + ix - iy
    iphi = np.where(iphi < 0, iphi + 8 * nr, iphi)
    half_pi = np.pi / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        phi = np.where(nr == nside, 0.75 * half_pi * iphi * fact1, (0.5 * half_pi * iphi) / nr)
    return z, phi, sin_theta


_ACOS = np.frompyfunc(math.acos, 1, 1)
_ATAN2 = np.frompyfunc(math.atan2, 2, 1)


def pix2ang(nside: int, pix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Colatitude θ and longitude φ (rad) of RING pixel centres."""
    z, phi, sin_theta = _pixel_locations(nside, pix)
    polar = ~np.isnan(sin_theta)
    theta = _ACOS(z).astype(np.float64)
    theta[polar] = _ATAN2(sin_theta[polar], z[polar]).astype(np.float64)
    return theta, phi


def pix2vec(
    nside: int, pix: np.ndarray, nest: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit vectors (x, y, z) of pixel centres, RING (or NESTED) ordering."""
    z, phi, sin_theta = (_nest_locations if nest else _pixel_locations)(nside, pix)
    sin_theta = np.where(np.isnan(sin_theta), np.sqrt((1.0 - z) * (1.0 + z)), sin_theta)
    return sin_theta * np.cos(phi), sin_theta * np.sin(phi), z


_INV_HALF_PI = 0.6366197723675813430755350534900574


def _fmodulo(value: np.ndarray, modulus: float) -> np.ndarray:
    """``value`` into [0, modulus) as HEALPix C++'s ``fmodulo``."""
    with np.errstate(invalid="ignore"):
        below = np.fmod(value, modulus) + modulus
        return np.where(
            value >= 0,
            np.where(value < modulus, value, np.fmod(value, modulus)),
            np.where(below == modulus, 0.0, below),
        )


def ang2pix(nside: int, lon_deg: np.ndarray, lat_deg: np.ndarray) -> np.ndarray:
    """RING pixel of each direction (longitude, latitude in degrees): healpy's
    ``ang2pix(nside, lon, lat, lonlat=True)``, on pixel boundaries too."""
    theta = np.pi / 2.0 - np.radians(np.asarray(lat_deg, dtype=np.float64))
    phi = np.radians(np.asarray(lon_deg, dtype=np.float64))
    phi = _fmodulo(phi, 2.0 * np.pi)  # C++ pointing::normalize
    z = np.cos(theta)
    near_pole = (theta < 0.01) | (theta > 3.14159 - 0.01)
    za = np.abs(z)
    tt = _fmodulo(phi * _INV_HALF_PI, 4.0)
    npix, ncap, _, _ = _ring_constants(nside)
    nl4 = 4 * nside
    # equatorial belt (|z| ≤ 2/3): the ascending and descending edge lines through the point
    temp1 = nside * (0.5 + tt)
    temp2 = nside * z * 0.75
    jp = (temp1 - temp2).astype(np.int64)
    jm = (temp1 + temp2).astype(np.int64)
    ring = nside + 1 + jp - jm
    shift = 1 - (ring & 1)
    t1 = jp + jm - nside + shift + 1 + nl4 + nl4
    ip = (t1 >> 1) & (nl4 - 1) if nside & (nside - 1) == 0 else (t1 >> 1) % nl4
    equatorial = ncap + (ring - 1) * nl4 + ip
    # polar caps
    tp = tt - tt.astype(np.int64)
    with np.errstate(invalid="ignore"):
        tmp = np.where(
            (za < 0.99) | ~near_pole,
            nside * np.sqrt(3 * (1 - za)),
            nside * np.sin(theta) / np.sqrt((1.0 + za) / 3.0),
        )
    jp = (tp * tmp).astype(np.int64)
    jm = ((1.0 - tp) * tmp).astype(np.int64)
    ring = jp + jm + 1
    ip = (tt * ring).astype(np.int64)
    polar = np.where(z > 0, 2 * ring * (ring - 1) + ip, npix - 2 * ring * (ring + 1) + ip)
    return np.where(za <= 2.0 / 3.0, equatorial, polar)


def _ring_colatitudes(
    nside: int, ring: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`ringinfo` with the colatitude θ (rad) in place of cos θ and sin θ, as HEALPix
    C++'s ``get_ring_info2`` computes it: atan2(sin θ, cos θ) in the polar caps, acos(cos θ)
    in the equatorial belt, on the northern ring; π − θ for a southern one. The scalar
    libm calls are made once per distinct ring (the points share a few hundred rings)."""
    distinct, index = np.unique(ring, return_inverse=True)
    start, length, cos_theta, sin_theta, shifted = ringinfo(nside, distinct)
    z = np.abs(cos_theta)  # the northern ring's cos θ (ringinfo negates it in the south)
    cap = length < 4 * nside
    theta = np.where(cap, _ATAN2(sin_theta, z).astype(np.float64), _ACOS(z).astype(np.float64))
    theta = np.where(cos_theta < 0, np.pi - theta, theta)
    shape = np.shape(ring)
    start, length, theta, shifted = (
        a[index].reshape(shape) for a in (start, length, theta, shifted)
    )
    return start, length, theta, shifted


def get_interp_val(sky: np.ndarray, theta: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """Bilinear interpolation of a RING map at colatitudes ``theta`` and longitudes ``phi``
    (rad): healpy's ``get_interp_val`` bit for bit (HEALPix C++'s ``get_interpol``: the
    pixels of the rings above and below, weighted in φ then in θ; a quarter to each of the
    four polar pixels beyond the first and last rings)."""
    sky = np.asarray(sky)
    nside = npix2nside(sky.size)
    npix = sky.size
    theta = np.asarray(theta, dtype=np.float64)
    phi = _fmodulo(np.asarray(phi, dtype=np.float64), 2.0 * np.pi)
    z = np.cos(theta)
    za = np.abs(z)
    with np.errstate(invalid="ignore"):
        polar_ring = (nside * np.sqrt(3 * (1 - za))).astype(np.int64)
    above = np.where(
        za <= 2.0 / 3.0,
        (nside * (2 - 1.5 * z)).astype(np.int64),
        np.where(z > 0, polar_ring, 4 * nside - polar_ring - 1),
    )
    pix = np.zeros((4, *theta.shape), dtype=np.int64)
    weight = np.zeros((4, *theta.shape))
    ring_theta = []
    for k, ring in enumerate((above, above + 1)):
        exists = (ring > 0) & (ring < 4 * nside)
        safe = np.where(exists, ring, 1)
        start, length, ring_th, shifted = _ring_colatitudes(nside, safe)
        shift = np.where(shifted, 1.0, 0.0)
        dphi = 2.0 * np.pi / length
        tmp = phi / dphi - 0.5 * shift
        i1 = np.where(tmp < 0, tmp.astype(np.int64) - 1, tmp.astype(np.int64))
        w1 = (phi - (i1 + 0.5 * shift) * dphi) / dphi
        i2 = i1 + 1
        i1 = np.where(i1 < 0, i1 + length, i1)
        i2 = np.where(i2 >= length, i2 - length, i2)
        pix[2 * k] = np.where(exists, start + i1, 0)
        pix[2 * k + 1] = np.where(exists, start + i2, 0)
        weight[2 * k] = np.where(exists, 1 - w1, 0.0)
        weight[2 * k + 1] = np.where(exists, w1, 0.0)
        ring_theta.append(ring_th)
    theta1, theta2 = ring_theta
    north = above == 0
    south = above + 1 == 4 * nside
    # north of the first ring: the ring below, and a quarter to each of its opposite pixels
    wtheta = theta / theta2
    fac = (1 - wtheta) * 0.25
    north_w = [fac, fac, weight[2] * wtheta + fac, weight[3] * wtheta + fac]
    north_p = [(pix[2] + 2) & 3, (pix[3] + 2) & 3, pix[2], pix[3]]
    # south of the last ring
    wtheta_s = (theta - theta1) / (np.pi - theta1)
    fac_s = wtheta_s * 0.25
    south_w = [weight[0] * (1 - wtheta_s) + fac_s, weight[1] * (1 - wtheta_s) + fac_s, fac_s, fac_s]
    south_p = [pix[0], pix[1], ((pix[0] + 2) & 3) + npix - 4, ((pix[1] + 2) & 3) + npix - 4]
    with np.errstate(divide="ignore", invalid="ignore"):  # the rows kept are finite
        wtheta_m = (theta - theta1) / (theta2 - theta1)
        middle_w = [
            weight[0] * (1 - wtheta_m),
            weight[1] * (1 - wtheta_m),
            weight[2] * wtheta_m,
            weight[3] * wtheta_m,
        ]
    pixels = np.stack(
        [
            np.where(north, n, np.where(south, s, m))
            for n, s, m in zip(north_p, south_p, pix, strict=True)
        ]
    )
    weights = np.stack(
        [
            np.where(north, n, np.where(south, s, m))
            for n, s, m in zip(north_w, south_w, middle_w, strict=True)
        ]
    )
    return np.sum(sky[pixels] * weights, 0)
