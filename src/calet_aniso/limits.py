"""95 % CL upper limit on the dipole amplitude (seed eq. 2.3).

The limit δ_UL solves ∫₀^δ_meas 3√6/(√π δ_UL³) x² exp(−3x²/(2δ_UL²)) dx = 1 − CL. The
integrand is a Maxwell density with σ = δ_UL/√3 (the distribution of |δ| for three
Gaussian dipole components of variance σ² each), whose CDF is closed-form:
F(x; σ) = erf(x/(√2σ)) − √(2/π) (x/σ) exp(−x²/(2σ²)). F depends on δ_meas/δ_UL only,
so δ_UL = c(CL) · δ_meas with c found once by a bracketing root finder (brentq).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.optimize import brentq
from scipy.special import erf


def maxwell_cdf(x: np.ndarray, sigma: float | np.ndarray) -> np.ndarray:
    """CDF of the Maxwell distribution with scale σ at x ≥ 0."""
    q = np.asarray(x) / np.asarray(sigma)
    return erf(q / np.sqrt(2.0)) - np.sqrt(2.0 / np.pi) * q * np.exp(-0.5 * q * q)


@lru_cache(maxsize=8)
def limit_factor(confidence: float = 0.95) -> float:
    """c such that F(δ_meas; c·δ_meas/√3) = 1 − confidence."""
    return brentq(
        lambda c: float(maxwell_cdf(1.0, c / np.sqrt(3.0))) - (1.0 - confidence),
        1e-3,
        1e3,
        xtol=1e-14,
        rtol=1e-15,
    )


def dipole_upper_limit(delta_measured: np.ndarray, confidence: float = 0.95) -> np.ndarray:
    """Upper limit on δ at the given confidence for measured δ (seed eq. 2.3)."""
    return limit_factor(confidence) * np.asarray(delta_measured, dtype=np.float64)
