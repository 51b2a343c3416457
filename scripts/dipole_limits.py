"""Rule dipole_limits: the headline tables (thresholds, differential bins) with Monte Carlo
bands, and the global p-value over every selection and statistic."""

import pandas as pd

from calet_aniso.analysis.global_significance import global_pvalue, write_global_pvalue
from calet_aniso.analysis.headline import (
    PVALUE_COLUMNS,
    as_bins_table,
    headline_table,
    write_headline_table,
)
from calet_aniso.io.rule_log import rule_log
from calet_aniso.montecarlo.neyman_belt import NeymanBelt
from calet_aniso.montecarlo.samples import read_samples

with rule_log(snakemake.log[0], "dipole_limits", exit_when_done=True) as log:
    selections = list(snakemake.params.selections)
    inputs = snakemake.input
    rows = [pd.read_parquet(p) for p in inputs.rows]
    bands = [pd.read_parquet(p) for p in inputs.bands]
    samples = [read_samples(p)[0] for p in inputs.samples]
    belts = [NeymanBelt.read(p) for p in inputs.belts]
    counts = pd.read_parquet(inputs.counts)
    tables = {}
    for kind in ("threshold", "bin"):
        chosen = [i for i, s in enumerate(selections) if s.kind == kind]
        if not chosen:
            tables[kind] = None
            continue
        table = headline_table(
            (rows[i] for i in chosen),
            (bands[i] for i in chosen),
            counts[counts["role"] == kind],
            {selections[i].min_gev: samples[i] for i in chosen},
            {selections[i].min_gev: belts[i] for i in chosen},
        )
        if kind == "bin":
            table = as_bins_table(
                table, {selections[i].min_gev: selections[i].max_gev for i in chosen}
            )
        tables[kind] = table
    measured = {
        (s.label, name): float(row[name].iloc[0])
        for s, row in zip(selections, rows, strict=True)
        for name in PVALUE_COLUMNS
    }
    isotropic = {
        (s.label, name): table[name].to_numpy()
        for s, table in zip(selections, samples, strict=True)
        for name in PVALUE_COLUMNS
    }
    result = global_pvalue(measured, isotropic)
    write_global_pvalue(result, snakemake.output.global_pvalue)
    # the search's one number, in every row of both tables
    thresholds = tables["threshold"].assign(global_pvalue=result["global_pvalue"])
    bins = tables["bin"] if tables["bin"] is not None else as_bins_table(thresholds.iloc[:0], {})
    bins = bins.assign(global_pvalue=result["global_pvalue"])
    write_headline_table(
        thresholds, snakemake.output.parquet, snakemake.output.csv, snakemake.params.period
    )
    write_headline_table(
        bins, snakemake.output.bins_parquet, snakemake.output.bins_csv, snakemake.params.period
    )
    log.info("\n%s\n%s\nglobal: %s", thresholds.to_string(), bins.to_string(), result)
