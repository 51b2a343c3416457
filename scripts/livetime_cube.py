"""Rule livetime_cube: bin the orbit table's live time by attitude (boresight × roll)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent / "src"))  # also in conda/cluster jobs

import pyarrow.parquet as pq

from calet_aniso.exposure import ATTITUDE_COLUMNS, livetime_cube
from calet_aniso.runlog import rule_log
from calet_aniso.tables import write_parquet

with rule_log(snakemake.log[0], "livetime_cube") as log:
    orbit = pq.ParquetFile(snakemake.input.orbit)
    batches = (
        b.to_pandas()
        for b in orbit.iter_batches(batch_size=1_000_000, columns=["livetime", *ATTITUDE_COLUMNS])
    )
    cube = livetime_cube(batches, snakemake.params.cube_nside, snakemake.params.roll_bin_deg)
    meta = {"cube_nside": cube.cube_nside, "roll_bin_deg": cube.roll_bin_deg, "frame": "galactic"}
    write_parquet(cube.to_frame(), snakemake.output.cube, meta)
    log.info(
        "%d intervals -> %d cells, live time %.6g s",
        orbit.metadata.num_rows,
        len(cube.livetime_s),
        cube.livetime_s.sum(),
    )
