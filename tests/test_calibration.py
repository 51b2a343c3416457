"""The isotropic Monte Carlo is calibrated for a period shorter than one precession cycle.

60 simulated isotropic 3-day observations (starts spread over the 72-day cycle), δ above
20 GeV at Nside 16 with the default 1 % exposure mask, each placed among 500 Monte Carlo skies
of its own exposure (calet_aniso.montecarlo.calibration; studies/short_period_calibration.py
runs the larger study). If calibrated, the quantiles are uniform: KS test, their mean, and
the number outside the central 95 %, Binomial(60, 0.05), whose 99.9 % quantile is 9.
"""

import numpy as np
import pytest
from conftest import DEFAULTS, RESOURCES
from scipy import stats

from calet_aniso.montecarlo.calibration import calibration_quantiles
from calet_aniso.simulation.observation import SimulationSettings
from calet_aniso.simulation.orbit import read_tle_file

pytestmark = pytest.mark.slow  # 60 simulated observations: not in make test-fast


def test_monte_carlo_is_calibrated_for_three_day_periods(response, flux, time_system):
    q = calibration_quantiles(
        response,
        flux,
        read_tle_file(RESOURCES / "orbit/iss_tle.txt"),
        SimulationSettings.from_config(DEFAULTS["simulation"]),
        time_system,
        60,
        days=3.0,
        threshold_gev=20.0,
        nside=16,
        samples=500,
    )[1]
    assert stats.kstest(q, "uniform").pvalue > 1e-3
    assert abs(q.mean() - 0.5) < 3.3 * np.sqrt(1 / 12 / len(q))
    outside = int(np.sum((q < 0.025) | (q > 0.975)))
    assert outside <= stats.binom.ppf(0.999, len(q), 0.05), outside
