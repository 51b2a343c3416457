"""Rule livetime_cube: bin the orbit table's live time by attitude (boresight × roll)."""

import pyarrow.parquet as pq

from calet_aniso.config.settings import ExposureSettings
from calet_aniso.exposure.livetime_cube import livetime_cube
from calet_aniso.ingest.contract import ATTITUDE_COLUMNS
from calet_aniso.io.rule_log import rule_log

with rule_log(snakemake.log[0], "livetime_cube") as log:
    orbit = pq.ParquetFile(snakemake.input.orbit)
    batches = (
        b.to_pandas()
        for b in orbit.iter_batches(batch_size=1_000_000, columns=["livetime", *ATTITUDE_COLUMNS])
    )
    settings = ExposureSettings.from_config(snakemake.params.exposure)
    cube = livetime_cube(
        batches, settings.cube_nside, settings.roll_bin_deg, snakemake.params.period
    )
    cube.write(snakemake.output.cube)
    log.info(
        "%d intervals -> %d cells, live time %.6g s",
        orbit.metadata.num_rows,
        len(cube.livetime_s),
        cube.livetime_s.sum(),
    )
