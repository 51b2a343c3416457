"""Proceedings eq. 2.3 upper limit: closed form against direct numerical integration."""

import numpy as np
import pytest
from scipy import integrate, stats

from calet_aniso.analysis.statistics import dipole_upper_limit, maxwell_cdf


def eq_2_3(delta_measured, delta_ul):
    """Left-hand side of proceedings eq. 2.3 by direct quadrature."""

    def integrand(x):
        return (
            3
            * np.sqrt(6)
            / (np.sqrt(np.pi) * delta_ul**3)
            * x**2
            * np.exp(-3 * x**2 / (2 * delta_ul**2))
        )

    return integrate.quad(integrand, 0, delta_measured, epsabs=0, epsrel=1e-12)[0]


@pytest.mark.parametrize("delta", [1e-3, 0.02, 0.137, 0.9])
def test_limit_solves_eq_2_3(delta):
    limit = dipole_upper_limit(delta)
    assert eq_2_3(delta, limit) == pytest.approx(0.05, rel=1e-9)
    assert limit > delta


def test_maxwell_cdf_equals_scipy():
    x = np.linspace(0, 5, 50)
    np.testing.assert_allclose(maxwell_cdf(x, 1.3), stats.maxwell.cdf(x, scale=1.3), atol=1e-14)


def test_analytic_isotropic_quantiles():
    """For N events and uniform exposure δ̂ is Maxwell with σ = √(3/N): 95 % quantile 4.842/√N."""
    n = 10_000
    q95 = stats.maxwell.ppf(0.95, scale=np.sqrt(3 / n))
    assert q95 * np.sqrt(n) == pytest.approx(4.842, abs=1e-3)
    assert stats.maxwell.mean(scale=np.sqrt(3 / n)) * np.sqrt(n) == pytest.approx(2.764, abs=1e-3)
