"""Sensitivity forecast: limits scale as 1/√T, and at the forecast times the median limit on
the component toward Vela equals the prediction (95 %) or the prediction is 3σ."""

import numpy as np
import pandas as pd
import pytest

from calet_aniso.analysis.forecast import FORECAST_YEARS, forecast_table


def test_forecast_scales_and_reaches_the_prediction_when_it_says():
    headline = pd.DataFrame(
        {
            "threshold_gev": [125.0, 1000.0],
            "mc_delta_ul95_med": [0.044, 0.49],
            "mc_delta_ul95_neyman_med": [0.026, 0.29],
            "delta_toward_vela_sigma": [0.0098, 0.11],
        }
    )
    vela = pd.DataFrame({"threshold_gev": [125.0, 1000.0], "delta_above": [0.001, 0.026]})
    table = forecast_table(headline, vela, period_years=3.0)
    assert sorted(table["years"].unique()) == [3.0, *FORECAST_YEARS]
    now = table[table["years"] == 3.0].reset_index()
    ten = table[table["years"] == 10.0].reset_index()
    np.testing.assert_allclose(ten["median_delta_ul95"], now["median_delta_ul95"] * np.sqrt(0.3))
    np.testing.assert_allclose(
        now["median_vela_component_ul95"], 1.6448536 * np.array([0.0098, 0.11])
    )
    for i in range(2):
        t95 = now["years_to_exclude_vela_95"][i]
        limit_then = now["median_vela_component_ul95"][i] * np.sqrt(3.0 / t95)
        assert limit_then == pytest.approx(now["vela_delta_predicted"][i])
        t3 = now["years_to_see_vela_3sigma"][i]
        sigma_then = headline["delta_toward_vela_sigma"][i] * np.sqrt(3.0 / t3)
        assert 3 * sigma_then == pytest.approx(now["vela_delta_predicted"][i])


def test_one_sided_quantile_is_scipy_stats_norm_ppf_bit_for_bit():
    from scipy.stats import norm

    from calet_aniso.analysis.forecast import ONE_SIDED

    assert ONE_SIDED == float(norm.ppf(0.95))
