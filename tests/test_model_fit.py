"""Pulsar catalogue derivation and the flux-model fit (closure test on pseudo-data)."""

import numpy as np
import pandas as pd
import pytest
from conftest import DEFAULTS, MEDIUM, PULSAR_SETTINGS, RESOURCES

from calet_aniso.comparison_model.configuration import fit_data
from calet_aniso.comparison_model.fit import (
    SELECTION_GRID_GEV,
    START,
    _on_limit,
    fit_flux_model,
    residuals,
)
from calet_aniso.comparison_model.flux import (
    FluxModel,
    secondary_electron_flux,
    secondary_flux,
    secondary_positron_flux,
)
from calet_aniso.comparison_model.pulsars import (
    pulsar_table,
    read_psrcat,
    total_spin_down_energy_erg,
)
from calet_aniso.flux_tables import read_flux_table

#: Parameters the default configuration holds fixed (model.fit.fixed).
FIXED = tuple(DEFAULTS["model"]["fit"]["fixed"])

PSRCAT_SNIPPET = """#CATALOGUE 1.59
PSRJ     J0835-4510
RAJ      08:35:20.61149           2    dlrm03
DECJ     -45:10:34.8751           3    dlrm03
PX       3.5                      2    dlrm03
F0       11.1946499395            5    dml02
F1       -1.5666E-11              2    dml02
DIST_DM  0.33                          ymw17
DIST_A   0.28                          vwc+12
@-----------------------------------------------------------------
PSRJ     J0000+0000
ELONG    100.0
ELAT     10.0
P0       0.5
P1       1.0E-15
DIST_DM  1.5                           ymw17
@-----------------------------------------------------------------
PSRJ     J9999-9999
RAJ      01:00:00
DECJ     +10:00:00
P0       0.5
@-----------------------------------------------------------------
"""


def test_pulsar_table_from_a_user_psrcat(tmp_path):
    path = tmp_path / "mini.db"
    path.write_text(PSRCAT_SNIPPET)
    table = pulsar_table(read_psrcat(path)).set_index("psrj")
    assert list(table.index) == ["J0000+0000", "J0835-4510"]  # no P1: dropped
    vela = table.loc["J0835-4510"]
    # Reference facts: ATNF v1.59 distance 0.28 kpc, age 1.13e4 yr, (l, b) = (263.55, -2.79)
    assert vela["dist_kpc"] == 0.28 and vela["dist_source"] == "DIST_A"
    assert vela["age_yr"] == pytest.approx(1.13e4, rel=0.01)
    assert vela["gal_l_deg"] == pytest.approx(263.55, abs=0.01)
    assert vela["gal_b_deg"] == pytest.approx(-2.79, abs=0.01)
    assert vela["edot_erg_s"] == pytest.approx(6.9e36, rel=0.01)
    assert table.loc["J0000+0000", "dist_source"] == "DIST_DM"


def test_shipped_pulsar_table_matches_the_catalogue():
    table = pd.read_csv(RESOURCES / "pulsars/atnf_v1.59_pulsars.csv", comment="#").set_index("psrj")
    assert table.loc["J0633+1746", "dist_kpc"] == pytest.approx(0.19)  # Geminga
    assert table.loc["J0633+1746", "age_yr"] == pytest.approx(3.42e5, rel=0.01)


def test_spin_down_energy_integral():
    """W0 = ∫ L dt with L = L0 / (1 + t/τ0)², L0 = Ė (1 + T/τ0)² (n = 3)."""
    edot, age, tau0 = 1e35, 3e5, 1e4
    w0 = total_spin_down_energy_erg(np.array([edot]), np.array([age]), tau0)[0]
    l0 = edot * (1 + age / tau0) ** 2
    assert w0 == pytest.approx(l0 * tau0 * 3.15576e7, rel=1e-12)


def test_secondary_template_magnitude():
    # Moskalenko & Strong: secondary e± flux E³J ~ 10 GeV² m⁻² s⁻¹ sr⁻¹ near 10 GeV.
    assert 5 < secondary_flux(np.array([10.0]))[0] * 1e3 < 30


