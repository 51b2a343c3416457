"""Injection–recovery: skies with a known dipole, analysed like the data, to show what the
analysis recovers — the amplitude's bias, the direction's error, the coverage of both limits
(eq. 2.3 and the Neyman belt) and the fraction detected at 3σ.

Per threshold, dipoles of amplitude f × (the isotropic median δ̂) for f in
``AMPLITUDE_FACTORS`` toward each of ``VALIDATION_DIRECTIONS`` (Vela and five more spread
over the sky), ``skies`` skies each, drawn with the isotropic Monte Carlo's sampler
(``sampler.IsotropicSky`` with ``dipole``). A sky is detected at 3σ when its δ̂ exceeds the
(1 − 1.35e-3) quantile of the threshold's isotropic skies (one-sided 3σ). Streams: sample
indices from 2⁴¹ on, apart from the isotropic skies (below 2⁴⁰) and the belt (from 2⁴⁰).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy.special import ndtr

from calet_aniso.analysis.statistics import dipole_upper_limit
from calet_aniso.geometry.frames import unit_vector

if TYPE_CHECKING:
    from calet_aniso.montecarlo.neyman_belt import NeymanBelt

VALIDATION_FIRST_SAMPLE = 2**41
AMPLITUDE_FACTORS = (0.0, 0.5, 1.0, 2.0, 3.0, 5.0)
#: Galactic (l, b) in degrees of the injected directions.
VALIDATION_DIRECTIONS = {
    "vela": (263.55, -2.79),
    "galactic_centre": (0.0, 0.0),
    "anticentre": (180.0, 0.0),
    "north_pole": (0.0, 90.0),
    "south_pole": (0.0, -90.0),
    "l90": (90.0, 30.0),
}
THREE_SIGMA_P = float(ndtr(-3.0))  # 1.35e-3, one-sided (the normal distribution's sf at 3)


def injection_recovery(
    average_exposure: np.ndarray,
    mean_count: float,
    min_relative: float,
    seed: int,
    threshold_index: int,
    isotropic_delta: np.ndarray,
    belt: NeymanBelt,
    skies: int,
    threshold_gev: float = 0.0,
) -> pd.DataFrame:
    """One row per (amplitude factor, direction): the recovered δ̂ (mean and its bias), the
    median angle between the measured and injected directions (deg), the fractions of skies
    whose eq. 2.3 limit and Neyman set cover the true δ, and the fraction detected at 3σ."""
    from calet_aniso.montecarlo.sampler import IsotropicSky, run_samples  # numba: not for summaries

    isotropic = np.asarray(isotropic_delta, dtype=np.float64)
    isotropic = isotropic[np.isfinite(isotropic)]
    median = float(np.median(isotropic))
    detection = float(np.quantile(isotropic, 1.0 - THREE_SIGMA_P))
    rows = []
    block = 0
    for factor in AMPLITUDE_FACTORS:
        delta = min(factor * median, 1.0)
        for name, (l_deg, b_deg) in VALIDATION_DIRECTIONS.items():
            direction = unit_vector(l_deg, b_deg)
            sky = IsotropicSky.from_exposure(
                average_exposure, mean_count, min_relative, dipole=delta * direction
            )
            first = VALIDATION_FIRST_SAMPLE + block * skies
            block += 1
            columns = run_samples(sky, seed, threshold_index, first, skies)
            measured = columns["delta"]
            recovered = unit_vector(columns["dipole_l_deg"], columns["dipole_b_deg"])
            angle = np.degrees(np.arccos(np.clip(recovered @ direction, -1.0, 1.0)))
            rows.append(
                {
                    "threshold_gev": float(threshold_gev),
                    "amplitude_factor": factor,
                    "direction": name,
                    "delta_true": delta,
                    "skies": skies,
                    "delta_recovered_mean": float(np.mean(measured)),
                    "delta_bias": float(np.mean(measured) - delta),
                    "direction_error_median_deg": float(np.median(angle)) if delta > 0 else np.nan,
                    "coverage_eq23": float(np.mean(dipole_upper_limit(measured) >= delta)),
                    "coverage_neyman": float(np.mean(belt.contains(measured, delta))),
                    "detected_3sigma": float(np.mean(measured > detection)),
                }
            )
    return pd.DataFrame(rows)


def summarise_injections(table: pd.DataFrame) -> pd.DataFrame:
    """Averages over the directions per (threshold, amplitude factor), skies-weighted."""
    columns = [
        "delta_true",
        "delta_recovered_mean",
        "delta_bias",
        "direction_error_median_deg",
        "coverage_eq23",
        "coverage_neyman",
        "detected_3sigma",
    ]
    grouped = table.groupby(["threshold_gev", "amplitude_factor"], sort=True)
    out = grouped[columns].mean().reset_index()
    out["skies"] = grouped["skies"].sum().to_numpy()
    return out
