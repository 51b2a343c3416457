"""Expectation bands of the isotropic Monte Carlo: quantiles of the per-sample statistics.

For each statistic the median and the central 1σ and 2σ intervals (percentiles 2.275,
15.87, 50, 84.13, 97.725) are reported, as columns ``mc_{statistic}_{label}`` with labels
m2s, m1s, med, p1s, p2s.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from calet_aniso.analysis.statistics import UNCORRECTED
from calet_aniso.io.files import write_parquet

PERCENTILES = {"m2s": 2.275, "m1s": 15.87, "med": 50.0, "p1s": 84.13, "p2s": 97.725}
#: Statistics (``analysis.statistics`` columns) that get bands.
STATISTICS = ("delta", "delta_ul95", "c2_over_c0", "c3_over_c0")


def quantile_band(values: np.ndarray, name: str) -> dict[str, float]:
    """``mc_{name}_{label}``: the median and 1σ / 2σ percentiles of the finite ``values``."""
    values = np.asarray(values, dtype=np.float64)
    values = values[np.isfinite(values)]
    quantiles = np.percentile(values, list(PERCENTILES.values())) if len(values) else [np.nan] * 5
    return {f"mc_{name}_{label}": float(q) for label, q in zip(PERCENTILES, quantiles, strict=True)}


def summarise(samples: pd.DataFrame) -> dict[str, float]:
    """Quantile bands of every statistic, corrected and uncorrected, over the samples."""
    row: dict[str, float] = {
        "mc_samples": len(samples),
        "mc_mean_events": float(samples["n_events"].mean()),
    }
    for suffix in ("", UNCORRECTED):
        for name in STATISTICS:
            row.update(quantile_band(samples[f"{name}{suffix}"].to_numpy(), f"{name}{suffix}"))
    return row


def band_row(samples: pd.DataFrame, meta: dict[str, object]) -> dict[str, float]:
    """A threshold's row of bands: threshold_gev, mc_mean_count (expected events), then
    :func:`summarise`; ``meta`` is the sample table's metadata."""
    return {
        "threshold_gev": meta["threshold_gev"],
        "mc_mean_count": meta["mean_count"],
        **summarise(samples),
    }


def write_bands(row: dict[str, float], path: str | Path, meta: dict[str, object]) -> None:
    """Write a threshold's bands (one-row Parquet, metadata of its samples)."""
    write_parquet(pd.DataFrame([row]), path, meta)
