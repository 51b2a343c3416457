"""The headline table: one row per threshold, the statistics of the data with the isotropic
Monte Carlo bands beside them; and the same table for the differential energy bins.

A selection's row (rule ``selection_statistics``) holds ``threshold_gev``, ``n_events`` and every
statistic of ``analysis.statistics`` for the exposure-corrected (weighted) map and, with
suffix ``_uncorrected``, for the counts map. Rule ``dipole_limits`` joins the rows with the
Monte Carlo bands (``montecarlo.bands``) into ``results/{period}/dipole_limits.csv|.parquet``.
The bins' rows (``dipole_limits_bins.csv|.parquet``) have the same columns, but ``threshold_gev``
is replaced by the bin's ``energy_min_gev`` and ``energy_max_gev`` (inf: open at the top).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from calet_aniso.analysis.statistics import (
    MULTIPOLE_COLUMNS,
    RATIO_COLUMNS,
    UNCORRECTED,
    dipole_toward,
    isotropic_pvalue,
    significance_sigma,
    sky_statistics,
    toward_summary,
)
from calet_aniso.io.files import atomic_output, read_parquet_metadata, write_parquet

if TYPE_CHECKING:
    from calet_aniso.montecarlo.neyman_belt import NeymanBelt

# The statistics of a sample (healpy) and the Monte Carlo's (numba, scipy.stats) are imported
# by the functions that use them: the figure and summary jobs only read the table.

#: Columns first in the headline table: the sample and the corrected map's statistics.
HEADLINE_COLUMNS = ["threshold_gev", "n_events", *MULTIPOLE_COLUMNS]
#: Every data column of the headline table, in order (the Monte Carlo bands follow).
DATA_COLUMNS = [
    *HEADLINE_COLUMNS,
    *(f"{name}{UNCORRECTED}" for name in MULTIPOLE_COLUMNS),
    *RATIO_COLUMNS,
    *(f"{name}{UNCORRECTED}" for name in RATIO_COLUMNS),
]


def analyse_sample(
    threshold_gev: float,
    counts: np.ndarray,
    weighted: np.ndarray,
    directions: dict[str, np.ndarray] | None = None,
    weighted_squared: np.ndarray | None = None,
) -> dict[str, float]:
    """A threshold's row: statistics of the weighted map and (``_uncorrected``) the counts map,
    then the weighted map's dipole component toward each named direction (unit vectors) and,
    given the map of Σ w² (the data; the Monte Carlo does not need it), the 1σ error of the
    dipole's direction (``dipole_direction_error_deg``, ``analysis.dipole_covariance``)."""
    from calet_aniso.analysis.dipole_covariance import (
        dipole_with_covariance,
        direction_error_deg,
    )
    from calet_aniso.analysis.harmonics import alm_real

    row: dict[str, float] = {"threshold_gev": float(threshold_gev), "n_events": round(counts.sum())}
    alm = {}
    for sky, suffix in ((weighted, ""), (counts, UNCORRECTED)):
        alm[suffix] = alm_real(sky)
        row.update({k: float(v) for k, v in sky_statistics(alm[suffix], suffix).items()})
    ordered = {name: row[name] for name in DATA_COLUMNS}
    ordered.update({k: float(v) for k, v in dipole_toward(alm[""], directions or {}).items()})
    if weighted_squared is not None:
        ordered["dipole_direction_error_deg"] = direction_error_deg(
            *dipole_with_covariance(weighted, weighted_squared)
        )
    return ordered


def write_row(row: dict[str, float], path: str | Path) -> None:
    """Write one threshold's row to Parquet (metadata: threshold_gev)."""
    write_parquet(pd.DataFrame([row]), path, {"threshold_gev": row["threshold_gev"]})


#: Statistics whose isotropic p-value the headline table gives (``{name}_pvalue``).
PVALUE_COLUMNS = ("delta", "c2_over_c0", "c3_over_c0")

#: Columns of the expected-counts table joined into the headline table, and their names there.
COUNT_COLUMNS = {
    "expected_model": "expected_model_count",
    "flux_systematic": "flux_systematic",
    "count_deviation_sigma": "count_deviation_sigma",
}


