"""Radiative energy losses of e±: b(E) = −dE/dt = b0 E² (synchrotron + inverse Compton).

In the Thomson regime b0 = (4/3) σ_T c (U_rad + U_B) / (m_e c²)². With U in eV cm⁻³,
b0 = 1.02e-16 GeV⁻¹ s⁻¹ × U. The default U = 1.0 eV cm⁻³ stands for the local energy
densities of the CMB (0.26 eV cm⁻³), starlight and dust emission, and a ~3 µG magnetic
field (B²/8π = 0.22 eV cm⁻³); it is a model parameter (config ``model.energy_density_ev_cm3``).
Klein–Nishina suppression of the inverse-Compton losses on starlight at TeV energies is
neglected, as in the analytic models the proceedings cite.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from calet_aniso.comparison_model.constants import (
    C_CM_S,
    ELECTRON_MASS_GEV,
    EV_PER_CM3_IN_GEV,
    SIGMA_T_CM2,
)


def thomson_b0(energy_density_ev_cm3: float) -> float:
    """b0 (GeV⁻¹ s⁻¹) for a total radiation + magnetic energy density (eV cm⁻³)."""
    return (
        (4.0 / 3.0)
        * SIGMA_T_CM2
        * C_CM_S
        * energy_density_ev_cm3
        * EV_PER_CM3_IN_GEV
        / ELECTRON_MASS_GEV**2
    )


@dataclass(frozen=True)
class Losses:
    """b(E) = b0 E², E in GeV, b in GeV/s."""

    b0_per_gev_s: float

    def rate(self, energy_gev: np.ndarray) -> np.ndarray:
        """Energy-loss rate b(E) in GeV/s."""
        return self.b0_per_gev_s * np.asarray(energy_gev) ** 2

    def initial_energy(self, energy_gev: np.ndarray, time_s: float | np.ndarray) -> np.ndarray:
        """Energy E0 at injection of a particle observed at E after time t; inf if impossible."""
        energy = np.asarray(energy_gev, dtype=np.float64)
        denominator = 1.0 - self.b0_per_gev_s * energy * np.asarray(time_s)
        with np.errstate(divide="ignore"):
            return np.where(
                denominator > 0, energy / np.where(denominator > 0, denominator, 1.0), np.inf
            )
