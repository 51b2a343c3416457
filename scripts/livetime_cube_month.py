"""Rule livetime_cube_month: the partial live-time cube of one calendar month's intervals."""

from calet_aniso.config.settings import ExposureSettings
from calet_aniso.exposure.livetime_cube import month_batches, partial_cube
from calet_aniso.io.rule_log import rule_log

with rule_log(snakemake.log[0], "livetime_cube_month") as log:
    settings = ExposureSettings.from_config(snakemake.params.exposure)
    month = snakemake.wildcards.month
    counted = []
    batches = month_batches(snakemake.input.orbit, month, counted)
    cube = partial_cube(batches, settings.cube_nside, settings.roll_bin_deg)
    expected = snakemake.params.month["rows"]
    if sum(counted) != expected:  # the orbit table changed after the DAG was planned
        raise RuntimeError(
            f"{snakemake.input.orbit}: {sum(counted)} intervals in {month}, ingest reported "
            f"{expected}: rerun the workflow"
        )
    meta = {"period": snakemake.params.period, "month": month, "rows": expected}
    cube.write(snakemake.output.cube, {**meta, "sha256": snakemake.params.month["sha256"]})
    log.info("%s: %d intervals -> %d cells", month, expected, len(cube.cells))
