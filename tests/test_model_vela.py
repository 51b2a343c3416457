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


def test_vela_prediction_tables_for_the_rule(tmp_path):
    """predict_vela_anisotropy (rule vela_anisotropy): with no fitted pulsar, the all-sources
    dipole is the Vela SNR's, pointing at Vela; thresholds and bins follow the per-energy table;
    the Fermi-LAT limits are carried beside the prediction."""
    from conftest import DEFAULTS, VELA

    from calet_aniso.comparison_model.fit import START
    from calet_aniso.comparison_model.vela_prediction import predict_vela_anisotropy

    calet = InterpolatedFlux.from_table(read_flux_table(RESOURCES / "fluxes/calet_2018_epm.csv"))
    catalogue = pd.read_csv(RESOURCES / "pulsars/atnf_v1.59_pulsars.csv", comment="#")
    fermi = pd.DataFrame(
        {"e_low_gev": [100.0, 562.0], "e_high_gev": [562.0, 1998.0], "delta_ul_95": [0.01, 0.02]}
    )
    fit = {"pulsars": [], "values": dict(START)}
    thresholds = [125.0, 1000.0]
    prediction = predict_vela_anisotropy(
        DEFAULTS["model"], catalogue, fit, calet, 4570.0, thresholds, fermi
    )
    per_energy = prediction.per_energy
    assert per_energy["energy_gev"].iloc[[0, -1]].tolist() == pytest.approx([10.0, 4570.0])
    np.testing.assert_allclose(
        per_energy["delta_all_sources"], per_energy["delta_analytic"], rtol=1e-10, atol=1e-15
    )
    reaching = per_energy["delta_analytic"] > 0
    np.testing.assert_allclose(per_energy.loc[reaching, "dipole_l_deg"], VELA[0], atol=1e-9)
    pd.testing.assert_series_equal(
        prediction.above["delta_above"], vela_dipole_above(per_energy, thresholds)["delta_above"]
    )
    np.testing.assert_allclose(
        prediction.above["delta_above_all_sources"], prediction.above["delta_above"], rtol=1e-9
    )
    assert prediction.fermi_bins["fermi_delta_ul_95"].tolist() == [0.01, 0.02]
    assert prediction.meta["pulsars"] == [] and prediction.meta["vela"]["l_deg"] == VELA[0]
    paths = [tmp_path / f"{name}.parquet" for name in ("e", "t", "b")]
    prediction.write(*paths)
    pd.testing.assert_frame_equal(pd.read_parquet(paths[1]), prediction.above)
