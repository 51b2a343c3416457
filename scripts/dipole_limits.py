"""Rule dipole_limits: the headline table, one row per threshold, with Monte Carlo bands."""

import pandas as pd

from calet_aniso.analysis.headline import headline_table, write_headline_table
from calet_aniso.io.rule_log import rule_log
from calet_aniso.montecarlo.neyman_belt import NeymanBelt
from calet_aniso.montecarlo.samples import read_samples

with rule_log(snakemake.log[0], "dipole_limits") as log:
    samples = dict(
        (meta["threshold_gev"], table)
        for table, meta in (read_samples(p) for p in snakemake.input.samples)
    )
    table = headline_table(
        (pd.read_parquet(p) for p in snakemake.input.rows),
        (pd.read_parquet(p) for p in snakemake.input.bands),
        pd.read_parquet(snakemake.input.counts),
        samples,
        {b.threshold_gev: b for b in (NeymanBelt.read(p) for p in snakemake.input.belts)},
    )
    write_headline_table(
        table, snakemake.output.parquet, snakemake.output.csv, snakemake.params.period
    )
    log.info("\n%s", table.to_string())
