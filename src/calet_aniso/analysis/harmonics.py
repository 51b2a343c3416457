"""Real spherical-harmonic coefficients a_lm (l ≤ 3) of HEALPix maps.

Estimator: a_lm = Σ_p Y_lm(p) m_p ΔΩ with the real orthonormal spherical harmonics at the
pixel centres and ΔΩ = 4π/N_pix; C_l = Σ_m a_lm² / (2l + 1). This is exactly what
``healpy.anafast(map, lmax=3, iter=0)`` computes (pixel-area quadrature, no iterative
refinement), to rounding. It differs from anafast's defaults (``lmax = 3 Nside − 1``,
``iter = 3``): with iterations, anafast refines a_lm by Jacobi steps that assume a
band-limited map, which changes the low-l estimates of a shot-noise-dominated count map at
the 1e-3 level and costs a full transform per step; for l ≤ 3 only the 16 harmonics are
needed, so the estimate is 16 dot products (the Monte Carlo relies on this).

The statistics of the a_lm (C_l, δ, limits, direction) are in ``analysis.statistics``.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.special import sph_harm_y

from calet_aniso.analysis.statistics import LMAX
from calet_aniso.geometry.healpix_grid import npix2nside, nside2npix, pix2ang


def lm_pairs(lmax: int = LMAX) -> list[tuple[int, int]]:
    """(l, m) in basis order: l = 0..lmax, m = -l..l."""
    return [(ell, m) for ell in range(lmax + 1) for m in range(-ell, ell + 1)]


@lru_cache(maxsize=8)
def real_harmonics(nside: int, lmax: int = LMAX) -> np.ndarray:
    """Real orthonormal spherical harmonics at the pixel centres, (n_lm, npix), RING.

    Y_l,m>0 = √2 (−1)^m Re Y_l^m, Y_l,m<0 = √2 (−1)^m Im Y_l^|m|, Y_l0 = Y_l^0; so that
    Y_1,1 ∝ x, Y_1,−1 ∝ y, Y_1,0 ∝ z. Built with scipy, independently of healpy's transforms.
    """
    theta, phi = pix2ang(nside, np.arange(nside2npix(nside)))
    rows = []
    for ell, m in lm_pairs(lmax):
        y = sph_harm_y(ell, abs(m), theta, phi)
        if m > 0:
            rows.append(np.sqrt(2.0) * (-1) ** m * y.real)
        elif m < 0:
            rows.append(np.sqrt(2.0) * (-1) ** m * y.imag)
        else:
            rows.append(y.real)
    basis = np.array(rows)
    basis.setflags(write=False)
    return basis


def alm_real(maps: np.ndarray, lmax: int = LMAX) -> np.ndarray:
    """Real a_lm (…, n_lm) of one map (npix,) or a stack of maps (n, npix)."""
    maps = np.asarray(maps, dtype=np.float64)
    npix = maps.shape[-1]
    basis = real_harmonics(npix2nside(npix), lmax)
    return maps @ basis.T * (4.0 * np.pi / npix)
