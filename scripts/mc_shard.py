"""Rule mc_shard: one shard of the isotropic Monte Carlo of one threshold."""

import numba

from calet_aniso.analysis.statistics import direction_vectors
from calet_aniso.exposure.average import AverageExposure
from calet_aniso.io.progress import Progress
from calet_aniso.io.rule_log import rule_log
from calet_aniso.montecarlo.expected_counts import mean_count
from calet_aniso.montecarlo.random_streams import threshold_key
from calet_aniso.montecarlo.sampler import IsotropicSky, run_samples_in_blocks, shard_range
from calet_aniso.montecarlo.samples import write_samples

with rule_log(snakemake.log[0], "mc_shard") as log:
    numba.set_num_threads(max(1, min(snakemake.threads, numba.config.NUMBA_NUM_THREADS)))
    params = snakemake.params
    shard = int(snakemake.wildcards.shard)
    average = AverageExposure.read(snakemake.input.average)
    threshold = average.threshold_gev
    sky = IsotropicSky.from_exposure(
        average.exposure_m2s,
        mean_count(snakemake.input.expected, threshold),
        snakemake.params.min_relative_exposure,
    )
    first, count = shard_range(params.samples, params.shards, shard)
    directions = direction_vectors(params.directions)
    progress = Progress(log, f"Monte Carlo {threshold:g} GeV, shard {shard}", count, "samples")
    columns = run_samples_in_blocks(
        sky, params.seed, threshold_key(threshold), first, count, directions, progress=progress
    )
    write_samples(columns, snakemake.output.samples, threshold, sky.mean_count, params.seed)
    log.info(
        "threshold %g GeV, shard %d: samples %d..%d, mean count %.1f in the unmasked sky "
        "(drawing %s)",
        threshold,
        shard,
        first,
        first + count - 1,
        sky.mean_count,
        "every event" if sky.method == "events" else "each pixel's count",
    )
