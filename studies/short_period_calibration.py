#!/usr/bin/env python
"""Study: is the isotropic Monte Carlo calibrated for periods shorter than one precession cycle?

For independent simulated isotropic observations of ``--days`` days (starts spread over the
72-day orbit-precession cycle), the measured δ above ``--threshold`` is placed in the
distribution of ``--samples`` Monte Carlo skies built from the same exposure, with the
pipeline's own functions (no Snakemake). If the Monte Carlo is calibrated, the quantiles
q = P_MC(δ_MC < δ_data) are uniform on [0, 1]: the script prints their mean, the fraction
outside [0.025, 0.975] and the Kolmogorov–Smirnov p-value, for each exposure evaluation:
at the pixel centres of the analysis Nside (oversample 1, what the pipeline does) or averaged
over oversample² sub-pixels (the pixel mean, which fixes a pixel's expected count).

    python studies/short_period_calibration.py --realisations 100 --oversample 1 4
    python studies/short_period_calibration.py --realisations 100 --min-relative-exposure 0
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import healpy as hp
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from astropy import units as u  # noqa: E402
from astropy.time import Time  # noqa: E402
from scipy import stats  # noqa: E402

from calet_aniso.analysis.headline import analyse_sample  # noqa: E402
from calet_aniso.analysis.skymaps import average_exposure, sky_maps  # noqa: E402
from calet_aniso.config.checks import threshold_key  # noqa: E402
from calet_aniso.exposure.projection import exposure_from_cube  # noqa: E402
from calet_aniso.exposure.livetime_cube import ATTITUDE_COLUMNS, livetime_cube  # noqa: E402
from calet_aniso.flux_tables import InterpolatedFlux, read_flux_table  # noqa: E402
from calet_aniso.ingest.time_system import TimeSystem  # noqa: E402
from calet_aniso.instrument.response import read_response  # noqa: E402
from calet_aniso.montecarlo.sampler import IsotropicSky, run_samples  # noqa: E402
from calet_aniso.simulation.observation import SimulationSettings, simulate_observation  # noqa: E402
from calet_aniso.simulation.orbit import CircularOrbit, nearest_tle, read_tle_file  # noqa: E402

RESOURCES = REPO / "resources"


def pixel_mean_exposure(cube, response, nside: int, oversample: int) -> np.ndarray:
    """Exposure maps (n_nodes, npix), m² s, averaged over oversample² sub-pixels per pixel."""
    maps = exposure_from_cube(cube, response, nside * oversample)
    if oversample == 1:
        return maps
    return np.stack([hp.ud_grade(m, nside, order_in="RING", power=0) for m in maps])


def calibration_quantiles(
    realisations: int,
    days: float = 3.0,
    threshold_gev: float = 20.0,
    nside: int = 16,
    samples: int = 1000,
    min_relative_exposure: float = 0.01,
    oversample: tuple[int, ...] = (1,),
    verbose: bool = False,
) -> dict[int, np.ndarray]:
    """Quantile of the measured δ among the Monte Carlo δ, per realisation, per oversample."""
    response = read_response(RESOURCES / "response/calet_like_aeff.fits")
    flux = InterpolatedFlux.from_table(read_flux_table(RESOURCES / "fluxes/calet_2018_epm.csv"))
    tles = read_tle_file(RESOURCES / "orbit/iss_tle.txt")
    quantiles: dict[int, list[float]] = {k: [] for k in oversample}
    for r in range(realisations):
        start = Time("2016-03-01T00:00:00") + r * 7.3 * u.day
        settings = SimulationSettings(
            start_utc=start.isot,
            stop_utc=(start + days * u.day).isot,
            cadence_s=60.0,
            seed=1000 + r,
            min_energy_gev=threshold_gev * 0.9,
        )
        orbit = CircularOrbit.from_tle(*nearest_tle(tles, start.jd))
        orbit_table, events, _ = simulate_observation(settings, orbit, TimeSystem(), response, flux)
        cube = livetime_cube([orbit_table[["livetime", *ATTITUDE_COLUMNS]]])
        sample = events[events["energy"] >= threshold_gev]
        energy, lon, lat = (sample[c].to_numpy() for c in ("energy", "l", "b"))
        for k in oversample:
            maps = pixel_mean_exposure(cube, response, nside, k)
            data = sky_maps(
                maps, response, energy, lon, lat, min_relative_exposure=min_relative_exposure
            )
            measured = analyse_sample(threshold_gev, data.counts, data.weighted)
            sky = IsotropicSky.from_exposure(
                average_exposure(maps, response, energy), float(len(sample)), min_relative_exposure
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--realisations", type=int, default=100)
    parser.add_argument("--days", type=float, default=3.0)
    parser.add_argument("--threshold", type=float, default=20.0, help="GeV")
    parser.add_argument("--nside", type=int, default=16)
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--min-relative-exposure", type=float, default=0.01)
    parser.add_argument("--oversample", type=int, nargs="+", default=[1])
    args = parser.parse_args()
    started = time.perf_counter()
    quantiles = calibration_quantiles(
        args.realisations,
        args.days,
        args.threshold,
        args.nside,
        args.samples,
        args.min_relative_exposure,
        tuple(args.oversample),
        verbose=True,
    )
    print(
        f"{args.realisations} realisations of {args.days:g} d "
        f"in {time.perf_counter() - started:.0f} s"
    )
    for k, q in quantiles.items():
        print(
            f"oversample {k}: quantile mean {q.mean():.3f} (uniform: 0.5 ± "
            f"{np.sqrt(1 / 12 / len(q)):.3f}), outside [0.025, 0.975]: "
            f"{np.mean((q < 0.025) | (q > 0.975)):.2f} (uniform: 0.05), "
            f"KS p = {stats.kstest(q, 'uniform').pvalue:.3g}"
        )


if __name__ == "__main__":
    main()