def headline_table(
    rows: Iterable[pd.DataFrame],
    bands: Iterable[pd.DataFrame],
    counts: pd.DataFrame,
    samples: dict[float, pd.DataFrame] | None = None,
    belts: dict[float, NeymanBelt] | None = None,
) -> pd.DataFrame:
    """Rows of the thresholds joined with their Monte Carlo bands and the comparison of the
    model's expected count with the observed one (``COUNT_COLUMNS``), sorted by threshold.

    With the isotropic ``samples`` of each threshold, δ, C2/C0 and C3/C0 of the corrected map
    get their isotropic p-values (``{name}_pvalue``, ``statistics.isotropic_pvalue``), and
    every dipole component toward a named direction (``delta_toward_{name}``) its isotropic
    spread (``_sigma``), one-sided 95 % limit (``_ul95``) and p-value (``_pvalue``), from
    ``statistics.toward_summary``.

    With the Neyman ``belts`` of each threshold (``montecarlo.neyman_belt``), the
    coverage-correct 95 % limit ``delta_ul95_neyman`` and, over the isotropic samples, its
    bands ``mc_delta_ul95_neyman_{m2s,m1s,med,p1s,p2s}``, and the analytic cross-check of δ̂'s
    isotropic distribution: ``analytic_delta_{m2s,med,p2s}`` from the Gaussian limit with the
    Poisson covariance of the weighted a_1m (``neyman_belt.gaussian_amplitude_quantiles``);
    the Feldman–Cousins 95 % interval ``delta_fc95_low``, ``delta_fc95_high``
    (``analysis.feldman_cousins``; low = 0: an upper limit) and, from the isotropic p-value,
    ``delta_significance_sigma`` (one-sided; a lower bound when no isotropic sky reached δ̂)
    and ``delta_detected_3sigma``.
    """
    from calet_aniso.analysis.feldman_cousins import amplitude_interval
    from calet_aniso.montecarlo.bands import PERCENTILES, quantile_band
    from calet_aniso.montecarlo.neyman_belt import gaussian_amplitude_quantiles

    table = pd.concat(list(rows), ignore_index=True)
    table = table[[*DATA_COLUMNS, *(c for c in table if c not in DATA_COLUMNS)]]
    if samples is not None:
        for name in PVALUE_COLUMNS:
            table[f"{name}_pvalue"] = [
                isotropic_pvalue(measured, samples[threshold][name])
                for threshold, measured in zip(table["threshold_gev"], table[name], strict=True)
            ]
    if belts is not None:
        limits, bands_of_limit = [], []
        for threshold, measured in zip(table["threshold_gev"], table["delta"], strict=True):
            belt = belts[threshold]
            limits.append(float(belt.upper_limit(measured)))
            if samples is not None:
                isotropic = belt.upper_limit(samples[threshold]["delta"].to_numpy())
                bands_of_limit.append(quantile_band(isotropic, "delta_ul95_neyman"))
        table["delta_ul95_neyman"] = limits
        for column in bands_of_limit[0] if bands_of_limit else ():
            table[column] = [band[column] for band in bands_of_limit]
        intervals = [
            amplitude_interval(delta, belts[t].sigma)
            for t, delta in zip(table["threshold_gev"], table["delta"], strict=True)
        ]
        table["delta_fc95_low"] = [low for low, _ in intervals]
        table["delta_fc95_high"] = [high for _, high in intervals]
        if "delta_pvalue" in table:
            table["delta_significance_sigma"] = significance_sigma(table["delta_pvalue"])
            table["delta_detected_3sigma"] = table["delta_significance_sigma"] >= 3.0
        labels = ("m2s", "med", "p2s")
        analytic = [
            gaussian_amplitude_quantiles(belts[t].covariance, [PERCENTILES[q] for q in labels])
            if belts[t].covariance is not None
            else [np.nan] * 3
            for t in table["threshold_gev"]
        ]
        for i, label in enumerate(labels):
            table[f"analytic_delta_{label}"] = [float(a[i]) for a in analytic]
    towards = [c for c in table if c.startswith("delta_toward_")]
    for column in towards:
        summaries = [
            toward_summary(measured, samples[threshold][column])
            for threshold, measured in zip(table["threshold_gev"], table[column], strict=True)
        ]
        for key in ("sigma", "ul95", "pvalue"):
            table[f"{column}_{key}"] = [s[key] for s in summaries]
    bands = pd.concat(list(bands), ignore_index=True)
    table = table.merge(bands, on="threshold_gev", how="left", validate="one_to_one")
    counts = counts[["threshold_gev", *COUNT_COLUMNS]].rename(columns=COUNT_COLUMNS)
    table = table.merge(counts, on="threshold_gev", how="left", validate="one_to_one")
    return table.sort_values("threshold_gev", ignore_index=True)


def as_bins_table(table: pd.DataFrame, energy_max_gev: dict[float, float]) -> pd.DataFrame:
    """A table of bins' rows (built by :func:`headline_table`, keyed by their lowest energy)
    with ``threshold_gev`` replaced by ``energy_min_gev`` and ``energy_max_gev``."""
    table = table.rename(columns={"threshold_gev": "energy_min_gev"})
    table.insert(1, "energy_max_gev", [energy_max_gev[e] for e in table["energy_min_gev"]])
    return table


def write_headline_table(
    table: pd.DataFrame, parquet: str | Path, csv: str | Path, period: str
) -> None:
    """The headline table as Parquet (metadata: period) and CSV (8 significant digits)."""
    write_parquet(table, parquet, {"period": period})
    with atomic_output(csv) as tmp:
        table.to_csv(tmp, index=False, float_format="%.8g")


def read_headline_table(path: str | Path) -> pd.DataFrame:
    """The headline table (Parquet); ValueError naming the file if a data column is missing."""
    table = pd.read_parquet(path)
    missing = [c for c in DATA_COLUMNS if c not in table]
    if missing or "period" not in read_parquet_metadata(path):
        raise ValueError(f"{path}: not a headline table (missing {missing or 'period'})")
    return table
