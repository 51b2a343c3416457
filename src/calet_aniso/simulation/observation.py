"""Simulated CALET observation: orbit/live-time table and event list in the contract formats.

The simulation stands in for the non-public flight data and goes through the same
ingest. Ingredients:

* orbit: ISS mean elements from the TLE nearest the period (``orbit``), local-vertical
  attitude (+z zenith, +x along the velocity); the attitude written for an interval is
  the one at its midpoint;
* live time: SAA gaps and latitude-dependent dead time (``livetime``);
* events: Poisson count with mean = ∫ flux(E) · acceptance(E) dE × total live time, for
  energies in [min_energy_gev, max_energy_gev]; energies from flux × acceptance; detector
  directions drawn from the response map at the event energy (exactly: from the mixture of
  the two bracketing energy nodes), uniformly within the chosen pixel; interval chosen
  with probability ∝ live time, time uniform in it; the sky direction uses the exact
  attitude at that time. An injected dipole I ∝ 1 + δ n·d is realised by thinning;
* energies are smeared by the relative energy resolution after everything else.

Random streams: one ``numpy.random.SeedSequence(seed)``, spawned into independent
children for live time and events, so the same configuration gives identical bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

import healpy as hp
import numpy as np
import pandas as pd
from astropy.time import Time

from calet_aniso.flux_tables import InterpolatedFlux
from calet_aniso.geometry.frames import (
    detector_angles,
    detector_to_icrs,
    icrs_to_galactic,
    lonlat,
    unit_vector,
)
from calet_aniso.ingest.time_system import TimeSystem
from calet_aniso.instrument.response import Response
from calet_aniso.simulation.livetime_model import LiveTimeModel
from calet_aniso.simulation.orbit import CircularOrbit, jd_utc, nearest_tle, subsatellite_point

#: Sub-pixel resolution for placing directions uniformly inside a response pixel.
SUBPIXEL_LEVELS = 5


@dataclass(frozen=True)
class Dipole:
    """Injected dipole: amplitude δ (I ∝ 1 + δ cos ψ) towards galactic (l, b) in degrees."""

    amplitude: float
    l_deg: float
    b_deg: float

    def icrs_vector(self) -> np.ndarray:
        """Unit vector of the dipole direction in ICRS."""
        from calet_aniso.geometry.frames import galactic_to_icrs

        ra, dec = galactic_to_icrs(np.array([self.l_deg]), np.array([self.b_deg]))
        return unit_vector(ra, dec)[0]


@dataclass(frozen=True)
class SimulationSettings:
    """What to simulate (times as ISO UTC strings, energies in GeV)."""

    start_utc: str
    stop_utc: str
    cadence_s: float
    seed: int
    min_energy_gev: float
    max_energy_gev: float
    energy_resolution: float
    dipole: Dipole
    livetime: LiveTimeModel
    attitude_at: str

    @classmethod
    def from_config(cls, sim: dict) -> SimulationSettings:
        """Settings from the validated ``simulation`` section of the configuration."""
        livetime = {k: float(v) for k, v in sim["livetime"].items()}
        return cls(
            start_utc=sim["start"],
            stop_utc=sim["stop"],
            cadence_s=float(sim["cadence_s"]),
            seed=int(sim["seed"]),
            min_energy_gev=float(sim["min_energy_gev"]),
            max_energy_gev=float(sim["max_energy_gev"]),
            energy_resolution=float(sim["energy_resolution"]),
            dipole=Dipole(**sim["dipole"]),
            livetime=LiveTimeModel(**livetime),
            attitude_at=sim["attitude_at"],
        )


def period_orbit(tle_pairs: list[tuple[str, str]], settings: SimulationSettings) -> CircularOrbit:
    """The ISS orbit from the element set nearest the middle of the simulated period."""
    start = Time(settings.start_utc, scale="utc")
    middle = start + 0.5 * (Time(settings.stop_utc, scale="utc") - start)
    return CircularOrbit.from_tle(*nearest_tle(tle_pairs, middle.jd))


def simulate_orbit_table(
    settings: SimulationSettings,
    orbit: CircularOrbit,
    time_system: TimeSystem,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Orbit/live-time table: contiguous intervals of ``cadence_s`` over the period, with the
    attitude, position and live-time model evaluated at each interval's start or midpoint
    (``settings.attitude_at``). The table's ``attrs`` say so, and its time system, so that
    written files state both."""
    t0 = time_system.to_seconds(settings.start_utc)
    t1 = time_system.to_seconds(settings.stop_utc)
    n = int(np.floor((t1 - t0) / settings.cadence_s + 1e-9))
    if n < 1:
        raise ValueError("simulation period shorter than one cadence")
    start = t0 + settings.cadence_s * np.arange(n)
    stop = start + settings.cadence_s
    knot = start if settings.attitude_at == "start" else 0.5 * (start + stop)
    knot_jd = jd_utc(time_system.to_time(knot))
    zenith, velocity = orbit.zenith_and_velocity(knot_jd)
    lat, lon = subsatellite_point(zenith, knot_jd)
    live = settings.livetime.live_fraction(lat, lon, rng) * (stop - start)
    ra_z, dec_z = lonlat(zenith)
    ra_x, dec_x = lonlat(velocity)
    table = pd.DataFrame(
        {
            "start": start,
            "stop": stop,
            "livetime": live,
            "ra_scz": ra_z,
            "dec_scz": dec_z,
            "ra_scx": ra_x,
            "dec_scx": dec_x,
            "lat_geo": lat,
            "lon_geo": lon,
            "alt_km": np.full(n, orbit.altitude_km),
        }
    )
    table.attrs = {"time_system": time_system, "attitude_at": settings.attitude_at}
    return table


