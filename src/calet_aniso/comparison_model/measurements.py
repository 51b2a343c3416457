"""The measured fluxes a model is fitted to: data points of the flux tables above E_min.

Apart from the fit (``comparison_model.fit``) so that a job that only builds the model from
its configuration (the Vela anisotropy) does not import the minimiser (iminuit, scipy.optimize).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Model component each kind of measured flux is compared with.
SPECIES = {"e+e-": "total", "e+": "positrons"}


def measurements(
    tables: dict[str, pd.DataFrame], min_energy_gev: float, species: str = "e+e-"
) -> pd.DataFrame:
    """Data points (energy, flux, sigma, experiment, species) from flux tables, E ≥ E_min."""
    if species not in SPECIES:
        raise ValueError(f"species must be one of {sorted(SPECIES)}, not {species!r}")
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
                    "species": species,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)
