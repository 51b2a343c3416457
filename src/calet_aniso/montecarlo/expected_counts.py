"""Expected number of isotropic events above a threshold: model flux × absolute exposure.

N(≥ E_thr) = ∫_{E_thr}^{E_max} J(E) X(E) dE, with J the flux model ((m² s sr GeV)⁻¹) and
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
    """Expected isotropic event counts above each threshold."""
    exposure = nodes.total_m2ssr()
    out = []
    for threshold in np.atleast_1d(thresholds_gev):
        energies = np.geomspace(threshold, max_energy_gev, n_grid)
        integrand = flux(energies) * (response.node_weight_matrix(energies) @ exposure) * energies
        out.append(
            float(np.sum(0.5 * (integrand[1:] + integrand[:-1]) * np.diff(np.log(energies))))
        )
    return np.array(out)


def expected_counts_table(
    expected_model: np.ndarray,
    thresholds_gev: np.ndarray,
    event_energies_gev: np.ndarray,
    mean_count_from: str,
) -> pd.DataFrame:
    """Per threshold: the model's expected count, the observed count and the mean count of the
    isotropic skies (``mean_count_from``: 'model' or 'observed')."""
    if mean_count_from not in ("model", "observed"):
        raise ValueError(f"mean_count_from must be 'model' or 'observed', not {mean_count_from!r}")
    thresholds = np.asarray(thresholds_gev, dtype=float)
    observed = np.array([(event_energies_gev >= t).sum() for t in thresholds])
    return pd.DataFrame(
        {
            "threshold_gev": thresholds,
            "expected_model": expected_model,
            "observed": observed,
            "mean_count": expected_model if mean_count_from == "model" else observed.astype(float),
        }
    )


def write_expected_counts(
    table: pd.DataFrame, path: str | Path, mean_count_from: str, flux_source: str, flux: str
) -> None:
    """Write the table with where its numbers come from (Parquet metadata)."""
    meta = {"mean_count_from": mean_count_from, "flux_source": flux_source, "flux": flux}
    write_parquet(table, path, meta)


def mean_count(path: str | Path, threshold_gev: float) -> float:
    """The mean count of a threshold's isotropic skies from a table of
    :func:`write_expected_counts`; ValueError naming the file and threshold if absent."""
    if "mean_count_from" not in read_parquet_metadata(path):
        raise ValueError(f"{path}: not an expected-counts table")
    table = pd.read_parquet(path).set_index("threshold_gev")
    if threshold_gev not in table.index:
        raise ValueError(f"{path}: no expected count for threshold {threshold_gev:g} GeV")
    return float(table.loc[threshold_gev, "mean_count"])
