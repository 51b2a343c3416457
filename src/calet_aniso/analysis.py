"""The per-threshold analysis of a sample: multipoles with and without exposure correction.

One row of the headline table (``results/{period}/dipole_limits.csv``) per threshold.
"""

from __future__ import annotations

import numpy as np

from .limits import dipole_upper_limit
from .multipoles import alm_real, cl_from_alm, dipole_amplitude, dipole_direction

HEADLINE_COLUMNS = [
    "threshold_gev",
    "n_events",
    "c0",
    "c1",
    "c2",
    "c3",
    "delta",
    "delta_ul95",
    "dipole_l_deg",
    "dipole_b_deg",
]


def analyse_map(sky: np.ndarray, suffix: str = "") -> dict[str, float]:
    """C0..C3, δ, its 95 % CL upper limit and dipole direction of one map."""
    alm = alm_real(sky)
    cl = cl_from_alm(alm)
    delta = float(dipole_amplitude(cl))
    lon, lat = dipole_direction(alm)
    row = {f"c{ell}": float(cl[ell]) for ell in range(4)}
    row.update(
        delta=delta, delta_ul95=float(dipole_upper_limit(delta)), dipole_l_deg=lon, dipole_b_deg=lat
    )
    return {f"{key}{suffix}": value for key, value in row.items()}


def analyse_sample(
    threshold_gev: float, counts: np.ndarray, weighted: np.ndarray
) -> dict[str, float]:
    """Headline-table row: corrected (weighted map) and ``*_uncorrected`` (counts map)."""
    row: dict[str, float] = {
        "threshold_gev": float(threshold_gev),
        "n_events": round(counts.sum()),
    }
    row.update(analyse_map(weighted))
    row.update(analyse_map(counts, "_uncorrected"))
    return row
