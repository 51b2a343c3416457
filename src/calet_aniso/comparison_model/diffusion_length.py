"""Diffusion length λ²(E, E0) = 4 ∫_E^{E0} D(E′)/b(E′) dE′ for eq. 4.1 and b = b0 E².

Closed form: with a = δl − 1 and k = (δl − δh)/s,
∫ E^{a−1} (1 + (E/Rb)^k)^{−s} dE = E^a / a · ₂F₁(s, a/k; 1 + a/k; −(E/Rb)^k),
evaluated after the Pfaff transformation ₂F₁(α, β; γ; z) = (1 − z)^{−α} ₂F₁(α, γ − β; γ; z/(z − 1)),
whose argument lies in [0, 1) for the negative z here. λ² in cm².

When E0 is within a factor 1 + 1e-3 of E (little cooling, e.g. the no-loss limit) the
difference of the two antiderivatives cancels catastrophically; Simpson's rule on [E, E0]
is then exact to O(((E0 − E)/E)⁴) and is used instead.
"""

from __future__ import annotations

import numpy as np
from scipy.special import hyp2f1

from calet_aniso.comparison_model.diffusion import Diffusion
from calet_aniso.comparison_model.losses import Losses


def _antiderivative(energy_gev: np.ndarray, diffusion: Diffusion) -> np.ndarray:
    a = diffusion.delta_low - 1.0
    k = diffusion.break_exponent
    s = diffusion.softness
    z = -((np.asarray(energy_gev, dtype=np.float64) / diffusion.rb_gv) ** k)
    beta = a / k
    gamma = 1.0 + beta
    hyper = (1.0 - z) ** (-s) * hyp2f1(s, gamma - beta, gamma, z / (z - 1.0))
    return np.asarray(energy_gev, dtype=np.float64) ** a / a * hyper


def lambda_squared(
    energy_gev: np.ndarray, initial_energy_gev: np.ndarray, diffusion: Diffusion, losses: Losses
) -> np.ndarray:
    """λ² (cm²) between observed energy E and injection energy E0 ≥ E (closed form)."""
    prefactor = (
        4.0 * diffusion.d0_cm2_s / (losses.b0_per_gev_s * diffusion.r0_gv**diffusion.delta_low)
    )
    energy = np.asarray(energy_gev, dtype=np.float64)
    e0 = np.asarray(initial_energy_gev, dtype=np.float64)
    upper = np.where(
        np.isfinite(e0), _antiderivative(np.where(np.isfinite(e0), e0, 1.0), diffusion), 0.0
    )
    # For E0 → ∞ the antiderivative → 0 (a < 0 and ₂F₁ bounded), so λ² stays finite.
    closed = prefactor * (upper - _antiderivative(energy, diffusion))
    near = np.isfinite(e0) & (e0 - energy < 1e-3 * energy)
    if not np.any(near):
        return closed
    e0_near = np.where(near, e0, energy)

    def integrand(e):
        return diffusion(e) / losses.rate(e)

    simpson = (
        4.0
        * (e0_near - energy)
        / 6.0
        * (integrand(energy) + 4.0 * integrand(0.5 * (energy + e0_near)) + integrand(e0_near))
    )
    return np.where(near, simpson, closed)


def lambda_squared_quadrature(
    energy_gev: float, initial_energy_gev: float, diffusion: Diffusion, losses: Losses
) -> float:
    """λ² (cm²) by direct numerical quadrature (reference for tests)."""
    from scipy import integrate  # the reference only: the model's jobs need not import it

    value, _ = integrate.quad(
        lambda e: diffusion(e) / losses.rate(e),
        energy_gev,
        initial_energy_gev,
        epsabs=0.0,
        epsrel=1e-11,
        limit=500,
    )
    return 4.0 * value
