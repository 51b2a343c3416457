"""Science of the analysis core on simulated skies: isotropy, dipole recovery, quadrupole.

80 days (more than one 72-day precession cycle of the ISS orbit) at 60 s cadence, events
above 30 GeV (~45 000), analysed exactly as the pipeline does: live-time cube, exposure at
the nodes, average exposure, eq. 3.1 weights, multipoles.
"""

import numpy as np
import pytest
from conftest import VELA, dipole, iss_orbit, small_settings
from scipy import stats

from calet_aniso.analysis.headline import analyse_sample
from calet_aniso.analysis.skymaps import event_exposure, event_pixels, sample_sky_maps
from calet_aniso.analysis.statistics import event_weights, exposure_mask, reference_exposure
from calet_aniso.exposure.average import average_exposure
from calet_aniso.exposure.livetime_cube import livetime_cube, orbit_batches
from calet_aniso.exposure.node_maps import NodeExposure
from calet_aniso.exposure.projection import exposure_from_cube
from calet_aniso.geometry.frames import angular_separation_deg, unit_vector
from calet_aniso.simulation.observation import simulate_observation

NSIDE = 32


@pytest.fixture(scope="module")
def skies(response, flux, time_system):
    out = {}
    nodes = None
    for name, amplitude in (("isotropic", 0.0), ("dipole", 0.1)):
        settings = small_settings(
            start_utc="2016-01-01T00:00:00",
            stop_utc="2016-03-21T00:00:00",
            cadence_s=60.0,
            min_energy_gev=30.0,
            seed=2024,
            dipole=dipole(amplitude),
        )
        orbit_table, events, _truth = simulate_observation(
            settings, iss_orbit(settings.start_utc), time_system, response, flux
        )
        if nodes is None:  # same live-time stream for both: same orbit table
            cube = livetime_cube(orbit_batches(orbit_table), 64, 2.0)
            nodes = NodeExposure(response.energies_gev, exposure_from_cube(cube, response, NSIDE))
        energy, gal_l, gal_b = (events[c].to_numpy() for c in ("energy", "l", "b"))
        maps = sample_sky_maps(nodes, response, energy, gal_l, gal_b, 0.0)
        weights = event_weights(
            reference_exposure(maps.average_exposure),
            event_exposure(nodes, response, energy, event_pixels(NSIDE, gal_l, gal_b)),
        )
        towards = {"vela": unit_vector(*VELA)}
        out[name] = (maps, weights, analyse_sample(30.0, maps.counts, maps.weighted, towards))
    return out


def dipole_sigma(weights):
    """Per-component standard error of the weighted dipole: √(3 Σw²) / Σw."""
    return np.sqrt(3.0 * np.sum(weights**2)) / np.sum(weights)


def test_average_exposure_is_mean_of_event_exposures(response):
    maps = np.vstack([np.full(12, k + 1.0) for k in range(len(response.energies_gev))])
    nodes = NodeExposure(response.energies_gev, maps)
    energies = response.energies_gev[[2, 5]]
    np.testing.assert_allclose(
        average_exposure(nodes, response, energies), np.full(12, 0.5 * (3 + 6))
    )


def test_isotropic_sky_dipole_within_isotropic_expectation(skies):
    _maps, weights, row = skies["isotropic"]
    sigma = dipole_sigma(weights)
    assert row["n_events"] > 30_000
    # δ/σ is Maxwell distributed (3 components): inside its 99.9 % quantile.
    assert row["delta"] / sigma < stats.maxwell.ppf(0.999), (row["delta"], sigma)
    assert row["delta_ul95"] > row["delta"]


def test_injected_vela_dipole_is_recovered(skies):
    _maps, weights, row = skies["dipole"]
    sigma = dipole_sigma(weights)
    assert 0.1 / sigma >= 10  # a ≥ 10σ signal
    assert abs(row["delta"] - 0.1) < 3 * sigma, (row["delta"], sigma)
    offset = angular_separation_deg(
        unit_vector(row["dipole_l_deg"], row["dipole_b_deg"]), unit_vector(*VELA)
    )
    # The component toward Vela is the injected amplitude.
    assert abs(row["delta_toward_vela"] - 0.1) < 3 * sigma, (row["delta_toward_vela"], sigma)
    # Transverse error σ per component: the angular offset σ/δ rad is Rayleigh distributed.
    assert offset < np.degrees(3.5 * sigma / 0.1), offset


