"""Rule simulate_observation: write a simulated period's raw orbit table and event list."""

import json

from calet_aniso.flux_tables import InterpolatedFlux, read_flux_table
from calet_aniso.ingest.time_system import TimeSystem
from calet_aniso.instrument.response import read_response
from calet_aniso.io.files import write_json
from calet_aniso.io.rule_log import rule_log
from calet_aniso.simulation.observation import (
    SimulationSettings,
    period_orbit,
    simulate_observation_files,
)
from calet_aniso.simulation.orbit import read_tle_file

with rule_log(snakemake.log[0], "simulate_observation", exit_when_done=True) as log:
    settings = SimulationSettings.from_config(snakemake.params.simulation)
    orbit = period_orbit(read_tle_file(snakemake.input.tle_file), settings)
    flux = InterpolatedFlux.from_table(read_flux_table(snakemake.input.flux_table))
    truth = simulate_observation_files(
        settings,
        orbit,
        TimeSystem.from_config(snakemake.params.simulation["time_system"]),
        read_response(snakemake.input.response),
        flux,
        (snakemake.output.orbit, snakemake.output.events),
    )
    log.info("simulated %d events", truth["written_events"])
    write_json(truth, snakemake.output.truth)
    log.info("truth: %s", json.dumps(truth, sort_keys=True))