FIT_TABLES = (
    {
        "CALET": str(RESOURCES / "fluxes/calet_2018_epm.csv"),
        "AMS-02": str(RESOURCES / "fluxes/ams02_2019_epm.csv"),
    },
    {"AMS-02": str(RESOURCES / "fluxes/ams02_2019_positrons.csv")},
)


def test_positron_table_is_complete_and_consistent():
    """The transcribed AMS-02 e⁺ table: 74 contiguous bins 0.5 GeV–1 TeV, centres inside,
    positive errors, and a positron fraction e⁺/(e⁺ + e⁻) in the published 5–20 % range
    where both AMS-02 tables share a bin (an independent check of the transcription)."""
    positrons = read_flux_table(RESOURCES / "fluxes/ams02_2019_positrons.csv")
    assert len(positrons) == 74
    assert (
        positrons["energy_low_gev"].iloc[0] == 0.5 and positrons["energy_high_gev"].iloc[-1] == 1000
    )
    gaps = positrons["energy_low_gev"].to_numpy()[1:] - positrons["energy_high_gev"].to_numpy()[:-1]
    assert np.abs(gaps).max() <= 0.02  # the source rounds one edge (98.08 / 98.1 GeV)
    assert (
        (positrons["energy_gev"] > positrons["energy_low_gev"])
        & (positrons["energy_gev"] < positrons["energy_high_gev"])
    ).all()
    for column in ("flux", "stat_err_low", "stat_err_high", "sys_err_low", "sys_err_high"):
        assert (positrons[column] > 0).all(), column
    total = read_flux_table(RESOURCES / "fluxes/ams02_2019_epm.csv")
    shared = positrons.merge(total, on=["energy_low_gev", "energy_high_gev"], suffixes=("", "_all"))
    shared = shared[shared["energy_gev"] > 10]
    assert len(shared) > 20
    fraction = shared["flux"] / shared["flux_all"]
    assert fraction.between(0.05, 0.20).all(), fraction.tolist()


def test_positron_prediction_is_secondaries_plus_half_the_pulsars():
    pulsars = pd.read_csv(RESOURCES / "pulsars/atnf_v1.59_pulsars.csv", comment="#")
    model = FluxModel(pulsars, MEDIUM, PULSAR_SETTINGS)
    energy = np.geomspace(20, 2000, 7)
    params = dict(START, cs=1.3)
    table = model.select_pulsars(energy, params)
    parts = model.components(energy, params, table)
    np.testing.assert_allclose(
        parts["positrons"], 1.3 * secondary_positron_flux(energy) + 0.5 * parts["pulsars"]
    )
    np.testing.assert_allclose(
        secondary_flux(energy), secondary_positron_flux(energy) + secondary_electron_flux(energy)
    )
    data = fit_data(*FIT_TABLES, 20.0)
    pulls = residuals(model, data, params, table)
    for species, component in (("e+e-", "total"), ("e+", "positrons")):
        rows = data[data["species"] == species]
        expected = model.components(rows["energy_gev"].to_numpy(), params, table)[component]
        np.testing.assert_allclose(
            pulls[rows.index], (expected - rows["flux"]) / rows["sigma"], rtol=1e-12
        )


@pytest.fixture(scope="module")
def pseudo_data():
    """Pseudo-data from known parameters at the energies and with the errors of the fitted
    data (CALET and AMS-02 e⁺ + e⁻, AMS-02 e⁺), Gaussian noise with a fixed seed."""
    pulsars = pd.read_csv(RESOURCES / "pulsars/atnf_v1.59_pulsars.csv", comment="#")
    model = FluxModel(pulsars, MEDIUM, PULSAR_SETTINGS)
    data = fit_data(*FIT_TABLES, 20.0)
    truth = dict(
        START,
        norm=1.2e-4,
        index=3.15,
        inv_cutoff_per_tev=0.25,
        cs=1.1,
        eta=0.08,
        pulsar_index=1.9,
        pulsar_cutoff_gev=800.0,
    )
    selected = model.select_pulsars(np.geomspace(10, 2e4, 60), truth)
    expected = data["flux"] + data["sigma"] * residuals(model, data, truth, selected)
    rng = np.random.default_rng(17)
    pseudo = data.assign(flux=expected + data["sigma"].to_numpy() * rng.standard_normal(len(data)))
    return model, truth, selected, expected, pseudo


