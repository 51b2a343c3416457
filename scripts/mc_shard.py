"""Rule mc_shard: one shard of the nested isotropic Monte Carlo of every energy selection."""

import numba
import pandas as pd

from calet_aniso.analysis.statistics import direction_vectors
from calet_aniso.config.energy_selections import elementary_bins
from calet_aniso.exposure.average import AverageExposure
from calet_aniso.exposure.node_maps import NodeExposure
from calet_aniso.instrument.response import read_response
from calet_aniso.io.progress import Progress
from calet_aniso.io.rule_log import rule_log
from calet_aniso.montecarlo.expected_counts import mean_count
from calet_aniso.montecarlo.nested_skies import NESTED_STREAM, nested_sky
from calet_aniso.montecarlo.sampler import run_nested_in_blocks, shard_range
from calet_aniso.montecarlo.samples import write_shard

with rule_log(snakemake.log[0], "mc_shard", exit_when_done=True) as log:
    numba.set_num_threads(max(1, min(snakemake.threads, numba.config.NUMBA_NUM_THREADS)))
    params = snakemake.params
    shard = int(snakemake.wildcards.shard)
    selections = list(params.selections)
    averages = [AverageExposure.read(p) for p in snakemake.input.averages]
    for selection, average in zip(selections, averages, strict=True):
        if average.selection != selection:
            raise ValueError(f"average exposure of {average.selection} given for {selection}")
    response = read_response(snakemake.input.response)
    energy = pd.read_parquet(snakemake.input.events, columns=["energy"])["energy"].to_numpy()
    pieces = elementary_bins(selections).bins
    sky = nested_sky(
        selections,
        [a.exposure_m2s for a in averages],
        NodeExposure.read(snakemake.input.maps, response),
        response,
        energy,
        [mean_count(snakemake.input.expected, p, role="elementary") for p in pieces],
        params.min_relative_exposure,
    )
    first, count = shard_range(params.samples, params.shards, shard)
    progress = Progress(log, f"Monte Carlo shard {shard}", count, "samples")
    tables = run_nested_in_blocks(
        sky,
        params.seed,
        NESTED_STREAM,
        first,
        count,
        direction_vectors(params.directions),
        progress=progress,
    )
    write_shard(tables, selections, sky.mean_counts, snakemake.output.samples, params.seed)
    log.info(
        "shard %d: samples %d..%d of %d selections from %d elementary bins with events "
        "(%d drawn event by event, the others pixel by pixel)",
        shard,
        first,
        first + count - 1,
        len(selections),
        len(sky.bins),
        sum(b.method == "events" for b in sky.bins),
    )
