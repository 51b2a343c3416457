"""Rule mc_shard: one shard of the isotropic Monte Carlo of one threshold."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent / "src"))  # also in conda/cluster jobs

import numba
import pandas as pd

from calet_aniso.config import threshold_key
from calet_aniso.healpix_io import read_maps
from calet_aniso.montecarlo import IsotropicSky, run_samples, shard_range
from calet_aniso.runlog import rule_log
from calet_aniso.tables import write_parquet

with rule_log(snakemake.log[0], "mc_shard") as log:
    numba.set_num_threads(max(1, min(snakemake.threads, numba.config.NUMBA_NUM_THREADS)))
    threshold = float(snakemake.wildcards.threshold)
    shard = int(snakemake.wildcards.shard)
    expected = pd.read_parquet(snakemake.input.expected).set_index("threshold_gev")
    mean_count = float(expected.loc[threshold, "mean_count"])
    maps, _ = read_maps(snakemake.input.average)
    sky = IsotropicSky.from_exposure(
        maps["average_exposure"], mean_count, snakemake.params.min_relative_exposure
    )
    first, count = shard_range(snakemake.params.samples, snakemake.params.shards, shard)
    columns = run_samples(sky, snakemake.params.seed, threshold_key(threshold), first, count)
    write_parquet(
        pd.DataFrame(columns),
        snakemake.output.samples,
        {"threshold_gev": threshold, "mean_count": sky.mean_count, "seed": snakemake.params.seed},
    )
    log.info(
        "threshold %g GeV, shard %d: samples %d..%d, mean count %.1f in the unmasked sky",
        threshold,
        shard,
        first,
        first + count - 1,
        sky.mean_count,
    )
