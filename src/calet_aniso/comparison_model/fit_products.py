"""The fitted comparison model as files: fit one variant and write its products (read back by
``fitted_products``, which jobs that only read them import without the fitting machinery).

Per variant (``variants.VARIANTS``), under ``results/comparison_model/{model}/``:

* ``flux_fit_{variant}.json``: the fit summary (values, Hesse errors, χ², ndf, χ² per data
  set, pulsars, correlations, parameters on a limit, one-sided bounds), the data files, the
  medium, the pulsar settings and the Vela SNR;
* ``flux_fit_{variant}_parameters.parquet``: one row per parameter;
* ``flux_fit_{variant}_points.parquet``: the fitted points with their pulls;
* ``flux_model_{variant}.parquet``: every flux component per energy (m⁻² s⁻¹ sr⁻¹ GeV⁻¹),
  from 10 GeV to ``model.curve_max_energy_gev`` on 300 log-spaced energies.

The Parquet files carry metadata variant, chi2 and ndf.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from calet_aniso.comparison_model.configuration import fit_data, flux_model
from calet_aniso.comparison_model.fit import FitResult, fit_flux_model, residuals
from calet_aniso.io.files import write_json, write_parquet

CURVE_MIN_ENERGY_GEV = 10.0
CURVE_POINTS = 300


@dataclass(frozen=True)
class FittedVariant:
    """One fitted variant: summary (JSON-able), parameter table, fitted points, curves."""

    summary: dict
    parameters: pd.DataFrame
    points: pd.DataFrame
    curves: pd.DataFrame

    def write(self, summary: str | Path, parameters: str | Path, points: str | Path, curves):
        """Write the four products (formats in the module docstring)."""
        meta = {
            "variant": self.summary["variant"],
            "chi2": self.summary["chi2"],
            "ndf": self.summary["ndf"],
        }
        write_parquet(self.parameters, parameters, meta)
        write_parquet(self.curves, curves, meta)
        write_parquet(self.points, points, meta)
        write_json(self.summary, summary)


def fit_variant(
    model_cfg: dict, catalogue: pd.DataFrame, variant: str
) -> tuple[FittedVariant, FitResult]:
    """Fit one variant of the flux model to the configured data (``model.fit``)."""
    fit_cfg = model_cfg["fit"]
    model = flux_model(model_cfg, catalogue, variant)
    data = fit_data(
        fit_cfg["electron_positron_tables"], fit_cfg["positron_tables"], fit_cfg["min_energy_gev"]
    )
    result = fit_flux_model(model, data, fixed=tuple(fit_cfg["fixed"]))
    pulsars = model.pulsars[model.pulsars["psrj"].isin(result.pulsars)]
    summary = {
        "variant": variant,
        **result.to_dict(),
        "data": {
            "electron_positron_tables": fit_cfg["electron_positron_tables"],
            "positron_tables": fit_cfg["positron_tables"],
            "min_energy_gev": fit_cfg["min_energy_gev"],
        },
        "b0_per_gev_s": model.medium.losses.b0_per_gev_s,
        "diffusion": asdict(model.medium.diffusion),
        "pulsar_settings": asdict(model.settings),
        "vela": asdict(model.vela) if model.vela is not None else None,
    }
    energy = np.geomspace(CURVE_MIN_ENERGY_GEV, model_cfg["curve_max_energy_gev"], CURVE_POINTS)
    fitted = FittedVariant(
        summary,
        result.parameter_table(),
        data.assign(pull=residuals(model, data, result.values, pulsars)),
        model.curves(energy, result.values, pulsars),
    )
    return fitted, result
