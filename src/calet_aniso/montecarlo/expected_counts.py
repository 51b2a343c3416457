"""Expected number of isotropic events of an energy selection: model flux × absolute exposure.

N(≥ E_thr) = ∫_{E_thr}^{E_max} J(E) X(E) dE (zero at and above E_max), a differential bin's
N(≥ E_low) − N(≥ E_high), with J the flux model ((m² s sr GeV)⁻¹) and
X(E) = ∫ exposure(E, n) dΩ (m² s sr) from the exposure maps at the response's energy nodes,
interpolated log-linearly in energy like the response. The integral uses the trapezoid
rule in ln E on a fine grid. The threshold applies to the model's (true) energy: with
CALET's ~2 % energy resolution the migration across a threshold changes N by about a per cent
on a spectrum of index ~3, which is neglected here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from calet_aniso.config.energy_selections import EnergySelection
from calet_aniso.errors import ConfigError
from calet_aniso.exposure.node_maps import NodeExposure
from calet_aniso.instrument.response import Response
from calet_aniso.io.files import read_parquet_metadata, write_parquet


def expected_counts(
    flux: Callable[[np.ndarray], np.ndarray],
    nodes: NodeExposure,
    response: Response,
    thresholds_gev: np.ndarray,
    max_energy_gev: float,
    n_grid: int = 4000,
) -> np.ndarray:
    """Expected isotropic event counts above each threshold (0 at and above ``max_energy_gev``)."""
    exposure = nodes.total_m2ssr()
    out = []
    for threshold in np.atleast_1d(thresholds_gev):
        if threshold >= max_energy_gev:
            out.append(0.0)
            continue
        energies = np.geomspace(threshold, max_energy_gev, n_grid)
        integrand = flux(energies) * (response.node_weight_matrix(energies) @ exposure) * energies
        out.append(
            float(np.sum(0.5 * (integrand[1:] + integrand[:-1]) * np.diff(np.log(energies))))
        )
    return np.array(out)


def selection_counts(above: Callable[[np.ndarray], np.ndarray], selections) -> np.ndarray:
    """Counts of each selection from a function giving the counts above energies:
    N(≥ min) for a threshold, N(≥ min) − N(≥ max) for a bin (N(≥ ∞) = 0)."""
    lows = np.array([s.min_gev for s in selections], dtype=float)
    highs = np.array([s.max_gev for s in selections], dtype=float)
    finite = np.isfinite(highs)
    counts = np.asarray(above(lows), dtype=float)
    if finite.any():
        counts[finite] -= np.asarray(above(highs[finite]), dtype=float)
    return counts


def expected_counts_table(
    expected_model: np.ndarray,
    selections: list[EnergySelection | float],
    event_energies_gev: np.ndarray,
    mean_count_from: str,
    flux_systematic: np.ndarray,
    roles: list[str] | None = None,
) -> pd.DataFrame:
    """Per energy selection (a threshold in GeV is the selection E ≥ threshold): the model's
    expected count, the observed count, the mean count of the isotropic skies
    (``mean_count_from``: 'model' or 'observed'), the flux's relative systematic uncertainty
    and the model's deviation from the observed count in standard deviations of Poisson ⊕
    systematics (:func:`count_deviation`). Columns ``selection`` (label), ``role`` (default
    the selection's kind; 'elementary' for the nested Monte Carlo's bins), ``threshold_gev``
    (the lowest energy), ``energy_max_gev``, then the numbers."""
    if mean_count_from not in ("model", "observed"):
        raise ValueError(f"mean_count_from must be 'model' or 'observed', not {mean_count_from!r}")
    chosen = [
        s if isinstance(s, EnergySelection) else EnergySelection(float(s)) for s in selections
    ]
    energies = np.asarray(event_energies_gev)
    observed = np.array([int(s.contains(energies).sum()) for s in chosen])
    return pd.DataFrame(
        {
            "selection": [s.label for s in chosen],
            "role": roles if roles is not None else [s.kind for s in chosen],
            "threshold_gev": [s.min_gev for s in chosen],
            "energy_max_gev": [s.max_gev for s in chosen],
            "expected_model": expected_model,
            "observed": observed,
            "mean_count": expected_model if mean_count_from == "model" else observed.astype(float),
            "flux_systematic": np.asarray(flux_systematic, dtype=float),
            "count_deviation_sigma": count_deviation(expected_model, observed, flux_systematic),
        }
    )


def count_deviation(
    expected: np.ndarray, observed: np.ndarray, systematic_fraction: np.ndarray
) -> np.ndarray:
    """(expected − observed) / √(Poisson variance + (systematic × expected)²), the Poisson
    variance being the observed count (the expected one where none was observed)."""
    expected = np.asarray(expected, dtype=float)
    observed = np.asarray(observed, dtype=float)
    poisson = np.where(observed > 0, observed, expected)
    variance = poisson + (np.nan_to_num(np.asarray(systematic_fraction, float)) * expected) ** 2
    return (expected - observed) / np.sqrt(variance)


def check_expected_counts(
    table: pd.DataFrame, mean_count_from: str, tolerance_sigma: float
) -> None:
    """ConfigError naming ``mc.expected_counts`` when the isotropic skies would take the model's
    count and it disagrees with the observed one by more than ``tolerance_sigma``: the Monte Carlo
    bands would be too wide or too narrow, silently. The choice is then the user's."""
    if mean_count_from != "model":
        return
    checked = table[table["role"] != "elementary"]
    bad = checked[checked["count_deviation_sigma"].abs() > tolerance_sigma]
    if len(bad):
        row = bad.iloc[0]
        selection = EnergySelection(
            row["threshold_gev"],
            row["energy_max_gev"],
            "bin" if row["role"] == "bin" else "threshold",
        )
        raise ConfigError(
            "mc.expected_counts",
            f"the flux model predicts {row['expected_model']:.1f} events with "
            f"{selection.describe()}, {int(row['observed'])} were observed "
            f"({row['count_deviation_sigma']:+.1f} sigma of Poisson and "
            f"{row['flux_systematic']:.1%} flux systematics; tolerance mc.count_tolerance_sigma "
            f"= {tolerance_sigma:g}): check the response, live time and flux, or set "
            "mc.expected_counts: observed",
        )


def write_expected_counts(
    table: pd.DataFrame, path: str | Path, mean_count_from: str, flux_source: str, flux: str
) -> None:
    """Write the table with where its numbers come from (Parquet metadata)."""
    meta = {"mean_count_from": mean_count_from, "flux_source": flux_source, "flux": flux}
    write_parquet(table, path, meta)


def _counts_table(path: str | Path) -> pd.DataFrame:
    if "mean_count_from" not in read_parquet_metadata(path):
        raise ValueError(f"{path}: not an expected-counts table")
    return pd.read_parquet(path)


def mean_count(path: str | Path, selection: EnergySelection | float, role: str = "") -> float:
    """The mean count of a selection's isotropic skies (a threshold in GeV: E ≥ threshold)
    from a table of :func:`write_expected_counts`, as a threshold or bin (``role`` default: its
    kind) or as an elementary bin (``role='elementary'``); ValueError naming the file and the
    selection if absent."""
    if not isinstance(selection, EnergySelection):
        selection = EnergySelection(float(selection))
    table = _counts_table(path)
    row = table[
        (table["selection"] == selection.label) & (table["role"] == (role or selection.kind))
    ]
    if len(row) != 1:
        raise ValueError(f"{path}: no expected count for {selection.describe()}")
    return float(row["mean_count"].iloc[0])
