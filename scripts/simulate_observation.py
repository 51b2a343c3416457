"""Rule simulate_observation: write a simulated period's raw orbit table and event list."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent / "src"))  # also in conda/cluster jobs


import json

from astropy.time import Time

from calet_aniso.config import simulation_settings, time_system
from calet_aniso.contracts import EVENT_COLUMNS, ORBIT_COLUMNS
from calet_aniso.orbit import CircularOrbit, nearest_tle, read_tle_file
from calet_aniso.response import read_response
from calet_aniso.runlog import rule_log
from calet_aniso.simulate import simulate_observation
from calet_aniso.spectrum import InterpolatedFlux, read_flux_table
from calet_aniso.tables import write_contract_table, write_json

with rule_log(snakemake.log[0], "simulate_observation") as log:
    cfg = {"simulation": snakemake.params.simulation, "time_system": snakemake.params.time_system}
    settings = simulation_settings(cfg)
    middle = Time(settings.start_utc, scale="utc") + 0.5 * (
        Time(settings.stop_utc, scale="utc") - Time(settings.start_utc, scale="utc")
    )
    orbit = CircularOrbit.from_tle(*nearest_tle(read_tle_file(snakemake.input.tle_file), middle.jd))
    flux = InterpolatedFlux.from_table(read_flux_table(snakemake.input.flux_table))
    orbit_table, events, truth = simulate_observation(
        settings, orbit, time_system(cfg), read_response(snakemake.input.response), flux
    )
    log.info("simulated %d intervals and %d events", len(orbit_table), len(events))
    write_contract_table(orbit_table, snakemake.output.orbit, ORBIT_COLUMNS, "orbit")
    write_contract_table(events, snakemake.output.events, EVENT_COLUMNS, "events")
    write_json(truth, snakemake.output.truth)
    log.info("truth: %s", json.dumps(truth, sort_keys=True))
