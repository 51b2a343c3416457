"""Rule ingest: validate and normalise the period's raw files; write Parquet and a report."""

from calet_aniso.config.settings import IngestSettings
from calet_aniso.ingest.normalise import ingest, write_ingest
from calet_aniso.ingest.time_system import TimeSystem
from calet_aniso.io.rule_log import rule_log

with rule_log(snakemake.log[0], "ingest") as log:
    settings = IngestSettings.from_config(snakemake.params.ingest)
    result = ingest(
        list(snakemake.input.orbit),
        list(snakemake.input.events),
        TimeSystem.from_config(snakemake.params.time_system),
        min_energy_gev=float(settings.min_energy_gev),
        lb_tolerance_deg=float(settings.lb_tolerance_deg),
        period=snakemake.params.period,
    )
    write_ingest(result, snakemake.output.orbit, snakemake.output.events, snakemake.output.report)
    log.info(
        "ingested %d intervals, %d events (%d cut)",
        len(result.orbit),
        len(result.events),
        result.report["events"]["cuts"]["energy_below_min"],
    )
