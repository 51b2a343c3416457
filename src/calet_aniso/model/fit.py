"""Fit of the e± flux model to measured fluxes with iminuit (seed Figure 2).

χ² = Σ ((J_model − J_data)/σ)², σ² = σ_stat² + σ_sys² (each the mean of its low and high
error), over the data points with E ≥ E_min of all experiments given. The pulsars are those
contributing > 5 % of the flux at some energy: selected with the start values, fitted,
re-selected with the fitted values and refitted if the selection changed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from iminuit import Minuit

from .flux import PARAMETERS, FluxModel

SELECTION_GRID_GEV = np.geomspace(10.0, 2.0e4, 60)

START = {
    "norm": 1.3e-4,
    "index": 3.1,
    "break_gev": 5.0,
    "delta_index": 0.0,
    "softness": 0.1,
    "cutoff_gev": 3000.0,
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
    "cutoff_gev": (100.0, 1e6),
    "cs": (0.0, 20.0),
    "eta": (1e-5, 1.0),
    "pulsar_index": (1.0, 3.0),
    "pulsar_cutoff_gev": (30.0, 1e6),
}
#: Held at their start values by default (configurable): the low-energy break (Δγ = 0,
#: E_b, s) lies below the fitted range, where solar modulation — not modelled — acts too; and
#: total e± data alone cannot separate the secondaries from the primaries, so C_s = 1 (the
#: template's own normalisation).
FIXED = ("break_gev", "delta_index", "softness", "cs")


def measurements(tables: dict[str, pd.DataFrame], min_energy_gev: float) -> pd.DataFrame:
    """Data points (energy, flux, sigma, experiment) from flux tables, E ≥ min_energy_gev."""
    rows = []
    for name, table in tables.items():
        keep = table["energy_gev"] >= min_energy_gev
        t = table[keep]
        stat = 0.5 * (t["stat_err_low"] + t["stat_err_high"])
        sys = 0.5 * (t["sys_err_low"] + t["sys_err_high"])
        rows.append(
            pd.DataFrame(
                {
                    "energy_gev": t["energy_gev"],
                    "flux": t["flux"],
                    "sigma": np.hypot(stat, sys),
                    "experiment": name,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


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
        }


def _minimise(
    model: FluxModel,
    data: pd.DataFrame,
    start: dict[str, float],
    fixed: tuple[str, ...],
    pulsars: pd.DataFrame,
) -> Minuit:
    energy = data["energy_gev"].to_numpy()
    flux = data["flux"].to_numpy()
    sigma = data["sigma"].to_numpy()

    def chi2(*values):
        params = dict(zip(PARAMETERS, values, strict=True))
        predicted = model.components(energy, params, pulsars)["total"]
        return float(np.sum(((predicted - flux) / sigma) ** 2))

    minuit = Minuit(chi2, *[start[p] for p in PARAMETERS], name=PARAMETERS)
    minuit.errordef = Minuit.LEAST_SQUARES
    for name in PARAMETERS:
        minuit.limits[name] = LIMITS[name]
        minuit.fixed[name] = name in fixed
    minuit.strategy = 1
    minuit.migrad(ncall=20_000)
    minuit.hesse()
    return minuit


def fit_flux_model(
    model: FluxModel,
    data: pd.DataFrame,
    start: dict[str, float] | None = None,
    fixed: tuple[str, ...] = FIXED,
) -> FitResult:
    """Fit the model to the data (see module docstring)."""
    params = dict(START if start is None else start)
    pulsars = model.select_pulsars(SELECTION_GRID_GEV, params)
    for _ in range(3):
        minuit = _minimise(model, data, params, fixed, pulsars)
        params = dict(zip(PARAMETERS, minuit.values, strict=True))
        reselected = model.select_pulsars(SELECTION_GRID_GEV, params)
        if list(reselected["psrj"]) == list(pulsars["psrj"]):
            break
        pulsars = reselected
    free = [p for p in PARAMETERS if p not in fixed]
    return FitResult(
        values=params,
        errors=dict(zip(PARAMETERS, minuit.errors, strict=True)),
        chi2=float(minuit.fval),
        ndf=len(data) - len(free),
        valid=bool(minuit.valid),
        pulsars=list(pulsars["psrj"]),
        free=free,
    )
