"""Rule validation: the injection–recovery table (averaged over directions) and figure."""

import pandas as pd

from calet_aniso.figures.validation import validation_figure
from calet_aniso.io.files import atomic_output
from calet_aniso.io.rule_log import rule_log
from calet_aniso.montecarlo.injection import summarise_injections

with rule_log(snakemake.log[0], "validation", exit_when_done=True) as log:
    table = pd.concat([pd.read_parquet(p) for p in snakemake.input.tables], ignore_index=True)
    summary = summarise_injections(table)
    with atomic_output(snakemake.output.table) as tmp:
        summary.to_csv(tmp, index=False, float_format="%.6g")
    validation_figure(summary, snakemake.output.png, snakemake.output.pdf, snakemake.params.period)
    log.info("\n%s", summary.to_string())
