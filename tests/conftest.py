"""Shared fixtures: the shipped response and flux, and small simulated observations."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from astropy.time import Time

from calet_aniso.comparison_model.configuration import propagation, pulsar_settings, vela_snr
from calet_aniso.config.schema import default_config
from calet_aniso.config.settings import IngestSettings
from calet_aniso.flux_tables import InterpolatedFlux, read_flux_table
from calet_aniso.ingest.time_system import TimeSystem
from calet_aniso.instrument.response import read_response
from calet_aniso.simulation.observation import Dipole, SimulationSettings, simulate_observation
from calet_aniso.simulation.orbit import CircularOrbit, nearest_tle, read_tle_file

REPO = Path(__file__).resolve().parents[1]
RESOURCES = REPO / "resources"
#: The schema's defaults, the one place defaults live (tests run from the repository root).
DEFAULTS = default_config()
#: The default comparison model's medium (eq. 4.1 diffusion, Thomson losses) and Vela SNR.
MEDIUM = propagation(DEFAULTS["model"])
VELA_SNR = vela_snr(DEFAULTS["model"])
PULSAR_SETTINGS = pulsar_settings(DEFAULTS["model"])
VELA = (VELA_SNR.l_deg, VELA_SNR.b_deg)
#: Ingest settings of the small observations: events from 30 GeV, the default checks.
INGEST_30 = IngestSettings.from_config({**DEFAULTS["ingest"], "min_energy_gev": 30.0})


def dipole(amplitude: float, l_deg: float = VELA[0], b_deg: float = VELA[1]) -> Dipole:
    """An injected dipole, towards Vela unless told otherwise."""
    return Dipole(amplitude=amplitude, l_deg=l_deg, b_deg=b_deg)


@pytest.fixture(scope="session")
def response():
    return read_response(RESOURCES / "response/calet_like_aeff.fits")


@pytest.fixture(scope="session")
def flux():
    return InterpolatedFlux.from_table(read_flux_table(RESOURCES / "fluxes/calet_2018_epm.csv"))


@pytest.fixture(scope="session")
def time_system():
    return TimeSystem.from_config(DEFAULTS["simulation"]["time_system"])


def iss_orbit(start_utc: str) -> CircularOrbit:
    """The ISS orbit from the shipped elements nearest ``start_utc``."""
    pairs = read_tle_file(RESOURCES / "orbit/iss_tle.txt")
    return CircularOrbit.from_tle(*nearest_tle(pairs, Time(start_utc).jd))


def small_settings(**overrides) -> SimulationSettings:
    """Two days at 60 s cadence, events above 30 GeV (about 4 000 events); other settings
    are the schema's defaults."""
    base = SimulationSettings.from_config(DEFAULTS["simulation"])
    small = dict(
        start_utc="2016-03-01T00:00:00",
        stop_utc="2016-03-03T00:00:00",
        cadence_s=60.0,
        seed=7,
        min_energy_gev=30.0,
        max_energy_gev=20_000.0,
    )
    return dataclasses.replace(base, **{**small, **overrides})


@pytest.fixture(scope="session")
def small_observation(response, flux, time_system):
    """(orbit table, events, truth, orbit model) of a small isotropic simulation."""
    settings = small_settings()
    orbit = iss_orbit(settings.start_utc)
    return (*simulate_observation(settings, orbit, time_system, response, flux), orbit)


@pytest.fixture(scope="session")
def month_observations(response, flux, time_system):
    """Isotropic and dipole (δ = 0.3 towards Vela) simulations of 20 days above 20 GeV."""
    out = {}
    for name, amplitude in (("isotropic", 0.0), ("dipole", 0.3)):
        settings = small_settings(
            start_utc="2017-01-01T00:00:00",
            stop_utc="2017-01-21T00:00:00",
            min_energy_gev=20.0,
            seed=11,
            dipole=dipole(amplitude),
        )
        orbit = iss_orbit(settings.start_utc)
        out[name] = (*simulate_observation(settings, orbit, time_system, response, flux), orbit)
    return out


def sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


@pytest.fixture(scope="session")
def small_run():
    """The small test config run locally (``--cores 2``) once per session: the workflow
    tests read it, the cluster tests compare their runs with it."""
    from workflow_runs import SMALL, clean, snakemake

    clean("test_small")
    snakemake("--configfile", str(SMALL))
    yield REPO / "results/test_small"
    clean("test_small")
