"""Source injection spectra: power law with exponential cut-off, normalised to a total energy.

Q(E) = Q0 E^(−γ) exp(−E/Ec) (GeV⁻¹), with Q0 such that ∫_{E_min}^∞ E Q(E) dE equals the
energy W released in e± above E_min (e.g. Vela: W = 2.5e47 erg above 1 GeV, γ = 2.32,
Ec = 100 TeV; proceedings section 4).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import gamma, gammaincc

from calet_aniso.comparison_model.constants import GEV_PER_ERG


@dataclass(frozen=True)
class CutoffPowerLaw:
    """Q(E) = Q0 E^(−γ) exp(−E/Ec) normalised to ``energy_erg`` above ``e_min_gev``."""

    index: float
    cutoff_gev: float
    energy_erg: float
    e_min_gev: float = 1.0

    @property
    def q0(self) -> float:
        """Normalisation Q0 (GeV^(γ−1)) from ∫ E Q dE = W: Q0 Ec^(2−γ) Γ(2−γ, E_min/Ec) = W."""
        s = 2.0 - self.index
        x = self.e_min_gev / self.cutoff_gev
        upper_gamma = _upper_incomplete_gamma(s, x)
        return self.energy_erg * GEV_PER_ERG / (self.cutoff_gev**s * upper_gamma)

    def __call__(self, energy_gev: np.ndarray) -> np.ndarray:
        """Number of e± per GeV injected at energy E (GeV⁻¹)."""
        e = np.asarray(energy_gev, dtype=np.float64)
        return self.q0 * e ** (-self.index) * np.exp(-e / self.cutoff_gev)


def _upper_incomplete_gamma(s: float, x: float) -> float:
    """Γ(s, x) for any real s ≠ 0, −1, … (recurrence for s ≤ 0)."""
    if s > 0:
        return float(gamma(s) * gammaincc(s, x))
    # Γ(s, x) = (Γ(s + 1, x) − x^s e^(−x)) / s
    return (_upper_incomplete_gamma(s + 1.0, x) - x**s * np.exp(-x)) / s