def test_quadrupole_large_without_correction_normal_with_it(skies):
    _maps, weights, row = skies["isotropic"]
    # Shot noise of a weighted map: C_l / C_0 ≈ Σw² / (Σw)² for l ≥ 1.
    noise = np.sum(weights**2) / np.sum(weights) ** 2
    counts_noise = 1.0 / row["n_events"]
    corrected = row["c2"] / row["c0"] / noise
    uncorrected = row["c2_uncorrected"] / row["c0_uncorrected"] / counts_noise
    # C2 of isotropic noise is (χ²₅ / 5) × noise: inside its 99.9 % quantile when corrected.
    assert corrected < stats.chi2.ppf(0.999, 5) / 5, corrected
    assert uncorrected > 20, uncorrected
    # The octupole is not much affected by the correction (proceedings section 5).
    assert row["c3"] / row["c0"] / noise < stats.chi2.ppf(0.999, 7) / 7


def test_isotropic_sky_inside_the_monte_carlo_2_sigma_band(skies, response):
    """The measured δ, δ_UL, C2/C0 and C3/C0 of the isotropic sky lie inside the 2σ band of
    isotropic Monte Carlo skies with its own average exposure and event count."""
    import pandas as pd

    from calet_aniso.montecarlo.sampler import IsotropicSky, run_samples

    maps, _, measured = skies["isotropic"]
    sky = IsotropicSky.from_exposure(maps.average_exposure, measured["n_events"], 0.0)
    samples = pd.DataFrame(run_samples(sky, seed=1, threshold_index=30_000, first=0, count=2000))
    for name in ("delta", "delta_ul95", "c2_over_c0", "c3_over_c0", "c2_over_c0_uncorrected"):
        low, high = np.percentile(samples[name], [2.275, 97.725])
        assert low <= measured[name] <= high, (name, measured[name], low, high)
    # The exposure imprint: uncorrected C2/C0 far above the corrected band.
    assert measured["c2_over_c0_uncorrected"] > 5 * np.percentile(samples["c2_over_c0"], 97.725)


def test_exposure_mask_is_applied_alike_to_data_and_monte_carlo(response, flux, time_system):
    """3 days cover a band of sky with sharp edges. Unmasked, an event in a pixel of
    near-zero exposure gets an eq. 3.1 weight of hundreds; the 1 % mask drops such pixels
    from the data (weights then bounded by Ā / (0.01 max)) and from the Monte Carlo (no
    events there, mean count scaled to the exposure kept)."""
    from calet_aniso.montecarlo.sampler import IsotropicSky, counts_map

    settings = small_settings(
        start_utc="2016-03-01T00:00:00", stop_utc="2016-03-04T00:00:00", min_energy_gev=20.0, seed=3
    )
    orbit_table, events, _ = simulate_observation(
        settings, iss_orbit(settings.start_utc), time_system, response, flux
    )
    cube = livetime_cube(orbit_batches(orbit_table), 64, 2.0)
    nodes = NodeExposure(response.energies_gev, exposure_from_cube(cube, response, 16))
    data = [events[c].to_numpy() for c in ("energy", "l", "b")]
    unmasked = sample_sky_maps(nodes, response, *data, 0.0)
    masked = sample_sky_maps(nodes, response, *data, 0.01)
    keep = exposure_mask(masked.average_exposure, 0.01)
    assert (~keep).sum() > 100  # a 3-day band leaves much of the sky unexposed
    assert masked.counts[~keep].sum() == 0 and masked.weighted[~keep].sum() == 0
    assert masked.counts.sum() + masked.masked_events == len(events) == unmasked.counts.sum()

    def max_weight(maps):
        occupied = maps.counts > 0
        return (maps.weighted[occupied] / maps.counts[occupied]).max()

    bound = masked.average_exposure[keep].mean() / (0.01 * masked.average_exposure.max())
    assert max_weight(unmasked) > bound >= max_weight(masked)
    sky = IsotropicSky.from_exposure(masked.average_exposure, 1000.0, 0.01)
    kept_fraction = masked.average_exposure[keep].sum() / masked.average_exposure.sum()
    assert sky.ring_mean.sum() == pytest.approx(1000.0 * kept_fraction)
    total = sum(counts_map(sky, 1, 0, i) for i in range(50))
    assert total[~keep].sum() == 0 and total.sum() > 0
