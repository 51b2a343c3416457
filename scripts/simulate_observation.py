"""Rule simulate_observation: write a simulated period's raw orbit table and event list."""

import json

from calet_aniso.flux_tables import InterpolatedFlux, read_flux_table
from calet_aniso.ingest.contract import EVENT_COLUMNS, ORBIT_COLUMNS
from calet_aniso.ingest.time_system import TimeSystem
from calet_aniso.instrument.response import read_response
from calet_aniso.io.contract_tables import write_contract_table
from calet_aniso.io.files import write_json
from calet_aniso.io.rule_log import rule_log
from calet_aniso.simulation.observation import (
    SimulationSettings,
    period_orbit,
    simulate_observation,
)
from calet_aniso.simulation.orbit import read_tle_file

with rule_log(snakemake.log[0], "simulate_observation") as log:
    settings = SimulationSettings.from_config(snakemake.params.simulation)
    orbit = period_orbit(read_tle_file(snakemake.input.tle_file), settings)
    flux = InterpolatedFlux.from_table(read_flux_table(snakemake.input.flux_table))
    orbit_table, events, truth = simulate_observation(
        settings,
        orbit,
        TimeSystem.from_config(snakemake.params.simulation["time_system"]),
        read_response(snakemake.input.response),
        flux,
    )
    log.info("simulated %d intervals and %d events", len(orbit_table), len(events))
    write_contract_table(orbit_table, snakemake.output.orbit, ORBIT_COLUMNS, "orbit")
    write_contract_table(events, snakemake.output.events, EVENT_COLUMNS, "events")
    write_json(truth, snakemake.output.truth)
    log.info("truth: %s", json.dumps(truth, sort_keys=True))
