"""Propagation physics of the comparison model against independent truths."""

import numpy as np
import pytest
from conftest import MEDIUM
from scipy import integrate

from calet_aniso.comparison_model.anisotropy import dipole_amplitude, finite_difference_dipole
from calet_aniso.comparison_model.constants import C_CM_S, GEV_PER_ERG, KPC_CM, KYR_S
from calet_aniso.comparison_model.diffusion_length import lambda_squared, lambda_squared_quadrature
from calet_aniso.comparison_model.green import (
    Propagation,
    burst_density,
    burst_gradient,
    continuous_density,
)
from calet_aniso.comparison_model.injection import CutoffPowerLaw
from calet_aniso.comparison_model.losses import Losses, thomson_b0

VELA = CutoffPowerLaw(index=2.32, cutoff_gev=1e5, energy_erg=2.5e47, e_min_gev=1.0)


def test_diffusion_coefficient_limits():
    d = MEDIUM.diffusion
    assert d(4.0) == pytest.approx(1.3e28 * (1 + (4 / 300) ** 1.35) ** -0.2)
    # Far above the break the slope is δh, far below δl.
    assert np.log(d(1e6) / d(1e5)) / np.log(10) == pytest.approx(0.33, abs=0.01)
    assert np.log(d(0.1) / d(0.01)) / np.log(10) == pytest.approx(0.6, abs=0.01)


def test_thomson_loss_coefficient():
    # (4/3) σ_T c / (m_e c²)² × 1 eV cm⁻³ = 1.02e-16 GeV⁻¹ s⁻¹
    assert thomson_b0(1.0) == pytest.approx(1.02e-16, rel=5e-3)


@pytest.mark.parametrize(
    ("energy", "initial"), [(10.0, 12.0), (50.0, 2e3), (250.0, 350.0), (1e3, 1e5), (5e3, 8e3)]
)
def test_lambda_squared_closed_form_equals_quadrature(energy, initial):
    d, b = MEDIUM.diffusion, MEDIUM.losses
    closed = lambda_squared(np.array([energy]), np.array([initial]), d, b)[0]
    assert closed == pytest.approx(lambda_squared_quadrature(energy, initial, d, b), rel=1e-6)


def test_no_loss_limit_is_free_diffusion():
    """Losses → 0: n = Q(E) (4π D t)^(−3/2) exp(−r²/4Dt). With b0 = 1e-21 GeV⁻¹ s⁻¹ a particle
    cools by b0 E t ≤ 5e-6 of its energy, so the limit holds to ~1e-5."""
    medium = Propagation(MEDIUM.diffusion, Losses(b0_per_gev_s=1e-21))
    energy = np.array([30.0, 300.0, 3000.0])
    r, t = 0.2 * KPC_CM, 50 * KYR_S
    density, lam2 = burst_density(energy, r, t, VELA, medium)
    d = MEDIUM.diffusion(energy)
    np.testing.assert_allclose(lam2, 4 * d * t, rtol=1e-5)
    expected = VELA(energy) * (4 * np.pi * d * t) ** -1.5 * np.exp(-(r**2) / (4 * d * t))
    np.testing.assert_allclose(density, expected, rtol=1e-5)


def test_single_burst_without_losses_gives_3d_over_2ct():
    medium = Propagation(MEDIUM.diffusion, Losses(b0_per_gev_s=1e-21))
    energy = np.geomspace(10, 1e4, 7)
    distance, age = 0.3 * KPC_CM, 11 * KYR_S
    density, lam2 = burst_density(energy, distance, age, VELA, medium)
    delta = dipole_amplitude(
        energy, burst_gradient(density, lam2, distance), density, medium.diffusion
    )
    np.testing.assert_allclose(delta, 3 * distance / (2 * C_CM_S * age), rtol=1e-4)
    assert 3 * distance / (2 * C_CM_S * age) == pytest.approx(0.13, abs=0.01)  # Vela


def test_finite_difference_and_analytic_vela_dipoles_agree():
    """Vela: 0.3 kpc, 11 kyr, constant emission during the first 5 kyr, with losses."""
    medium = MEDIUM
    energy = np.geomspace(100, 2e4, 9)
    distance, age = 0.3 * KPC_CM, 11 * KYR_S

    def density_at(d):
        return continuous_density(energy, d, age, 0.0, 5 * KYR_S, VELA, medium)[0]

    density, gradient = continuous_density(energy, distance, age, 0.0, 5 * KYR_S, VELA, medium)
    analytic = dipole_amplitude(energy, gradient, density, medium.diffusion)
    numeric = finite_difference_dipole(
        energy, density_at, distance, 1e-3 * KPC_CM, medium.diffusion
    )
    reaching = density > 0
    assert reaching.sum() >= 5
    np.testing.assert_allclose(numeric[reaching], analytic[reaching], rtol=0.01)


def test_injection_energy_normalisation():
    total, _ = integrate.quad(lambda e: e * VELA(e), 1.0, np.inf, epsrel=1e-10, limit=400)
    assert total / GEV_PER_ERG == pytest.approx(2.5e47, rel=1e-6)
    soft = CutoffPowerLaw(index=1.8, cutoff_gev=1e3, energy_erg=1e48, e_min_gev=1.0)
    total, _ = integrate.quad(lambda e: e * soft(e), 1.0, np.inf, epsrel=1e-10, limit=400)
    assert total / GEV_PER_ERG == pytest.approx(1e48, rel=1e-6)
