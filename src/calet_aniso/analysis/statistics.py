"""The statistics of a sky, one implementation for the data and the Monte Carlo.

Everything that turns an exposure map and the a_lm of a sky into the numbers of the headline
table lives here, and both paths call it: the data (``analysis.skymaps``,
``analysis.headline``) with the a_lm of its maps, the isotropic Monte Carlo
(``montecarlo.sampler``) with stacks of a_lm accumulated while drawing.

* **Exposure mask**: pixels whose average exposure is below ``min_relative_exposure`` of its
  maximum are left out (their events dropped, their pixels never drawn).
* **Event weights** (proceedings eq. 3.1): w_i = Ā / A_i, with Ā the mean of the average
  exposure map over the kept pixels (m² s) and A_i the exposure of event i (m² s).
* **Angular power**: C_l = Σ_m a_lm² / (2l + 1) from the real a_lm in ``lm_pairs`` order
  (l = 0..3, m = −l..l).
* **Dipole amplitude** (eq. 2.1): δ = 3 √(C1/C0).
* **Upper limit** (eq. 2.3): δ_UL solves ∫₀^δ_meas 3√6/(√π δ_UL³) x² exp(−3x²/(2δ_UL²)) dx
  = 1 − CL. The integrand is a Maxwell density with σ = δ_UL/√3, whose CDF is closed-form,
  F(x; σ) = erf(x/(√2σ)) − √(2/π) (x/σ) exp(−x²/(2σ²)); F depends on δ_meas/δ_UL only, so
  δ_UL = c(CL) · δ_meas with c found once by a bracketing root finder (brentq).
* **Dipole direction**: the vector (a_11, a_1,−1, a_10) ∝ (x, y, z) in the map's frame.
* **Shape ratios**: C2/C0 and C3/C0.
* **Dipole toward a direction n̂**: the component d⃗·n̂ of the dipole vector d⃗ = √3 a⃗_1 / a_00
  (a map I(n̂) = I0 (1 + d⃗·n̂) has a_00 = √(4π) I0 and a⃗_1 = √(4π/3) I0 d⃗, so |d⃗| = δ).

Column names: ``STATISTIC_COLUMNS`` for the exposure-corrected (weighted) map, the same with
suffix ``UNCORRECTED`` for the counts map.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.special import erf, ndtri

from calet_aniso.geometry.frames import direction_lonlat, unit_vector

#: Highest multipole analysed.
LMAX = 3
#: Confidence level of the eq. 2.3 limit.
CONFIDENCE = 0.95
#: Suffix of the statistics of the counts (not exposure-corrected) map.
UNCORRECTED = "_uncorrected"
#: Statistics of one map, in table order.
MULTIPOLE_COLUMNS = ("c0", "c1", "c2", "c3", "delta", "delta_ul95", "dipole_l_deg", "dipole_b_deg")
RATIO_COLUMNS = ("c2_over_c0", "c3_over_c0")
STATISTIC_COLUMNS = MULTIPOLE_COLUMNS + RATIO_COLUMNS


def exposure_mask(average_map: np.ndarray, min_relative_exposure: float) -> np.ndarray:
    """Pixels kept for the analysis: average exposure ≥ min_relative_exposure × its maximum."""
    return average_map >= min_relative_exposure * np.nanmax(average_map)


def reference_exposure(average_map: np.ndarray, mask: np.ndarray | None = None) -> float:
    """Ā of eq. 3.1 (m² s): the mean of the average exposure map over the kept pixels."""
    kept = average_map if mask is None else average_map[mask]
    return np.mean(kept)


def event_weights(reference: float, exposure_at_events: np.ndarray) -> np.ndarray:
    """Eq. 3.1: w_i = Ā / A_i; ValueError if an event lies where the exposure is zero."""
    if np.any(exposure_at_events <= 0):
        bad = int(np.flatnonzero(exposure_at_events <= 0)[0])
        raise ValueError(
            f"event {bad} lies where the exposure is zero: exposure and events disagree"
        )
    return reference / exposure_at_events


def pixel_weights(average_map: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Eq. 3.1's weight of an event in each pixel, Ā / Ā(p) with Ā over the unmasked pixels;
    0 in masked pixels and where the exposure is 0 (no event can be there)."""
    average_map = np.asarray(average_map, dtype=np.float64)
    drawn = np.asarray(mask, dtype=bool) & (average_map > 0)
    weights = np.zeros_like(average_map)
    weights[drawn] = event_weights(reference_exposure(average_map, mask), average_map[drawn])
    return weights


def angular_power(alm: np.ndarray, lmax: int = LMAX) -> np.ndarray:
    """C_l (…, lmax+1) from real a_lm (…, (lmax+1)²)."""
    squares = alm**2
    out = []
    start = 0
    for ell in range(lmax + 1):
        out.append(squares[..., start : start + 2 * ell + 1].sum(axis=-1) / (2 * ell + 1))
        start += 2 * ell + 1
    return np.stack(out, axis=-1)


def dipole_amplitude(cl: np.ndarray) -> np.ndarray:
    """Eq. 2.1: δ = 3 √(C1/C0); NaN where C0 = 0."""
    cl = np.asarray(cl)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(cl[..., 0] > 0, 3.0 * np.sqrt(cl[..., 1] / cl[..., 0]), np.nan)