def energy_grid(settings: SimulationSettings, n: int = 4000) -> np.ndarray:
    """Log-spaced energy grid (GeV) for integrating and sampling the spectrum."""
    return np.geomspace(settings.min_energy_gev, settings.max_energy_gev, n)


def expected_event_rate(
    flux: InterpolatedFlux, response: Response, energies: np.ndarray
) -> tuple[float, np.ndarray]:
    """Event rate per live second (1/s) and its cumulative distribution on ``energies``.

    rate = ∫ flux(E) · acceptance(E) dE, integrated with the trapezoid rule in ln E.
    """
    integrand = flux(energies) * response.acceptance_at(energies) * energies
    steps = 0.5 * (integrand[1:] + integrand[:-1]) * np.diff(np.log(energies))
    cumulative = np.concatenate([[0.0], np.cumsum(steps)])
    return float(cumulative[-1]), cumulative / cumulative[-1]


def sample_energies(
    energies: np.ndarray, cdf: np.ndarray, rng: np.random.Generator, n: int
) -> np.ndarray:
    """Energies (GeV) drawn by inverting the tabulated CDF (log-linear within a step)."""
    return np.exp(np.interp(rng.random(n), cdf, np.log(energies)))


def sample_detector_directions(
    response: Response, energies: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Detector-frame unit vectors (n, 3) drawn from A(E, ·) at each energy.

    A(E, ·) is the log-linear mixture of two node maps, so the node is chosen first with
    probability ∝ weight × node acceptance, then the pixel ∝ the node map, then a point
    uniformly inside the pixel (a random sub-pixel at Nside · 2^SUBPIXEL_LEVELS).
    """
    lower, upper_weight = response.node_weights(energies)
    acceptance = response.acceptance_m2sr()
    p_upper = upper_weight * acceptance[lower + 1]
    p_upper /= p_upper + (1.0 - upper_weight) * acceptance[lower]
    node = lower + (rng.random(len(energies)) < p_upper)
    pixels = np.empty(len(energies), dtype=np.int64)
    uniforms = rng.random(len(energies))
    for k in np.unique(node):
        chosen = node == k
        cdf = np.cumsum(response.aeff_m2[k])
        pixels[chosen] = np.searchsorted(cdf, uniforms[chosen] * cdf[-1], side="right")
    nside = response.nside
    nest = hp.ring2nest(nside, pixels)
    factor = 4**SUBPIXEL_LEVELS
    children = nest * factor + rng.integers(0, factor, size=len(nest))
    return np.stack(hp.pix2vec(nside * 2**SUBPIXEL_LEVELS, children, nest=True), axis=-1)


def simulate_events(
    settings: SimulationSettings,
    orbit_table: pd.DataFrame,
    orbit: CircularOrbit,
    time_system: TimeSystem,
    response: Response,
    flux: InterpolatedFlux,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, dict]:
    """Event list (time, energy, theta, phi, l, b) and a truth summary."""
    energies_grid = energy_grid(settings)
    rate, cdf = expected_event_rate(flux, response, energies_grid)
    live = orbit_table["livetime"].to_numpy()
    total_live = float(live.sum())
    expected = rate * total_live
    amplitude = settings.dipole.amplitude
    n_gen = rng.poisson(expected * (1.0 + amplitude))

    energy = sample_energies(energies_grid, cdf, rng, n_gen)
    v_det = sample_detector_directions(response, energy, rng)
    cum_live = np.cumsum(live)
    interval = np.searchsorted(cum_live, rng.random(n_gen) * cum_live[-1], side="right")
    start = orbit_table["start"].to_numpy()[interval]
    stop = orbit_table["stop"].to_numpy()[interval]
    times = start + rng.random(n_gen) * (stop - start)
    jd = jd_utc(time_system.to_time(times))
    zenith, velocity = orbit.zenith_and_velocity(jd)
    rotation = np.stack([velocity, np.cross(zenith, velocity), zenith], axis=-1)
    v_icrs = detector_to_icrs(rotation, v_det)

    accept_u = rng.random(n_gen)
    if amplitude > 0:
        cos_psi = v_icrs @ settings.dipole.icrs_vector()
        keep = accept_u < (1.0 + amplitude * cos_psi) / (1.0 + amplitude)
    else:
        keep = np.ones(n_gen, dtype=bool)
    smear = 1.0 + settings.energy_resolution * rng.standard_normal(n_gen)
    energy_rec = energy * np.clip(smear, 1e-3, None)

    theta, phi = detector_angles(v_det)
    ra, dec = lonlat(v_icrs)
    order = np.argsort(times[keep], kind="stable")
    gal_l, gal_b = icrs_to_galactic(ra[keep][order], dec[keep][order])
    events = pd.DataFrame(
        {
            "time": times[keep][order],
            "energy": energy_rec[keep][order],
            "theta": theta[keep][order],
            "phi": phi[keep][order],
            "l": gal_l,
            "b": gal_b,
        }
    )
    events.attrs = {"time_system": time_system}
    truth = {
        "rate_per_live_s": rate,
        "total_livetime_s": total_live,
        "expected_isotropic_events": expected,
        "generated_events": int(n_gen),
        "written_events": len(events),
        "dipole": {
            "amplitude": amplitude,
            "l_deg": settings.dipole.l_deg,
            "b_deg": settings.dipole.b_deg,
        },
    }
    return events, truth


def simulate_observation(
    settings: SimulationSettings,
    orbit: CircularOrbit,
    time_system: TimeSystem,
    response: Response,
    flux: InterpolatedFlux,
) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Orbit table, event list and truth summary for one simulated period."""
    live_seed, event_seed = np.random.SeedSequence(settings.seed).spawn(2)
    orbit_table = simulate_orbit_table(
        settings, orbit, time_system, np.random.default_rng(live_seed)
    )
    events, truth = simulate_events(
        settings, orbit_table, orbit, time_system, response, flux, np.random.default_rng(event_seed)
    )
    truth["orbit"] = {
        "inclination_deg": float(np.degrees(orbit.inclination_rad)),
        "nodal_period_min": orbit.nodal_period_s / 60.0,
        "node_rate_deg_per_day": float(np.degrees(orbit.raan_rate) * 86400.0),
        "altitude_km": orbit.altitude_km,
        "tle_epoch_utc": Time(orbit.epoch_jd_utc, format="jd", scale="utc").isot,
        "livetime_fraction": truth["total_livetime_s"]
        / float((orbit_table["stop"] - orbit_table["start"]).sum()),
    }
    return orbit_table, events, truth
