"""The dipole vector of a weighted sky map and its covariance under Poisson counts.

With W_p = Σ w_i the weighted map (events per pixel times their weights) and r̂_p the pixel
centres, the dipole vector of eq. 2.1 is d⃗ = 3 Σ_p W_p r̂_p / Σ_p W_p (the same as
``statistics.dipole_vector`` on the map's a_lm: a_1m and a_00 are these sums times Y_lm).
Counts are Poisson, so Var W_p = Σ w_i² =: V_p, pixels independent; to first order in the
fluctuations (the delta method, exact as N → ∞)

    Cov(d⃗) = 9 / M² · Σ_p V_p (r̂_p − d⃗/3)(r̂_p − d⃗/3)ᵀ,   M = Σ_p W_p.

The same formula with W_p and V_p replaced by their expectations λ_p w_p and λ_p w_p² gives
the covariance of the isotropic Monte Carlo's d⃗ (λ_p ∝ Ā_p over the unmasked pixels).
"""

from __future__ import annotations

import numpy as np

from calet_aniso.geometry.healpix_grid import npix2nside, pix2vec


def pixel_vectors(npix: int) -> np.ndarray:
    """Unit vectors (npix, 3) of the HEALPix RING pixel centres."""
    return np.stack(pix2vec(npix2nside(npix), np.arange(npix)), axis=-1)


def dipole_with_covariance(
    weighted: np.ndarray, weighted_squared: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """d⃗ (3,) of a weighted map and its covariance (3, 3), both in the map's frame (module
    docstring); NaN if the map is empty."""
    weighted = np.asarray(weighted, dtype=np.float64)
    total = weighted.sum()
    if total <= 0:
        return np.full(3, np.nan), np.full((3, 3), np.nan)
    vectors = pixel_vectors(weighted.size)
    dipole = 3.0 * (weighted @ vectors) / total
    centred = vectors - dipole / 3.0
    covariance = 9.0 / total**2 * (centred.T * np.asarray(weighted_squared)) @ centred
    return dipole, covariance


def direction_error_deg(dipole: np.ndarray, covariance: np.ndarray) -> float:
    """1σ error (deg) of the dipole's direction: the rms of d⃗'s two components perpendicular
    to d⃗ over |d⃗|, in the Gaussian limit (valid when |d⃗| is several σ; larger than about
    60° means the direction is not measured). NaN for a zero or undefined dipole."""
    amplitude = float(np.linalg.norm(dipole))
    if not np.isfinite(amplitude) or amplitude == 0:
        return float("nan")
    unit = dipole / amplitude
    perpendicular = np.eye(3) - np.outer(unit, unit)
    sigma = np.sqrt(np.trace(perpendicular @ covariance @ perpendicular) / 2.0)
    return float(np.degrees(sigma / amplitude))
