"""One p-value for the whole search: the smallest isotropic p-value over every test (δ, C2/C0
and C3/C0 of every threshold and bin), calibrated on the same Monte Carlo.

The thresholds are nested and the bins overlap them, so the tests are correlated; the nested
Monte Carlo (``montecarlo.nested_skies``) reproduces the correlation, sample by sample. Each
Monte Carlo sample i is taken as pseudo-data: its p-value in test t is the fraction of samples
at or above its value, p_it = #{j: x_jt ≥ x_it} / n, and m_i = min_t p_it. The data's p-values
are the headline table's, p_t = (1 + #{j: x_jt ≥ x_t}) / (n + 1), with minimum m. The global
p-value is (1 + #{i: m_i ≤ m}) / (n + 1): uniform under isotropy, whatever the correlations
(without them, with T independent tests, it would be 1 − (1 − m)^T).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from calet_aniso.analysis.statistics import isotropic_pvalue
from calet_aniso.io.files import write_json


def sample_pvalues(values: np.ndarray) -> np.ndarray:
    """p-value of each Monte Carlo sample among all of them, #{j: x_j ≥ x_i} / n; NaN values
    count as −∞ (never significant)."""
    values = np.where(np.isfinite(values), values, -np.inf)
    ordered = np.sort(values)
    at_or_above = len(values) - np.searchsorted(ordered, values, side="left")
    return at_or_above / len(values)


def global_pvalue(
    measured: dict[tuple[str, str], float], isotropic: dict[tuple[str, str], np.ndarray]
) -> dict[str, object]:
    """The global p-value of tests keyed (selection, statistic): the data's ``measured`` values
    and the same Monte Carlo samples' ``isotropic`` values (one array per test, sample i at
    index i in every array). Returns the global p-value, the smallest p-value and its test,
    and the numbers of tests and samples."""
    tests = list(measured)
    if not tests:
        raise ValueError("no test for a global p-value")
    n = {len(isotropic[t]) for t in tests}
    if len(n) != 1:
        raise ValueError(f"the tests' Monte Carlo sample counts differ: {sorted(n)}")
    local = [isotropic_pvalue(measured[t], isotropic[t]) for t in tests]
    best = int(np.argmin(local))
    smallest = np.min(np.stack([sample_pvalues(isotropic[t]) for t in tests]), axis=0)
    samples = len(smallest)
    return {
        "global_pvalue": float((1 + np.count_nonzero(smallest <= local[best])) / (1 + samples)),
        "min_pvalue": float(local[best]),
        "min_pvalue_selection": tests[best][0],
        "min_pvalue_statistic": tests[best][1],
        "tests": len(tests),
        "samples": samples,
    }


def write_global_pvalue(result: dict[str, object], path: str | Path) -> None:
    """The global p-value as JSON (keys of :func:`global_pvalue`)."""
    write_json(result, path)
