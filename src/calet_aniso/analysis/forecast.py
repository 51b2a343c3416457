"""Sensitivity forecast: the median expected limits of a period scaled to longer observations,
against the Vela SNR model's predicted dipole.

The isotropic Monte Carlo of the period gives, per threshold, the median of each limit for
an isotropic sky: eq. 2.3 (``mc_delta_ul95_med``), the Neyman belt
(``mc_delta_ul95_neyman_med``) and the one-sided limit on the component toward Vela, whose
median is 1.645 σ_Vela (the isotropic spread of the component, ``delta_toward_vela_sigma``;
the component is Gaussian with mean 0). For an observation T times longer with the period's
mean daily exposure, the event count grows as T and every one of these as 1/√T (the
Gaussian regime: thresholds with tens of events are approximate). The Vela dipole is
excluded at 95 % CL by the median experiment when its predicted δ(≥ E) exceeds the median
component limit, T_95 = T0 (1.645 σ_Vela / δ_Vela)², and seen at 3σ (half the experiments)
when δ_Vela = 3 σ_Vela, T_3σ = T0 (3 σ_Vela / δ_Vela)².
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtri

from calet_aniso.analysis.statistics import CONFIDENCE

DAYS_PER_YEAR = 365.25
#: Observation times of the forecast besides the period's own (years).
FORECAST_YEARS = (5.0, 10.0, 15.0)
#: One-sided Gaussian quantile of CONFIDENCE, 1.645: ``scipy.stats.norm.ppf`` is ``ndtri``, bit
#: for bit, without scipy.stats' import (0.3 s in the forecast's job).
ONE_SIDED = float(ndtri(CONFIDENCE))


def forecast_table(headline: pd.DataFrame, vela: pd.DataFrame, period_years: float) -> pd.DataFrame:
    """One row per threshold and observation time (the period's, then ``FORECAST_YEARS``):
    the median limits (eq. 2.3, Neyman, toward Vela), the Vela prediction, and the years to
    exclude it at 95 % CL and to see it at 3σ (module docstring)."""
    table = headline.merge(
        vela[["threshold_gev", "delta_above"]], on="threshold_gev", validate="one_to_one"
    )
    sigma = table["delta_toward_vela_sigma"].to_numpy()
    predicted = table["delta_above"].to_numpy()
    with np.errstate(divide="ignore"):
        years_95 = period_years * (ONE_SIDED * sigma / predicted) ** 2
        years_3sigma = period_years * (3.0 * sigma / predicted) ** 2
    rows = []
    for years in (period_years, *FORECAST_YEARS):
        scale = np.sqrt(period_years / years)
        for i, threshold in enumerate(table["threshold_gev"]):
            rows.append(
                {
                    "threshold_gev": float(threshold),
                    "years": float(years),
                    "median_delta_ul95": float(table["mc_delta_ul95_med"].iloc[i] * scale),
                    "median_delta_ul95_neyman": float(
                        table["mc_delta_ul95_neyman_med"].iloc[i] * scale
                    ),
                    "median_vela_component_ul95": float(ONE_SIDED * sigma[i] * scale),
                    "vela_delta_predicted": float(predicted[i]),
                    "years_to_exclude_vela_95": float(years_95[i]),
                    "years_to_see_vela_3sigma": float(years_3sigma[i]),
                }
            )
    return pd.DataFrame(rows)
