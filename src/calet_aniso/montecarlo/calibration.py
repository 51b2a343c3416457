"""Calibration of the isotropic Monte Carlo on simulated isotropic observations.

For independent simulated isotropic observations of ``days`` days (starts spread over the
72-day orbit-precession cycle), the measured δ above ``threshold_gev`` is placed in the
distribution of ``samples`` Monte Carlo skies built from the same exposure, through the
pipeline's own functions (data path: live-time cube, exposure, average exposure, sky maps,
statistics; Monte Carlo: ``IsotropicSky``). If the Monte Carlo is calibrated, the quantiles
q = P_MC(δ_MC < δ_data) are uniform on [0, 1]. The exposure is evaluated at the pixel centres
of the analysis Nside (oversample 1, what the pipeline does) or averaged over oversample²
sub-pixels (the pixel mean, which fixes a pixel's expected count).
"""

from __future__ import annotations

import dataclasses

import astropy.units as u
import healpy as hp
import numpy as np
from astropy.time import Time

from calet_aniso.analysis.headline import analyse_sample
from calet_aniso.analysis.skymaps import sample_sky_maps
from calet_aniso.exposure.average import average_exposure
from calet_aniso.exposure.livetime_cube import LivetimeCube, livetime_cube
from calet_aniso.exposure.node_maps import NodeExposure
from calet_aniso.exposure.projection import exposure_from_cube
from calet_aniso.flux_tables import InterpolatedFlux
from calet_aniso.ingest.contract import ATTITUDE_COLUMNS
from calet_aniso.ingest.time_system import TimeSystem
from calet_aniso.instrument.response import Response
from calet_aniso.montecarlo.random_streams import threshold_key
from calet_aniso.montecarlo.sampler import IsotropicSky, run_samples
from calet_aniso.simulation.observation import SimulationSettings, simulate_observation
from calet_aniso.simulation.orbit import CircularOrbit, nearest_tle


def pixel_mean_exposure(
    cube: LivetimeCube, response: Response, nside: int, oversample: int
) -> NodeExposure:
    """Exposure at the nodes (m² s) averaged over oversample² sub-pixels per pixel."""
    maps = exposure_from_cube(cube, response, nside * oversample)
    if oversample > 1:
        maps = np.stack([hp.ud_grade(m, nside, order_in="RING", power=0) for m in maps])
    return NodeExposure(response.energies_gev, maps)


def calibration_quantiles(
    response: Response,
    flux: InterpolatedFlux,
    tle_pairs: list[tuple[str, str]],
    simulation: SimulationSettings,
    time_system: TimeSystem,
    realisations: int,
    days: float = 3.0,
    threshold_gev: float = 20.0,
    nside: int = 16,
    samples: int = 1000,
    min_relative_exposure: float = 0.01,
    oversample: tuple[int, ...] = (1,),
    verbose: bool = False,
) -> dict[int, np.ndarray]:
    """Quantile of the measured δ among the Monte Carlo δ, per realisation, per oversample.

    ``simulation`` gives every simulation setting but the period, cadence (60 s), seed and
    lowest energy, which each realisation sets.
    """
    quantiles: dict[int, list[float]] = {k: [] for k in oversample}
    for r in range(realisations):
        start = Time("2016-03-01T00:00:00") + r * 7.3 * u.day
        settings = dataclasses.replace(
            simulation,
            start_utc=start.isot,
            stop_utc=(start + days * u.day).isot,
            cadence_s=60.0,
            seed=1000 + r,
            min_energy_gev=threshold_gev * 0.9,
        )
        orbit = CircularOrbit.from_tle(*nearest_tle(tle_pairs, start.jd))
        orbit_table, events, _ = simulate_observation(settings, orbit, time_system, response, flux)
        cube = livetime_cube([orbit_table[["livetime", *ATTITUDE_COLUMNS]]], 64, 2.0)
        sample = events[events["energy"] >= threshold_gev]
        energy, lon, lat = (sample[c].to_numpy() for c in ("energy", "l", "b"))
        for k in oversample:
            nodes = pixel_mean_exposure(cube, response, nside, k)
            data = sample_sky_maps(
                nodes, response, energy, lon, lat, min_relative_exposure, threshold_gev
            )
            measured = analyse_sample(threshold_gev, data.counts, data.weighted)
            sky = IsotropicSky.from_exposure(
                average_exposure(nodes, response, energy), float(len(sample)), min_relative_exposure
            )
            mc = run_samples(sky, 99 + r, threshold_key(threshold_gev), 0, samples)
            quantiles[k].append(float(np.mean(mc["delta"] < measured["delta"])))
        if verbose:
            print(
                f"realisation {r:3d}: {len(sample):6d} events; q = "
                + ", ".join(f"{quantiles[k][-1]:.3f} (x{k})" for k in oversample),
                flush=True,
            )
    return {k: np.array(v) for k, v in quantiles.items()}
