"""Rule mc_summary: gather a threshold's shards; quantile bands of the statistics."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent / "src"))  # also in conda/cluster jobs

import pandas as pd

from calet_aniso.bands import summarise
from calet_aniso.runlog import rule_log
from calet_aniso.tables import read_parquet_metadata, write_parquet

with rule_log(snakemake.log[0], "mc_summary") as log:
    samples = pd.concat([pd.read_parquet(p) for p in snakemake.input.shards], ignore_index=True)
    samples = samples.sort_values("sample", ignore_index=True)
    if not (samples["sample"].to_numpy() == range(len(samples))).all():
        raise ValueError("Monte Carlo shards do not cover the samples exactly once")
    meta = read_parquet_metadata(snakemake.input.shards[0])
    write_parquet(samples, snakemake.output.samples, meta)
    row = {
        "threshold_gev": meta["threshold_gev"],
        "mc_mean_count": meta["mean_count"],
        **summarise(samples),
    }
    write_parquet(pd.DataFrame([row]), snakemake.output.summary, meta)
    log.info("%s", row)
