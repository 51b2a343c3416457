"""Rule ingest: validate and normalise the period's raw files; write Parquet and a report."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent / "src"))  # also in conda/cluster jobs


from calet_aniso.config import time_system
from calet_aniso.ingest import ingest, write_ingest
from calet_aniso.runlog import rule_log

with rule_log(snakemake.log[0], "ingest") as log:
    settings = snakemake.params.ingest
    result = ingest(
        list(snakemake.input.orbit),
        list(snakemake.input.events),
        time_system({"time_system": snakemake.params.time_system}),
        min_energy_gev=float(settings["min_energy_gev"]),
        lb_tolerance_deg=float(settings["lb_tolerance_deg"]),
        period=snakemake.params.period,
    )
    write_ingest(result, snakemake.output.orbit, snakemake.output.events, snakemake.output.report)
    log.info(
        "ingested %d intervals, %d events (%d cut)",
        len(result.orbit),
        len(result.events),
        result.report["events"]["cuts"]["energy_below_min"],
    )
