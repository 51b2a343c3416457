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

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import healpix
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
from calet_aniso.geometry.healpix_grid import pix2vec
from calet_aniso.ingest.contract import EVENT_COLUMNS, ORBIT_COLUMNS
from calet_aniso.ingest.time_system import TimeSystem
from calet_aniso.instrument.response import Response
from calet_aniso.io.contract_tables import (
    CHUNK_ROWS,
    contract_table_writer,
    open_raw_table,
    write_contract_table,
)
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


def orbit_intervals(settings: SimulationSettings, time_system: TimeSystem) -> tuple[float, int]:
    """Start (s) and number of the period's contiguous ``cadence_s`` intervals."""
    t0 = time_system.to_seconds(settings.start_utc)
    t1 = time_system.to_seconds(settings.stop_utc)
    n = int(np.floor((t1 - t0) / settings.cadence_s + 1e-9))
    if n < 1:
        raise ValueError("simulation period shorter than one cadence")
    return t0, n


def simulate_orbit_chunks(
    settings: SimulationSettings,
    orbit: CircularOrbit,
    time_system: TimeSystem,
    rng: np.random.Generator,
    chunk_rows: int = CHUNK_ROWS,
) -> Iterator[pd.DataFrame]:
    """The orbit/live-time table, ``chunk_rows`` intervals at a time: contiguous intervals
    of ``cadence_s`` over the period, with the attitude, position and live-time model
    evaluated at each interval's start or midpoint (``settings.attitude_at``). Every row is
    computed on its own and the live-time draws follow one another in ``rng``, so the rows
    are the same whatever ``chunk_rows``. Each chunk's ``attrs`` state the time system and
    the attitude convention, so that written files state both."""
    t0, n = orbit_intervals(settings, time_system)
    for begin in range(0, n, chunk_rows):
        start = t0 + settings.cadence_s * np.arange(begin, min(n, begin + chunk_rows))
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
                "alt_km": np.full(len(start), orbit.altitude_km),
            },
            copy=False,  # columns kept as they are: stacking them took 0.1 s per 2²⁰ rows
        )
        table.attrs = {"time_system": time_system, "attitude_at": settings.attitude_at}
        yield table


