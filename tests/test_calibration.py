"""The isotropic Monte Carlo is calibrated for a period shorter than one precession cycle.

60 simulated isotropic 3-day observations (starts spread over the 72-day cycle), δ above
20 GeV at Nside 16 with the default 1 % exposure mask, each placed among 500 Monte Carlo skies
of its own exposure (studies/short_period_calibration.py, which runs the larger study). If
calibrated, the quantiles are uniform: KS test, their mean, and the number outside the
central 95 %, Binomial(60, 0.05), whose 99.9 % quantile is 9.
"""

import sys

import numpy as np
from conftest import REPO
from scipy import stats

sys.path.insert(0, str(REPO / "studies"))

from short_period_calibration import calibration_quantiles


def test_monte_carlo_is_calibrated_for_three_day_periods():
    q = calibration_quantiles(60, days=3.0, threshold_gev=20.0, nside=16, samples=500)[1]
    assert stats.kstest(q, "uniform").pvalue > 1e-3
    assert abs(q.mean() - 0.5) < 3.3 * np.sqrt(1 / 12 / len(q))
    outside = int(np.sum((q < 0.025) | (q > 0.975)))
    assert outside <= stats.binom.ppf(0.999, len(q), 0.05), outside
