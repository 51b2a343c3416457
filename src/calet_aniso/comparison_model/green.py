"""Point-source solution of the diffusion–loss equation (spherical symmetry, infinite medium).

∂n/∂t = ∇·(D ∇n) + ∂(b n)/∂E + Q. For a burst of spectrum Q(E0) at distance r and time t
ago (e.g. Atoyan, Aharonian & Völk 1995):

n(E, r, t) = Q(E0) (b(E0)/b(E)) (π λ²)^(−3/2) exp(−r²/λ²)   [GeV⁻¹ cm⁻³]

with E0 = E / (1 − b0 E t) the injection energy and λ² = λ²(E, E0) the diffusion length.
Particles with E ≥ 1/(b0 t) cannot arrive (n = 0). A source emitting at a constant rate
between t_on and t_off after its birth is the burst solution integrated over emission
times (Gauss–Legendre). The flux is J = c n / (4π) [cm⁻² s⁻¹ sr⁻¹ GeV⁻¹].
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from calet_aniso.comparison_model.constants import C_CM_S
from calet_aniso.comparison_model.diffusion import Diffusion
from calet_aniso.comparison_model.diffusion_length import lambda_squared
from calet_aniso.comparison_model.losses import Losses


@dataclass(frozen=True)
class Propagation:
    """Diffusion coefficient and energy losses of the medium."""

    diffusion: Diffusion
    losses: Losses


@dataclass(frozen=True)
class BurstPropagation:
    """What a burst's density at the Sun owes to propagation alone, not to its spectrum: per
    energy E the injection energy E0 (E where nothing arrives), the factors (E0/E)², (π λ²)^−3/2
    and exp(−r²/λ²), whether anything arrives, and λ² (cm², ∞ where nothing arrives). A fit
    that changes only the spectrum reuses it."""

    initial_energy: np.ndarray
    cooling: np.ndarray
    spread: np.ndarray
    attenuation: np.ndarray
    arrives: np.ndarray
    lam2: np.ndarray

    def density(self, spectrum: Callable) -> np.ndarray:
        """n (GeV⁻¹ cm⁻³) for the burst's spectrum Q(E0)."""
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            density = spectrum(self.initial_energy) * self.cooling * self.spread * self.attenuation
        return np.where(self.arrives, density, 0.0)


def burst_propagation(
    energy_gev: np.ndarray, distance_cm: float, time_s: float, medium: Propagation
) -> BurstPropagation:
    """The propagation factors of a burst ``time_s`` ago at ``distance_cm``, at energies E."""
    energy = np.asarray(energy_gev, dtype=np.float64)
    e0 = medium.losses.initial_energy(energy, time_s)
    arrives = np.isfinite(e0)
    safe_e0 = np.where(arrives, e0, energy)
    lam2 = lambda_squared(energy, safe_e0, medium.diffusion, medium.losses)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        cooling = (safe_e0 / energy) ** 2
        spread = (np.pi * lam2) ** -1.5
        attenuation = np.exp(-(distance_cm**2) / lam2)
    return BurstPropagation(
        safe_e0, cooling, spread, attenuation, arrives & (lam2 > 0), np.where(arrives, lam2, np.inf)
    )


def burst_density(
    energy_gev: np.ndarray,
    distance_cm: float,
    time_s: float,
    spectrum: Callable,
    medium: Propagation,
) -> tuple[np.ndarray, np.ndarray]:
    """Density n (GeV⁻¹ cm⁻³) and λ² (cm²) at energies E from a burst ``time_s`` ago."""
    propagation = burst_propagation(energy_gev, distance_cm, time_s, medium)
    return propagation.density(spectrum), propagation.lam2


def burst_gradient(density: np.ndarray, lam2: np.ndarray, distance_cm: float) -> np.ndarray:
    """|∂n/∂r| (GeV⁻¹ cm⁻⁴) of a burst: 2 r n / λ² (pointing away from the source)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(np.isfinite(lam2), 2.0 * distance_cm * density / lam2, 0.0)


def continuous_density(
    energy_gev: np.ndarray,
    distance_cm: float,
    age_s: float,
    emission_on_s: float,
    emission_off_s: float,
    spectrum: Callable,
    medium: Propagation,
    n_nodes: int = 48,
) -> tuple[np.ndarray, np.ndarray]:
    """Density and |∂n/∂r| for constant emission of ``spectrum`` (total) between t_on and t_off
    after birth, observed at ``age_s``: Gauss–Legendre over the emission time."""
    nodes, weights = np.polynomial.legendre.leggauss(n_nodes)
    half = 0.5 * (emission_off_s - emission_on_s)
    mid = 0.5 * (emission_off_s + emission_on_s)
    density = np.zeros(np.shape(energy_gev))
    gradient = np.zeros(np.shape(energy_gev))
    for x, w in zip(nodes, weights, strict=True):
        emitted_at = mid + half * x
        n, lam2 = burst_density(energy_gev, distance_cm, age_s - emitted_at, spectrum, medium)
        share = w * half / (emission_off_s - emission_on_s)  # fraction of the output in this slice
        density += share * n
        gradient += share * burst_gradient(n, lam2, distance_cm)
    return density, gradient


def flux_from_density(density: np.ndarray) -> np.ndarray:
    """Isotropic flux c n / 4π in m⁻² s⁻¹ sr⁻¹ GeV⁻¹ from n in GeV⁻¹ cm⁻³."""
    return C_CM_S * np.asarray(density) / (4.0 * np.pi) * 1e4


def density_from_flux(flux: np.ndarray) -> np.ndarray:
    """Density n in GeV⁻¹ cm⁻³ of an isotropic flux J in m⁻² s⁻¹ sr⁻¹ GeV⁻¹ (J = c n / 4π)."""
    return np.asarray(flux) * 4.0 * np.pi / (C_CM_S * 1e4)