def simulate_orbit_table(
    settings: SimulationSettings,
    orbit: CircularOrbit,
    time_system: TimeSystem,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """The whole orbit/live-time table in memory (see :func:`simulate_orbit_chunks`)."""
    chunks = list(simulate_orbit_chunks(settings, orbit, time_system, rng))
    table = chunks[0] if len(chunks) == 1 else pd.concat(chunks, ignore_index=True)
    table.attrs = chunks[0].attrs
    return table


#: The orbit table's (start, stop, live time) arrays, chunk by chunk, from its beginning each
#: time it is called: events are drawn in two passes over it.
Intervals = Callable[[], Iterable[tuple[np.ndarray, np.ndarray, np.ndarray]]]


def _cumulative(intervals: Intervals) -> tuple[float, float, float]:
    """Live time (s, summed chunk by chunk), its running sum's last value (s, the running sum
    of the whole table, bit for bit) and the covered duration (s)."""
    total = running = duration = 0.0
    for start, stop, live in intervals():
        total += float(live.sum())
        running = float(np.cumsum(np.concatenate([[running], live]))[-1])
        duration += float((stop - start).sum())
    return total, running, duration


def _draw_intervals(intervals: Intervals, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each target t ∈ [0, total live), the interval where the running sum of live time
    first exceeds t: its start and stop (s) — as one ``searchsorted`` on the whole table's
    running sum would give."""
    order = np.argsort(targets, kind="stable")
    ordered = targets[order]
    start_of, stop_of = np.empty(len(targets)), np.empty(len(targets))
    running, done = 0.0, 0
    for start, stop, live in intervals():
        cumulative = np.cumsum(np.concatenate([[running], live]))[1:]
        end = np.searchsorted(ordered, cumulative[-1], side="left")
        ids = order[done:end]
        local = np.searchsorted(cumulative, targets[ids], side="right")
        start_of[ids], stop_of[ids] = start[local], stop[local]
        done, running = end, cumulative[-1]
    return start_of, stop_of


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
    nest = healpix.ring2nest(nside, pixels)
    factor = 4**SUBPIXEL_LEVELS
    children = nest * factor + rng.integers(0, factor, size=len(nest))
    return np.stack(pix2vec(nside * 2**SUBPIXEL_LEVELS, children, nest=True), axis=-1)


def simulate_events(
    settings: SimulationSettings,
    intervals: Intervals,
    orbit: CircularOrbit,
    time_system: TimeSystem,
    response: Response,
    flux: InterpolatedFlux,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, dict]:
    """Event list (time, energy, theta, phi, l, b) and a truth summary; ``intervals`` gives
    the orbit table chunk by chunk (two passes)."""
    energies_grid = energy_grid(settings)
    rate, cdf = expected_event_rate(flux, response, energies_grid)
    total_live, running_live, duration = _cumulative(intervals)
    expected = rate * total_live
    amplitude = settings.dipole.amplitude
    n_gen = rng.poisson(expected * (1.0 + amplitude))

    energy = sample_energies(energies_grid, cdf, rng, n_gen)
    v_det = sample_detector_directions(response, energy, rng)
    start, stop = _draw_intervals(intervals, rng.random(n_gen) * running_live)
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
        "orbit": {"livetime_fraction": total_live / duration},
    }
    return events, truth


def _orbit_truth(orbit: CircularOrbit) -> dict:
    """What the truth summary says of the orbit model."""
    return {
        "inclination_deg": float(np.degrees(orbit.inclination_rad)),
        "nodal_period_min": orbit.nodal_period_s / 60.0,
        "node_rate_deg_per_day": float(np.degrees(orbit.raan_rate) * 86400.0),
        "altitude_km": orbit.altitude_km,
        "tle_epoch_utc": Time(orbit.epoch_jd_utc, format="jd", scale="utc").isot,
    }


def simulate_observation(
    settings: SimulationSettings,
    orbit: CircularOrbit,
    time_system: TimeSystem,
    response: Response,
    flux: InterpolatedFlux,
) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Orbit table, event list and truth summary for one simulated period, in memory."""
    live_seed, event_seed = np.random.SeedSequence(settings.seed).spawn(2)
    table = simulate_orbit_table(settings, orbit, time_system, np.random.default_rng(live_seed))
    arrays = tuple(table[c].to_numpy() for c in ("start", "stop", "livetime"))
    rng = np.random.default_rng(event_seed)
    events, truth = simulate_events(
        settings, lambda: [arrays], orbit, time_system, response, flux, rng
    )
    truth["orbit"].update(_orbit_truth(orbit))
    return table, events, truth


def simulate_observation_files(
    settings: SimulationSettings,
    orbit: CircularOrbit,
    time_system: TimeSystem,
    response: Response,
    flux: InterpolatedFlux,
    paths: tuple[str | Path, str | Path],
    chunk_rows: int = CHUNK_ROWS,
) -> dict:
    """Write one simulated period's raw orbit table and event list to ``paths`` (in the
    formats their names say) and return the truth summary. The orbit table is written
    ``chunk_rows`` rows at a time and read back for the events' draw, so memory stays
    bounded whatever the period; the files equal those of :func:`simulate_observation`'s
    tables written whole."""
    orbit_path, events_path = paths
    live_seed, event_seed = np.random.SeedSequence(settings.seed).spawn(2)
    n = orbit_intervals(settings, time_system)[1]
    attrs = {"time_system": time_system, "attitude_at": settings.attitude_at}
    with contract_table_writer(orbit_path, ORBIT_COLUMNS, "orbit", attrs, n) as writer:
        rng = np.random.default_rng(live_seed)
        for chunk in simulate_orbit_chunks(settings, orbit, time_system, rng, chunk_rows):
            writer.write(chunk)

    timing = ("start", "stop", "livetime")
    timing_columns = tuple(c for c in ORBIT_COLUMNS if c.name in timing)  # read only those

    def intervals():
        for chunk in open_raw_table(orbit_path, timing_columns).chunks(chunk_rows):
            yield tuple(chunk.frame[c].to_numpy() for c in timing)

    rng = np.random.default_rng(event_seed)
    events, truth = simulate_events(settings, intervals, orbit, time_system, response, flux, rng)
    write_contract_table(events, events_path, EVENT_COLUMNS, "events")
    truth["orbit"].update(_orbit_truth(orbit))
    return truth
