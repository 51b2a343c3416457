"""Multipole estimator (harmonics + statistics) against healpy.anafast; dipole amplitude and
direction; the statistics of a stack equal those of each map."""

import healpy as hp
import numpy as np
import pytest

from calet_aniso.analysis.harmonics import alm_real
from calet_aniso.analysis.statistics import angular_power as power_of_alm
from calet_aniso.analysis.statistics import dipole_amplitude, dipole_direction
from calet_aniso.geometry.frames import unit_vector


def angular_power(maps):
    """C_l of a map or a stack of maps through the package's two steps."""
    return power_of_alm(alm_real(maps))


@pytest.mark.parametrize("nside", [8, 64])
def test_equals_anafast_lmax3_iter0(rng, nside):
    maps = [
        rng.poisson(3.0, hp.nside2npix(nside)).astype(float),
        rng.normal(size=hp.nside2npix(nside)),
    ]
    for m in maps:
        expected = hp.anafast(m, lmax=3, iter=0)
        np.testing.assert_allclose(angular_power(m), expected, rtol=1e-10, atol=0)
    stacked = angular_power(np.array(maps))
    np.testing.assert_allclose(stacked[1], hp.anafast(maps[1], lmax=3, iter=0), rtol=1e-10)


def test_pure_dipole_amplitude_and_direction():
    nside = 64
    vec = np.stack(hp.pix2vec(nside, np.arange(hp.nside2npix(nside))), axis=-1)
    d = unit_vector(263.55, -2.79)
    sky = 1.0 + 0.1 * vec @ d
    cl = angular_power(sky)
    assert dipole_amplitude(cl) == pytest.approx(0.1, rel=1e-4)
    lon, lat = dipole_direction(alm_real(sky))
    assert lon == pytest.approx(263.55, abs=0.01) and lat == pytest.approx(-2.79, abs=0.01)
    # healpy's own dipole fit agrees on the direction.
    _, dip = hp.fit_dipole(sky)
    hp_lon, hp_lat = hp.vec2ang(dip / np.linalg.norm(dip), lonlat=True)
    assert hp_lon[0] == pytest.approx(lon, abs=0.01) and hp_lat[0] == pytest.approx(lat, abs=0.01)


def test_single_direction_gives_delta_three():
    """All events in one direction: δ = 3 in the continuum limit (proceedings section 2)."""
    sky = np.zeros(hp.nside2npix(64))
    sky[1000] = 1.0
    assert dipole_amplitude(angular_power(sky)) == pytest.approx(3.0, rel=1e-9)


def test_sky_statistics_of_a_stack_equal_each_maps(rng):
    """One function for one map and for a stack (the Monte Carlo's a_lm stacks)."""
    from calet_aniso.analysis.statistics import STATISTIC_COLUMNS, sky_statistics

    maps = rng.poisson(5.0, (3, hp.nside2npix(8))).astype(float)
    maps[2] = 0.0  # an empty sky: C0 = 0, δ and direction undefined
    alm = alm_real(maps)
    stacked = sky_statistics(alm, "_x")
    assert list(stacked) == [f"{name}_x" for name in STATISTIC_COLUMNS]
    for i in range(len(maps)):
        single = sky_statistics(alm[i], "_x")
        for key, value in single.items():
            np.testing.assert_array_equal(stacked[key][i], value)
    assert np.isnan(stacked["delta_x"][2]) and np.isnan(stacked["dipole_l_deg_x"][2])
    cl = angular_power(maps[0])
    assert stacked["c2_over_c0_x"][0] == pytest.approx(cl[2] / cl[0], rel=1e-12)


def test_dipole_component_toward_a_direction():
    """A pure dipole 1 + 0.1 d̂·n̂: the component toward d̂ is 0.1, toward a perpendicular
    direction 0, and the vector's length is δ (eq. 2.1)."""
    from calet_aniso.analysis.statistics import dipole_toward, dipole_vector, sky_statistics

    nside = 32
    vec = np.stack(hp.pix2vec(nside, np.arange(hp.nside2npix(nside))), axis=-1)
    d = unit_vector(263.55, -2.79)
    alm = alm_real(1.0 + 0.1 * vec @ d)
    perpendicular = np.cross(d, [0.0, 0.0, 1.0])
    perpendicular /= np.linalg.norm(perpendicular)
    got = dipole_toward(alm, {"vela": d, "side": perpendicular})
    assert got["delta_toward_vela"] == pytest.approx(0.1, rel=1e-3)
    assert abs(got["delta_toward_side"]) < 1e-4
    assert np.linalg.norm(dipole_vector(alm)) == pytest.approx(
        float(sky_statistics(alm)["delta"]), rel=1e-12
    )


def test_toward_summary_against_a_gaussian(rng):
    """Isotropic components N(0, σ): the limit is the measured value + 1.645 σ, the p-value
    the upper-tail fraction."""
    from calet_aniso.analysis.statistics import toward_summary

    isotropic = rng.normal(0.0, 0.02, 200_000)
    summary = toward_summary(0.01, isotropic)
    assert summary["sigma"] == pytest.approx(0.02, rel=0.01)
    assert summary["ul95"] == pytest.approx(0.01 + 1.645 * 0.02, abs=0.002)
    assert summary["pvalue"] == pytest.approx(0.3085, abs=0.003)  # P(Z ≥ 0.5)
    assert toward_summary(5.0, np.array([0.0, 1.0, 2.0]))["pvalue"] == 0.25  # (0 + 1)/(3 + 1)


def test_significance_is_scipy_norm_isf_bit_for_bit():
    from scipy.stats import norm

    from calet_aniso.analysis.statistics import significance_sigma

    edges = [0.0, 1.0, 0.5, 1 / 20_001, 20_000 / 20_001, 1e-300, 5e-324, 1 - 1e-16, 2.0, -1.0]
    pvalues = np.concatenate([edges, np.random.default_rng(3).uniform(0, 1, 100_000)])
    ours, theirs = significance_sigma(pvalues), norm.isf(pvalues)
    np.testing.assert_array_equal(ours, theirs)  # NaN where theirs is NaN
    assert np.array_equal(np.signbit(ours), np.signbit(theirs))  # +0 at p = 1/2, as scipy
