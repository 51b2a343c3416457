"""The dipole of all point sources of a flux model, added as vectors (proceedings section 4).

Each point source k — the pulsars and, in the Vela variant, the Vela SNR — makes the flux from
its direction ŝ_k larger by (3D/c)|∇n_k|/n: δ⃗(E) = (3 D(E)/c) Σ_k |∇n_k(E)| ŝ_k / n_total(E),
with n_total the density of the total flux (the smooth primaries and secondaries are
isotropic). Directions are Galactic unit vectors; the summed dipole points to (l, b).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from calet_aniso.comparison_model.anisotropy import dipole_vectors, integral_dipole_vectors
from calet_aniso.comparison_model.flux import FluxModel
from calet_aniso.comparison_model.green import density_from_flux
from calet_aniso.geometry.frames import direction_lonlat, unit_vector


def source_gradients(
    model: FluxModel, params: dict[str, float], pulsars: pd.DataFrame, energy_gev: np.ndarray
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Names, unit vectors (k, 3) and density gradients |∇n_k| (k, n_E) in GeV⁻¹ cm⁻⁴ of the
    point sources of the model: the given pulsars, then the Vela SNR if the model has it."""
    names = list(pulsars["psrj"])
    units = unit_vector(pulsars["gal_l_deg"].to_numpy(), pulsars["gal_b_deg"].to_numpy())
    gradients = model.pulsar_densities(energy_gev, params, pulsars)[1]
    if model.vela is not None:
        _, vela_gradient = model.vela.density_and_gradient(energy_gev, model.medium)
        names.append("Vela SNR")
        units = np.vstack([units, unit_vector(model.vela.l_deg, model.vela.b_deg)])
        gradients = np.vstack([gradients, vela_gradient])
    return names, units.reshape(-1, 3), gradients


def summed_dipole(
    model: FluxModel,
    params: dict[str, float],
    pulsars: pd.DataFrame,
    energy_gev: np.ndarray,
    total_flux: np.ndarray,
) -> np.ndarray:
    """δ⃗(E), (n_E, 3), of all point sources relative to ``total_flux`` (m⁻² s⁻¹ sr⁻¹ GeV⁻¹)."""
    energy = np.asarray(energy_gev, dtype=np.float64)
    _, units, gradients = source_gradients(model, params, pulsars, energy)
    gradient = gradients.T @ units  # Σ_k |∇n_k| ŝ_k, (n_E, 3)
    return dipole_vectors(energy, gradient, density_from_flux(total_flux), model.medium.diffusion)


def dipole_above(
    energy_gev: np.ndarray,
    vectors: np.ndarray,
    total_flux: np.ndarray,
    thresholds_gev: np.ndarray,
    upper_gev: np.ndarray | None = None,
) -> pd.DataFrame:
    """Amplitude and direction of the flux-weighted δ⃗ above thresholds (or in bins up to
    ``upper_gev``) from δ⃗(E) on a fine energy grid."""
    total = np.asarray(total_flux)
    summed = integral_dipole_vectors(
        energy_gev, vectors * total[:, None], total, thresholds_gev, upper_gev
    )
    l_deg, b_deg = direction_lonlat(summed)
    return pd.DataFrame(
        {"delta": np.linalg.norm(summed, axis=1), "dipole_l_deg": l_deg, "dipole_b_deg": b_deg}
    )
