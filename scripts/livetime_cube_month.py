"""Rule livetime_cube_month: the partial live-time cube of one calendar month's intervals.

Imports stay light (numpy, pyarrow, healpix): a period has one such job per month."""

from calet_aniso.config.settings import ExposureSettings
from calet_aniso.exposure.livetime_cube import month_batches, partial_cube
from calet_aniso.io.rule_log import rule_log

with rule_log(snakemake.log[0], "livetime_cube_month", exit_when_done=True) as log:
    settings = ExposureSettings.from_config(snakemake.params.exposure)
    month = snakemake.wildcards.month
    report = snakemake.params.month  # the month's entry of the ingest report
    counted = []
    batches = month_batches(snakemake.input.orbit, (report["start"], report["stop"]), counted)
    cube = partial_cube(batches, settings.cube_nside, settings.roll_bin_deg)
    if sum(counted) != report["rows"]:  # the orbit table changed after the DAG was planned
        raise RuntimeError(
            f"{snakemake.input.orbit}: {sum(counted)} intervals in {month}, ingest reported "
            f"{report['rows']}: rerun the workflow"
        )
    meta = {"period": snakemake.params.period, "month": month, "rows": report["rows"]}
    cube.write(snakemake.output.cube, {**meta, "sha256": report["sha256"]})
    log.info("%s: %d intervals -> %d cells", month, report["rows"], len(cube.cells))
