"""Vela anisotropy prediction: analytic vs finite difference, integral over thresholds."""

import numpy as np
import pandas as pd
import pytest
from conftest import MEDIUM, RESOURCES, VELA_SNR

from calet_aniso.comparison_model.anisotropy import integral_dipole
from calet_aniso.comparison_model.vela_prediction import (
    vela_dipole,
    vela_dipole_above,
    vela_dipole_in_bins,
)
from calet_aniso.flux_tables import InterpolatedFlux, read_flux_table


def test_integral_dipole_of_a_constant_anisotropy():
    energy = np.geomspace(10, 1e4, 300)
    total = energy**-3.0
    assert integral_dipole(energy, 0.07 * total, total, [10, 100, 1000]) == pytest.approx(
        [0.07] * 3
    )
    # Anisotropic only above 1 TeV: δ(≥100 GeV) is diluted by the flux between 100 GeV and 1 TeV.
    step = np.where(energy >= 1000, 0.5 * total, 0.0)
    expected = 0.5 * (1000.0**-2) / (100.0**-2)
    assert integral_dipole(energy, step, total, [100])[0] == pytest.approx(expected, rel=2e-2)


def test_dipole_in_energy_bins_is_the_flux_weighted_mean():
    """δ(E) = δ1 (E/E1)^a on J ∝ E^-3: bin mean = ∫ δ J dE / ∫ J dE in closed form."""
    energy = np.geomspace(10, 1e4, 2000)
    delta = 1e-3 * (energy / 10.0) ** 0.8
    table = pd.DataFrame(
        {"energy_gev": energy, "delta_analytic": delta, "total_flux": energy**-3.0}
    )
    low, high = np.array([40.0, 562.0]), np.array([56.0, 1998.0])
    bins = vela_dipole_in_bins(table, low, high)

    def antiderivative(e, power):  # ∫ E^power dE
        return e ** (power + 1) / (power + 1)

    expected = (
        1e-3
        * 10.0**-0.8
        * (antiderivative(high, -2.2) - antiderivative(low, -2.2))
        / (antiderivative(high, -3.0) - antiderivative(low, -3.0))
    )
    np.testing.assert_allclose(bins["delta_bin"], expected, rtol=5e-3)
    np.testing.assert_array_equal(bins["e_low_gev"], low)


def test_vela_prediction_analytic_equals_finite_difference_and_stays_below_one():
    calet = InterpolatedFlux.from_table(read_flux_table(RESOURCES / "fluxes/calet_2018_epm.csv"))
    table = vela_dipole(np.geomspace(100, 2e4, 40), calet, VELA_SNR, MEDIUM)
    reaching = table["vela_flux"] > 0
    np.testing.assert_allclose(
        table.loc[reaching, "delta_finite_difference"],
        table.loc[reaching, "delta_analytic"],
        rtol=0.01,
    )
    # Vela stays below the measured flux (2.5e47 erg is "compatible with CALET data").
    assert (table["vela_flux"] < table["total_flux"]).all()
    above = vela_dipole_above(table, [125, 1000])
    assert (above["delta_above"] >= 0).all() and (above["delta_above"] < 1).all()


def test_smooth_flux_describes_the_calet_spectrum():
    from calet_aniso.flux_tables import SmoothFlux

    table = read_flux_table(RESOURCES / "fluxes/calet_2018_epm.csv")
    smooth = SmoothFlux.fit(table)
    t = table[table["energy_gev"] >= 20]
    sigma = np.hypot(
        0.5 * (t["stat_err_low"] + t["stat_err_high"]), 0.5 * (t["sys_err_low"] + t["sys_err_high"])
    )
    pulls = (smooth(t["energy_gev"].to_numpy()) - t["flux"]) / sigma
    chi2 = float((pulls**2).sum())
    assert chi2 / (len(t) - 4) < 1.5 and np.abs(pulls).max() < 3
