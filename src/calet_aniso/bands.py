"""Expectation bands of the isotropic Monte Carlo: quantiles of the per-sample statistics.

For each statistic the median and the central 1σ and 2σ intervals (percentiles 2.275,
15.87, 50, 84.13, 97.725) are reported, as columns ``mc_{statistic}_{label}`` with labels
m2s, m1s, med, p1s, p2s.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

PERCENTILES = {"m2s": 2.275, "m1s": 15.87, "med": 50.0, "p1s": 84.13, "p2s": 97.725}
STATISTICS = ("delta", "delta_ul95", "c2_over_c0", "c3_over_c0")


def add_ratios(table: pd.DataFrame) -> pd.DataFrame:
    """Add C2/C0 and C3/C0 (corrected and uncorrected) to a table of C_l columns."""
    out = table.copy()
    for suffix in ("", "_uncorrected"):
        for ell in (2, 3):
            out[f"c{ell}_over_c0{suffix}"] = out[f"c{ell}{suffix}"] / out[f"c0{suffix}"]
    return out


def summarise(samples: pd.DataFrame) -> dict[str, float]:
    """Quantile bands of every statistic, corrected and uncorrected, over the samples."""
    samples = add_ratios(samples)
    row: dict[str, float] = {
        "mc_samples": len(samples),
        "mc_mean_events": float(samples["n_events"].mean()),
    }
    for suffix in ("", "_uncorrected"):
        for name in STATISTICS:
            values = samples[f"{name}{suffix}"].to_numpy()
            values = values[np.isfinite(values)]
            quantiles = (
                np.percentile(values, list(PERCENTILES.values())) if len(values) else [np.nan] * 5
            )
            for label, q in zip(PERCENTILES, quantiles, strict=True):
                row[f"mc_{name}{suffix}_{label}"] = float(q)
    return row