def maxwell_cdf(x: np.ndarray, sigma: float | np.ndarray) -> np.ndarray:
    """CDF of the Maxwell distribution with scale σ at x ≥ 0."""
    q = np.asarray(x) / np.asarray(sigma)
    return erf(q / np.sqrt(2.0)) - np.sqrt(2.0 / np.pi) * q * np.exp(-0.5 * q * q)


@lru_cache(maxsize=8)
def limit_factor(confidence: float = CONFIDENCE) -> float:
    """c such that F(δ_meas; c·δ_meas/√3) = 1 − confidence."""
    from scipy.optimize import brentq  # a quarter of a second to import: only when needed

    return brentq(
        lambda c: float(maxwell_cdf(1.0, c / np.sqrt(3.0))) - (1.0 - confidence),
        1e-3,
        1e3,
        xtol=1e-14,
        rtol=1e-15,
    )


def dipole_upper_limit(delta_measured: np.ndarray, confidence: float = CONFIDENCE) -> np.ndarray:
    """Upper limit on δ at the given confidence for measured δ (eq. 2.3)."""
    return limit_factor(confidence) * np.asarray(delta_measured, dtype=np.float64)


def dipole_direction(alm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(l, b) in degrees of the dipole of real a_lm (…, 16), in the map's frame; NaN if zero."""
    alm = np.asarray(alm, dtype=np.float64)
    return direction_lonlat(np.stack([alm[..., 3], alm[..., 1], alm[..., 2]], axis=-1))


def sky_statistics(alm: np.ndarray, suffix: str = "") -> dict[str, np.ndarray]:
    """Every statistic of a sky (or of a stack of skies) from its real a_lm (…, 16).

    Returns arrays keyed ``STATISTIC_COLUMNS`` + ``suffix``: C0..C3, δ (eq. 2.1), δ_UL
    (eq. 2.3), the dipole direction (deg) and C2/C0, C3/C0.
    """
    cl = angular_power(np.asarray(alm, dtype=np.float64))
    delta = dipole_amplitude(cl)
    lon, lat = dipole_direction(alm)
    values = {f"c{ell}": cl[..., ell] for ell in range(LMAX + 1)}
    values.update(
        delta=delta, delta_ul95=dipole_upper_limit(delta), dipole_l_deg=lon, dipole_b_deg=lat
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        values.update(c2_over_c0=cl[..., 2] / cl[..., 0], c3_over_c0=cl[..., 3] / cl[..., 0])
    return {f"{name}{suffix}": values[name] for name in STATISTIC_COLUMNS}


def dipole_vector(alm: np.ndarray) -> np.ndarray:
    """d⃗ = √3 (a_11, a_1,−1, a_10) / a_00 (…, 3) in the map's frame; |d⃗| = δ; NaN if a_00 = 0."""
    alm = np.asarray(alm, dtype=np.float64)
    vector = np.stack([alm[..., 3], alm[..., 1], alm[..., 2]], axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(alm[..., :1] != 0, np.sqrt(3.0) * vector / alm[..., :1], np.nan)


def toward_column(name: str) -> str:
    """Column of the dipole component toward the named direction."""
    return f"delta_toward_{name}"


def dipole_toward(alm: np.ndarray, directions: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The dipole's component d⃗·n̂ toward each named unit vector n̂ (map frame), keyed
    ``delta_toward_{name}``."""
    vector = dipole_vector(alm)
    return {toward_column(name): vector @ np.asarray(unit) for name, unit in directions.items()}


def direction_vectors(directions: dict[str, dict[str, float]]) -> dict[str, np.ndarray]:
    """Galactic unit vectors of named directions given as {name: {l_deg, b_deg}}."""
    return {name: unit_vector(d["l_deg"], d["b_deg"]) for name, d in directions.items()}


def isotropic_pvalue(measured: float, isotropic: np.ndarray) -> float:
    """Fraction of isotropic skies whose statistic is at least the measured one, (k + 1)/(n + 1)
    (the Monte Carlo p-value that is never 0 and is exactly uniform under the null)."""
    values = np.asarray(isotropic, dtype=np.float64)
    values = values[np.isfinite(values)]
    return float((1 + np.count_nonzero(values >= measured)) / (1 + len(values)))


def significance_sigma(pvalue: np.ndarray) -> np.ndarray:
    """One-sided Gaussian significance (σ) of p-values: ``scipy.stats.norm.isf(p)`` bit for bit
    (−ndtri(p); 0.0 − keeps norm.isf's +0 at p = ½), without the second that importing
    scipy.stats takes."""
    return 0.0 - ndtri(np.asarray(pvalue, dtype=np.float64))


def toward_summary(
    measured: float, isotropic: np.ndarray, confidence: float = CONFIDENCE
) -> dict[str, float]:
    """The measured component toward a direction against its isotropic Monte Carlo values:
    their standard deviation (the component's error), a one-sided upper limit and the p-value.

    Limit: the measured value plus the isotropic distribution's (confidence − median)
    quantile distance — the Neyman limit of a location family, exact while δ ≪ 1 (a true
    dipole shifts the component's distribution without changing its shape). p-value: the
    fraction of isotropic skies at least as far toward the direction, (k + 1)/(n + 1).
    """
    values = np.asarray(isotropic, dtype=np.float64)
    values = values[np.isfinite(values)]
    median, upper = np.percentile(values, [50.0, 100.0 * confidence])
    return {
        "sigma": float(np.std(values, ddof=1)),
        "ul95": float(measured + (upper - median)),
        "pvalue": isotropic_pvalue(measured, values),
    }