def test_fit_closure_on_pseudo_data(pseudo_data):
    """With the true pulsar set, the fit finds a minimum at least as good as the truth with
    χ²/ndf near 1; the truth lies inside the joint confidence region, Δχ² = χ²(truth) −
    χ²(fit) ~ χ²(n_free) (Wilks); and, with the positrons separating pulsars from primaries,
    each free parameter is recovered within 4 Hesse errors."""
    from scipy import stats

    model, truth, selected, expected, pseudo = pseudo_data
    result = fit_flux_model(model, pseudo, FIXED, pulsars=selected)
    assert result.valid and not result.at_limit()
    assert 0.5 < result.chi2 / result.ndf < 1.6
    chi2_truth = float(np.sum(((expected - pseudo["flux"]) / pseudo["sigma"]) ** 2))
    assert result.chi2 <= chi2_truth + 1e-6
    assert stats.chi2.sf(chi2_truth - result.chi2, len(result.free)) > 1e-3
    for name in result.free:
        pull = (result.values[name] - truth[name]) / result.errors[name]
        assert abs(pull) < 4, (name, result.values[name], truth[name], result.errors[name])
    summary = result.to_dict()
    assert summary["chi2_per_ndf"] == pytest.approx(result.chi2 / result.ndf)
    assert set(summary["values"]) == set(summary["errors"]) and summary["pulsars"]


def test_pulsar_selection_iteration_ends_at_a_closed_set(pseudo_data):
    """On these pseudo-data plain re-selection cycles (1 pulsar ↔ 5 pulsars); the growing
    selection ends, and every pulsar above 5 % at the fitted values is in the fitted set."""
    model, _, selected, _, pseudo = pseudo_data
    result = fit_flux_model(model, pseudo, FIXED)
    assert result.valid and 0.5 < result.chi2 / result.ndf < 1.6
    above = set(model.select_pulsars(SELECTION_GRID_GEV, result.values)["psrj"])
    assert above <= set(result.pulsars)
    assert set(selected["psrj"]) <= set(result.pulsars)


def test_one_sided_bound_of_a_parameter_on_its_limit(pseudo_data):
    """Asimov pseudo-data (the expectation itself, no noise) without a primary cut-off: the fit
    ends with 1/E_cut on its limit 0, flags it, and its 95 % CL upper bound is where the
    profile χ² (all else refitted) rises by 2.71."""
    model, truth, selected, _, pseudo = pseudo_data
    no_cutoff = dict(truth, inv_cutoff_per_tev=0.0)
    expected = pseudo["flux"] + pseudo["sigma"] * residuals(model, pseudo, no_cutoff, selected)
    data = pseudo.assign(flux=expected)
    result = fit_flux_model(model, data, FIXED, start=no_cutoff, pulsars=selected)
    if "inv_cutoff_per_tev" not in result.at_limit():
        pytest.fail(f"1/E_cut = {result.values['inv_cutoff_per_tev']} is not on its limit")
    bound = result.bounds_95["inv_cutoff_per_tev"]
    assert 0 < bound < 1
    profile = fit_flux_model(
        model,
        data,
        start=dict(result.values, inv_cutoff_per_tev=bound),
        fixed=(*FIXED, "inv_cutoff_per_tev"),
        pulsars=selected,
    )
    assert profile.chi2 - result.chi2 == pytest.approx(2.71, abs=0.05)
    assert (
        result.parameter_table().set_index("parameter").loc["inv_cutoff_per_tev", "bound_95"]
        == bound
    )


def test_parameters_on_a_limit_are_flagged():
    assert _on_limit(1e-12, 0.0, 10.0) and not _on_limit(0.2, 0.0, 10.0)
    assert _on_limit(999_900.0, 30.0, 1e6) and not _on_limit(900.0, 30.0, 1e6)
