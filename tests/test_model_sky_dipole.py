"""All point sources of a model add as vectors: amplitude, cancellation, direction."""

import numpy as np
import pandas as pd
import pytest
from astropy.coordinates import SkyCoord
from conftest import MEDIUM, PULSAR_SETTINGS, VELA_SNR

from calet_aniso.comparison_model.anisotropy import integral_dipole, integral_dipole_vectors
from calet_aniso.comparison_model.constants import C_CM_S, KPC_CM, YR_S
from calet_aniso.comparison_model.fit import START
from calet_aniso.comparison_model.flux import FluxModel
from calet_aniso.comparison_model.green import Propagation
from calet_aniso.comparison_model.losses import Losses
from calet_aniso.comparison_model.sky_dipole import dipole_above, summed_dipole
from calet_aniso.comparison_model.vela_prediction import vela_dipole
from calet_aniso.flux_tables import InterpolatedFlux
from calet_aniso.geometry.frames import direction_lonlat, unit_vector

NO_LOSSES = Propagation(MEDIUM.diffusion, Losses(b0_per_gev_s=1e-21))
PARAMS = dict(START, eta=0.1, pulsar_index=1.8, pulsar_cutoff_gev=1e4)


def pulsar(name: str, l_deg: float, b_deg: float) -> dict:
    return {
        "psrj": name,
        "gal_l_deg": l_deg,
        "gal_b_deg": b_deg,
        "dist_kpc": 0.3,
        "age_yr": 3.0e5,
        "edot_erg_s": 1e34,
    }


def test_unit_vectors_and_directions_agree_with_astropy():
    rng = np.random.default_rng(3)
    l_deg, b_deg = rng.uniform(0, 360, 50), np.degrees(np.arcsin(rng.uniform(-1, 1, 50)))
    vectors = unit_vector(l_deg, b_deg)
    reference = SkyCoord(l=l_deg, b=b_deg, unit="deg", frame="galactic").cartesian.xyz.value.T
    np.testing.assert_allclose(vectors, reference, atol=1e-12)
    back_l, back_b = direction_lonlat(3.7 * vectors)
    np.testing.assert_allclose(back_l, l_deg, atol=1e-9)
    np.testing.assert_allclose(back_b, b_deg, atol=1e-9)


def test_one_pulsar_alone_points_to_it_with_3d_over_2ct():
    table = pd.DataFrame([pulsar("A", 195.1, 4.3)])
    model = FluxModel(table, NO_LOSSES, PULSAR_SETTINGS)
    energy = np.geomspace(10, 1e3, 5)
    alone = model.pulsar_fluxes(energy, PARAMS, table).sum(axis=0)
    vectors = summed_dipole(model, PARAMS, table, energy, alone)
    travel = (3.0e5 - model.settings.release_kyr * 1e3) * YR_S
    np.testing.assert_allclose(
        np.linalg.norm(vectors, axis=1), 3 * 0.3 * KPC_CM / (2 * C_CM_S * travel), rtol=1e-4
    )
    l_deg, b_deg = direction_lonlat(vectors)
    np.testing.assert_allclose(l_deg, 195.1, atol=1e-9)
    np.testing.assert_allclose(b_deg, 4.3, atol=1e-9)


def test_opposite_twins_cancel_and_perpendicular_twins_add_in_quadrature():
    energy = np.geomspace(10, 1e3, 5)
    one = pd.DataFrame([pulsar("A", 30.0, 0.0)])
    single = FluxModel(one, NO_LOSSES, PULSAR_SETTINGS)
    flux = single.pulsar_fluxes(energy, PARAMS, one).sum(axis=0)
    delta_one = np.linalg.norm(summed_dipole(single, PARAMS, one, energy, 2 * flux), axis=1)
    opposite = pd.DataFrame([pulsar("A", 30.0, 0.0), pulsar("B", 210.0, 0.0)])
    model = FluxModel(opposite, NO_LOSSES, PULSAR_SETTINGS)
    vectors = summed_dipole(model, PARAMS, opposite, energy, 2 * flux)
    assert np.abs(vectors).max() < 1e-12 * delta_one.max()
    perpendicular = pd.DataFrame([pulsar("A", 30.0, 0.0), pulsar("C", 30.0, 90.0)])
    model = FluxModel(perpendicular, NO_LOSSES, PULSAR_SETTINGS)
    vectors = summed_dipole(model, PARAMS, perpendicular, energy, 2 * flux)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), np.sqrt(2) * delta_one, rtol=1e-9)
    _, b_deg = direction_lonlat(vectors)
    np.testing.assert_allclose(b_deg, 45.0, atol=1e-9)


def test_vela_alone_equals_the_vela_prediction():
    empty = pd.DataFrame([pulsar("A", 0.0, 0.0)]).iloc[:0]
    model = FluxModel(empty, MEDIUM, PULSAR_SETTINGS, VELA_SNR)
    energy = np.geomspace(100, 4000, 30)
    total = InterpolatedFlux(energy, 1e-4 * (energy / 100.0) ** -3.1)
    vectors = summed_dipole(model, PARAMS, empty, energy, total(energy))
    reference = vela_dipole(energy, total, model.vela, model.medium)
    np.testing.assert_allclose(
        np.linalg.norm(vectors, axis=1), reference["delta_analytic"], rtol=1e-12
    )
    reaching = reference["delta_analytic"].to_numpy() > 0
    l_deg, b_deg = direction_lonlat(vectors[reaching])
    np.testing.assert_allclose(l_deg, 263.55, atol=1e-9)
    np.testing.assert_allclose(b_deg, -2.79, atol=1e-9)


def test_integrated_vectors_keep_a_common_direction():
    energy = np.geomspace(10, 1e4, 300)
    total = energy**-3.0
    direction = unit_vector(263.55, -2.79)
    vectors = 0.05 * (energy / 1e3)[:, None] * direction
    summed = integral_dipole_vectors(energy, vectors * total[:, None], total, [100, 1000])
    np.testing.assert_allclose(summed / np.linalg.norm(summed, axis=1)[:, None], [direction] * 2)
    table = dipole_above(energy, vectors, total, [100, 1000])
    np.testing.assert_allclose(
        table["delta"],
        integral_dipole(energy, np.linalg.norm(vectors, axis=1) * total, total, [100, 1000]),
    )
    assert table["dipole_l_deg"].to_numpy() == pytest.approx([263.55] * 2)
