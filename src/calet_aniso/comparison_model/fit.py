"""Fit of the e± flux model to measured fluxes with iminuit (proceedings Figure 2).

χ² = Σ ((J_model − J_data)/σ)², σ² = σ_stat² + σ_sys² (each the mean of its low and high
error), over the data points with E ≥ E_min of all experiments given. Each point compares
with the model's ``total`` (e⁺ + e⁻ data) or ``positrons`` (e⁺ data): the positron flux is
what separates the pulsars (pairs) from the primary electrons. The pulsars are those
contributing > 5 % of the flux at some energy. Plain re-selection (fit, select with the
fitted values, refit) can cycle — one pulsar needs a large η, which lifts four more above 5 %,
which then need a small η — so: (1) select with the start values and fit; pulsars newly above
5 % join the set (none leave) and the fit is repeated until the set no longer grows (a closed
set: every pulsar above 5 % is in it); (2) if fewer pulsars are above 5 % at that fit, the fit
with exactly those is kept when it is a fixed point (the same pulsars above 5 %), else the
closed set is kept (its pulsars below 5 % are real sources of the same model, not an error).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
from iminuit import Minuit
from scipy import optimize

from calet_aniso.comparison_model.flux import PARAMETERS, Columns, FluxModel
from calet_aniso.comparison_model.measurements import SPECIES

LOG = logging.getLogger(__name__)

SELECTION_GRID_GEV = np.geomspace(10.0, 2.0e4, 60)
#: Fit → select more pulsars → refit, at most this many fits.
MAX_SELECTIONS = 10

START = {
    "norm": 1.3e-4,
    "index": 3.1,
    "break_gev": 5.0,
    "delta_index": 0.0,
    "softness": 0.1,
    "inv_cutoff_per_tev": 0.3,
    "cs": 1.0,
    "eta": 0.05,
    "pulsar_index": 1.8,
    "pulsar_cutoff_gev": 1000.0,
}
LIMITS = {
    "norm": (1e-6, 1e-2),
    "index": (2.0, 4.5),
    "break_gev": (5.0, 2000.0),
    "delta_index": (-1.5, 1.5),
    "softness": (0.01, 1.0),
    "inv_cutoff_per_tev": (0.0, 10.0),
    "cs": (0.0, 20.0),
    "eta": (1e-5, 1.0),
    "pulsar_index": (1.0, 3.0),
    "pulsar_cutoff_gev": (30.0, 1e6),
}


@dataclass
class FitResult:
    """Fitted values and errors, χ², degrees of freedom and the pulsars used."""

    values: dict[str, float]
    errors: dict[str, float]
    chi2: float
    ndf: int
    valid: bool
    pulsars: list[str]
    free: list[str]
    chi2_by_dataset: dict[str, float]
    points_by_dataset: dict[str, int]
    correlation: dict[str, dict[str, float]]
    #: For a free parameter that ended on a limit: the one-sided 95 % CL bound on the other
    #: side (profile likelihood, Δχ² = 2.71), NaN if not reached within the parameter's range.
    bounds_95: dict[str, float]

    def to_dict(self) -> dict:
        return {
            "values": self.values,
            "errors": self.errors,
            "chi2": self.chi2,
            "ndf": self.ndf,
            "chi2_per_ndf": self.chi2 / self.ndf,
            "valid": self.valid,
            "pulsars": self.pulsars,
            "free_parameters": self.free,
            "chi2_by_dataset": self.chi2_by_dataset,
            "points_by_dataset": self.points_by_dataset,
            "correlation": self.correlation,
            "at_limit": self.at_limit(),
            "one_sided_95_bounds": self.bounds_95,
        }

    def at_limit(self) -> list[str]:
        """Free parameters that ended on a limit (their Hesse error is not meaningful)."""
        return [p for p in self.free if _on_limit(self.values[p], *LIMITS[p])]

    def parameter_table(self) -> pd.DataFrame:
        """One row per parameter: value, error (0 if fixed), fixed flag, limits."""
        at_limit = self.at_limit()
        return pd.DataFrame(
            {
                "parameter": list(PARAMETERS),
                "value": [self.values[p] for p in PARAMETERS],
                "error": [self.errors[p] if p in self.free else 0.0 for p in PARAMETERS],
                "fixed": [p not in self.free for p in PARAMETERS],
                "lower_limit": [LIMITS[p][0] for p in PARAMETERS],
                "upper_limit": [LIMITS[p][1] for p in PARAMETERS],
                "at_limit": [p in at_limit for p in PARAMETERS],
                "bound_95": [self.bounds_95.get(p, np.nan) for p in PARAMETERS],
            }
        )


def _on_limit(value: float, lower: float, upper: float, tolerance: float = 1e-3) -> bool:
    """Within ``tolerance`` of a limit: relative in log for positive limits, else of the range."""
    if lower > 0:
        return min(abs(np.log(value / lower)), abs(np.log(upper / value))) < tolerance
    return min(value - lower, upper - value) < tolerance * (upper - lower)


def residuals(model: FluxModel, data: Columns, params: dict, pulsars: Columns) -> np.ndarray:
    """(J_model − J_data)/σ for each data point (each compared with its species' component)."""
    parts = model.components(np.asarray(data["energy_gev"]), params, pulsars)
    predicted = np.select(
        [np.asarray(data["species"]) == kind for kind in SPECIES],
        [parts[component] for component in SPECIES.values()],
    )
    return (predicted - np.asarray(data["flux"])) / np.asarray(data["sigma"])


def columns(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """A table's columns as numpy arrays by name: the same values, without pandas' cost per
    column access (most of a fit's time when the minimiser's thousands of calls each look
    the columns up)."""
    return {name: frame[name].to_numpy() for name in frame.columns}


def _minimise(
    model: FluxModel,
    data: pd.DataFrame,
    start: dict[str, float],
    fixed: tuple[str, ...],
    pulsars: pd.DataFrame,
) -> Minuit:
    data_columns, pulsar_columns = columns(data), columns(pulsars)

    def chi2(*values):
        params = dict(zip(PARAMETERS, values, strict=True))
        return float(np.sum(residuals(model, data_columns, params, pulsar_columns) ** 2))

    minuit = Minuit(chi2, *[start[p] for p in PARAMETERS], name=PARAMETERS)
    minuit.errordef = Minuit.LEAST_SQUARES
    for name in PARAMETERS:
        minuit.limits[name] = LIMITS[name]
        minuit.fixed[name] = name in fixed
    minuit.strategy = 1
    minuit.migrad(ncall=20_000)
    minuit.hesse()
    return minuit


def _eta_keeping_pulsar_flux(
    model: FluxModel, params: dict[str, float], old: pd.DataFrame, new: pd.DataFrame
) -> float:
    """η for which the pulsars ``new`` give the flux ``old`` gave (median ratio on the grid)."""
    before = model.pulsar_fluxes(SELECTION_GRID_GEV, params, old).sum(axis=0)
    after = model.pulsar_fluxes(SELECTION_GRID_GEV, params, new).sum(axis=0)
    both = (before > 0) & (after > 0)
    if not both.any():
        return params["eta"]
    eta = params["eta"] * float(np.median(before[both] / after[both]))
    low, high = LIMITS["eta"]
    return float(np.clip(eta, low, high))


def _refit(model, data, params, fixed, old, new) -> tuple[Minuit, dict[str, float]]:
    """Fit with pulsars ``new``, starting where the fit with ``old`` ended, η rescaled so the
    summed pulsar flux is unchanged (another set at the same η can carry several times it)."""
    start = dict(params, eta=_eta_keeping_pulsar_flux(model, params, old, new))
    minuit = _minimise(model, data, start, fixed, new)
    return minuit, dict(zip(PARAMETERS, minuit.values, strict=True))


def _fit_with_selection(model, data, params, fixed) -> tuple[pd.DataFrame, Minuit, dict]:
    """Grow the pulsar set until closed, then prefer the set above 5 % if it is a fixed point."""
    candidates = model.released()

    def above(values):
        return set(model.select_pulsars(SELECTION_GRID_GEV, values)["psrj"])

    pulsars = model.select_pulsars(SELECTION_GRID_GEV, params)
    minuit = _minimise(model, data, params, fixed, pulsars)
    params = dict(zip(PARAMETERS, minuit.values, strict=True))
    LOG.info("fit with %d pulsars: chi2 %.1f", len(pulsars), minuit.fval)
    for selection in range(MAX_SELECTIONS):
        grown = candidates[candidates["psrj"].isin(above(params) | set(pulsars["psrj"]))]
        if len(grown) == len(pulsars):
            break
        minuit, params = _refit(model, data, params, fixed, pulsars, grown)
        pulsars = grown
        LOG.info(
            "pulsar selection %d: %d pulsars, chi2 %.1f", selection + 1, len(pulsars), minuit.fval
        )
    else:
        raise RuntimeError(
            f"pulsar selection still growing after {MAX_SELECTIONS} fits: {list(pulsars['psrj'])}"
        )
    pruned = candidates[candidates["psrj"].isin(above(params))]
    if 0 < len(pruned) < len(pulsars):
        pruned_minuit, pruned_params = _refit(model, data, params, fixed, pulsars, pruned)
        if above(pruned_params) == set(pruned["psrj"]):
            return pruned, pruned_minuit, pruned_params
    return pulsars, minuit, params


def fit_flux_model(
    model: FluxModel,
    data: pd.DataFrame,
    fixed: tuple[str, ...],
    start: dict[str, float] | None = None,
    pulsars: pd.DataFrame | None = None,
) -> FitResult:
    """Fit the model to the data (see module docstring); ``pulsars`` given: exactly those."""
    params = dict(START if start is None else start)
    if pulsars is not None:
        minuit = _minimise(model, data, params, fixed, pulsars)
        params = dict(zip(PARAMETERS, minuit.values, strict=True))
    else:
        pulsars, minuit, params = _fit_with_selection(model, data, params, fixed)
    free = [p for p in PARAMETERS if p not in fixed]
    pulls = residuals(model, data, params, pulsars)
    datasets = data["experiment"] + " " + data["species"]
    hesse = minuit.covariance
    correlation = hesse.correlation() if hesse is not None else None
    result = FitResult(
        values=params,
        errors=dict(zip(PARAMETERS, minuit.errors, strict=True)),
        chi2=float(minuit.fval),
        ndf=len(data) - len(free),
        valid=bool(minuit.valid),
        pulsars=list(pulsars["psrj"]),
        free=free,
        chi2_by_dataset={
            name: float(np.sum(pulls[(datasets == name).to_numpy()] ** 2))
            for name in datasets.unique()
        },
        points_by_dataset={name: int((datasets == name).sum()) for name in datasets.unique()},
        correlation={}
        if correlation is None
        else {a: {b: float(correlation[a, b]) for b in free} for a in free},
        bounds_95={},
    )
    for name in result.at_limit():
        LOG.info("%s ended on its limit: profile-likelihood bound", name)
        result.bounds_95[name] = _one_sided_bound(
            model, data, params, fixed, pulsars, name, result.chi2
        )
    return result


#: Δχ² of a one-sided 95 % CL bound (one parameter, profile likelihood).
DELTA_CHI2_ONE_SIDED_95 = 2.7055


def _one_sided_bound(model, data, params, fixed, pulsars, name: str, chi2_min: float) -> float:
    """One-sided 95 % CL bound of a parameter sitting on a limit: where the profile χ² (the
    other free parameters refitted) has risen by 2.71 away from that limit; NaN if it does not
    within the parameter's range. (MINOS is not used: it fails for some fits on a boundary.)"""
    lower, upper = LIMITS[name]
    value = params[name]
    side = 1.0 if abs(value - lower) <= abs(upper - value) else -1.0
    end = upper if side > 0 else lower

    def excess(x: float) -> float:
        start = dict(params, **{name: x})
        refit = _minimise(model, data, start, (*fixed, name), pulsars)
        return float(refit.fval) - chi2_min - DELTA_CHI2_ONE_SIDED_95

    step = 1e-3 * (upper - lower)
    inner, outer = value, value + side * step
    while excess(outer) < 0:
        if outer == end:
            return float("nan")
        inner, step = outer, 4.0 * step
        outer = float(np.clip(value + side * step, lower, upper))
    return float(optimize.brentq(excess, inner, outer, xtol=1e-4 * step))
