"""Dipole anisotropy from the density gradient (proceedings eq. 4.2).

Φ_dir = Φ_avg (1 + (3D/c) (F(r1) − F(r2)) / (|r1 − r2| F(r_sun))), so the dipole amplitude is
δ = (3 D(E) / c) |∇n| / n. With several sources the gradients add as vectors and n is the
total density (isotropic components included). ``finite_difference_dipole`` evaluates the
proceedings' form with grid points on opposite sides of the Sun along the source direction.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from calet_aniso.comparison_model.constants import C_CM_S
from calet_aniso.comparison_model.diffusion import Diffusion


def dipole_scale(energy_gev: np.ndarray, density: np.ndarray, diffusion: Diffusion) -> np.ndarray:
    """3 D(E) / (c n) in cm⁴ GeV: δ⃗ = scale × ∇n; 0 where n = 0."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(density > 0, 3.0 * diffusion(energy_gev) / (C_CM_S * density), 0.0)


def dipole_amplitude(
    energy_gev: np.ndarray, gradient: np.ndarray, density: np.ndarray, diffusion: Diffusion
) -> np.ndarray:
    """δ(E) = 3 D(E) |∇n| / (c n); gradient may be (…, 3) vectors or magnitudes."""
    gradient = np.asarray(gradient)
    magnitude = (
        np.linalg.norm(gradient, axis=-1) if gradient.ndim > np.ndim(density) else np.abs(gradient)
    )
    return magnitude * dipole_scale(energy_gev, density, diffusion)


def dipole_vectors(
    energy_gev: np.ndarray, gradient: np.ndarray, density: np.ndarray, diffusion: Diffusion
) -> np.ndarray:
    """δ⃗(E) = 3 D(E) ∇n / (c n), (n_E, 3), from gradient vectors (n_E, 3)."""
    return np.asarray(gradient) * dipole_scale(energy_gev, density, diffusion)[:, None]


def finite_difference_dipole(
    energy_gev: np.ndarray,
    density_at: Callable[[float], np.ndarray],
    distance_cm: float,
    step_cm: float,
    diffusion: Diffusion,
) -> np.ndarray:
    """Proceedings eq. 4.2: δ = (3D/c) (F(r1) − F(r2)) / (|r1 − r2| F(r_sun)), r1 and r2 a step
    towards and away from the source; ``density_at(d)`` gives n at distance d from it."""
    nearer = density_at(distance_cm - step_cm)
    farther = density_at(distance_cm + step_cm)
    here = density_at(distance_cm)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(
            here > 0,
            3.0 * diffusion(energy_gev) * (nearer - farther) / (2.0 * step_cm * here * C_CM_S),
            0.0,
        )


def integral_dipole_vectors(
    energy_gev: np.ndarray,
    anisotropic_flux: np.ndarray,
    total_flux: np.ndarray,
    thresholds_gev: np.ndarray,
    upper_gev: np.ndarray | None = None,
) -> np.ndarray:
    """δ⃗ above each threshold, (n_thresholds, 3): ∫_{E≥thr} δ⃗(E) J(E) dE / ∫_{E≥thr} J_total dE.

    ``anisotropic_flux`` is δ⃗(E) J(E) as (n_E, 3) vectors; the integrals use the trapezoid
    rule in ln E on the given energy grid (up to its end, or to ``upper_gev``, one per
    threshold: δ⃗ in the energy bin [thr, upper]). NaN where the total flux vanishes.
    """
    energy = np.asarray(energy_gev)
    vectors = np.asarray(anisotropic_flux, dtype=np.float64).reshape(len(energy), -1)
    thresholds = np.atleast_1d(thresholds_gev)
    uppers = np.full(len(thresholds), np.inf) if upper_gev is None else np.atleast_1d(upper_gev)
    out = np.full((len(thresholds), vectors.shape[1]), np.nan)
    for i, (threshold, upper) in enumerate(zip(thresholds, uppers, strict=True)):
        keep = (energy >= threshold) & (energy <= upper)
        x = np.log(energy[keep])
        numerator = np.trapezoid(vectors[keep] * energy[keep, None], x, axis=0)
        denominator = np.trapezoid(total_flux[keep] * energy[keep], x)
        if denominator > 0:
            out[i] = numerator / denominator
    return out


def integral_dipole(
    energy_gev: np.ndarray,
    anisotropic_flux: np.ndarray,
    total_flux: np.ndarray,
    thresholds_gev: np.ndarray,
    upper_gev: np.ndarray | None = None,
) -> np.ndarray:
    """|δ⃗| above each threshold (see :func:`integral_dipole_vectors`); ``anisotropic_flux``
    may also be (n_E,), the anisotropy along one direction."""
    vectors = integral_dipole_vectors(
        energy_gev, anisotropic_flux, total_flux, thresholds_gev, upper_gev
    )
    return np.linalg.norm(vectors, axis=1)
