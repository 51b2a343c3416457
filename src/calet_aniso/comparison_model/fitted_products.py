"""Reading the fitted comparison model's products (written by ``fit_products``).

Jobs that only read a fit (the expected counts, the Vela model, the figures) import this
module alone: ``fit_products`` imports the fitting machinery (iminuit, scipy.optimize, the
pulsar catalogue's astropy coordinates), about a second of start-up.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from calet_aniso.flux_tables import InterpolatedFlux
from calet_aniso.io.files import read_json


def read_fit_summary(path: str | Path) -> dict:
    """A fit summary (JSON); ValueError naming the file if it is not one."""
    summary = read_json(path)
    if not {"variant", "values", "pulsars", "chi2"} <= set(summary):
        raise ValueError(f"{path}: not a flux-fit summary")
    return summary


def read_fitted_total_flux(curves: str | Path) -> InterpolatedFlux:
    """Total flux of a fitted variant (its curves file), interpolated log-log."""
    table = pd.read_parquet(curves, columns=["energy_gev", "total"])
    return InterpolatedFlux(table["energy_gev"].to_numpy(), table["total"].to_numpy())
