"""Predicted dipole anisotropy from the Vela SNR (seed section 4, Figure 4).

δ(E) = (3 D(E)/c) |∇n_Vela| / n_total, pointing to Vela, with n_total the density of the
total e± flux (c n / 4π = J). The total flux is the measured one (interpolated), so the
prediction does not depend on how the rest of the flux is modelled (a smooth fit of
it, ``spectrum.SmoothFlux``, so data scatter does not imprint on δ). Both the analytic
gradient and the seed's finite difference (eq. 4.2) are reported. Above a threshold,
δ(≥E) = ∫ δ(E′) J(E′) dE′ / ∫ J(E′) dE′ over E ≤ E′ ≤ E_max, where E_max is the top of the
measured range (the workflow uses the upper edge of the last measured bin, 4.57 TeV for CALET
2018): above it the total flux, and so δ, is not constrained by data.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from .anisotropy import finite_difference_dipole, integral_dipole
from .constants import C_CM_S, KPC_CM, KYR_S
from .flux import VelaSNR
from .green import Propagation, continuous_density, flux_from_density


def vela_dipole(
    energy_gev: np.ndarray,
    total_flux: Callable[[np.ndarray], np.ndarray],
    vela: VelaSNR,
    medium: Propagation,
) -> pd.DataFrame:
    """Per energy: Vela flux, total flux, δ by analytic gradient and by finite difference."""
    energy = np.asarray(energy_gev, dtype=np.float64)
    density, gradient = vela.density_and_gradient(energy, medium)
    total = np.asarray(total_flux(energy))
    total_density = total * 4.0 * np.pi / (C_CM_S * 1e4)  # invert c n / 4π (m⁻² → cm⁻²)
    diffusion = medium.diffusion(energy)
    analytic = 3.0 * diffusion * gradient / (C_CM_S * total_density)
    distance = vela.distance_kpc * KPC_CM

    def density_at(d):
        return continuous_density(
            energy, d, vela.age_kyr * KYR_S, 0.0, vela.emission_kyr * KYR_S, vela.spectrum(), medium
        )[0]

    # Finite difference of the Vela density alone, normalised to the total density.
    finite = finite_difference_dipole(energy, density_at, distance, 1e-3 * KPC_CM, medium.diffusion)
    with np.errstate(invalid="ignore", divide="ignore"):
        finite = np.where(total_density > 0, finite * density / total_density, 0.0)
    return pd.DataFrame(
        {
            "energy_gev": energy,
            "vela_flux": flux_from_density(density),
            "total_flux": total,
            "delta_analytic": analytic,
            "delta_finite_difference": finite,
        }
    )


def _flux_weighted_delta(
    table: pd.DataFrame, low_gev: np.ndarray, high_gev: np.ndarray | None = None
) -> np.ndarray:
    """Flux-weighted δ above ``low_gev`` (up to ``high_gev`` if given) from a per-energy table
    of :func:`vela_dipole` (fine log grid)."""
    total = table["total_flux"].to_numpy()
    return integral_dipole(
        table["energy_gev"].to_numpy(),
        table["delta_analytic"].to_numpy() * total,
        total,
        low_gev,
        high_gev,
    )


def vela_dipole_in_bins(
    table: pd.DataFrame, low_gev: np.ndarray, high_gev: np.ndarray
) -> pd.DataFrame:
    """Flux-weighted mean δ in energy bins [low, high] (as Fermi-LAT's differential limits)."""
    return pd.DataFrame(
        {
            "e_low_gev": np.asarray(low_gev, dtype=float),
            "e_high_gev": np.asarray(high_gev, dtype=float),
            "delta_bin": _flux_weighted_delta(table, low_gev, high_gev),
        }
    )


def vela_dipole_above(table: pd.DataFrame, thresholds_gev: np.ndarray) -> pd.DataFrame:
    """δ(≥ threshold) from a per-energy table of :func:`vela_dipole`."""
    return pd.DataFrame(
        {
            "threshold_gev": np.asarray(thresholds_gev, dtype=float),
            "delta_above": _flux_weighted_delta(table, thresholds_gev),
        }
    )
