"""Rule ingest: validate and normalise the period's raw files; write Parquet and a report."""

from calet_aniso.config.settings import IngestSettings
from calet_aniso.ingest.normalise import ingest_to_files
from calet_aniso.ingest.time_system import TimeSystem
from calet_aniso.instrument.response import read_response
from calet_aniso.io.rule_log import rule_log

with rule_log(snakemake.log[0], "ingest", exit_when_done=True) as log:
    configured = snakemake.params.time_system
    result = ingest_to_files(
        list(snakemake.input.orbit),
        list(snakemake.input.events),
        TimeSystem.from_config(configured) if configured else None,
        IngestSettings.from_config(snakemake.params.ingest),
        (snakemake.output.orbit, snakemake.output.events, snakemake.output.report),
        attitude_at=snakemake.params.attitude_at,
        period=snakemake.params.period,
        response=read_response(snakemake.input.response),
    )
    cuts = result.report["events"]["cuts"]
    log.info(
        "ingested %d intervals, %d events in %s; events cut or dropped: %s",
        result.report["orbit"]["rows_out"],
        len(result.events),
        result.time_system.describe(),
        ", ".join(f"{n} {reason}" for reason, n in cuts.items()),
    )
    for info in result.report["events"]["files"]:
        if any(info["dropped"].values()):
            log.info("%s: dropped %s", info["path"], info["dropped"])
