"""Rule figure_flux_model: Figure 2, the fitted e± flux model (both variants) vs data."""

import pandas as pd

from calet_aniso.comparison_model.fitted_products import read_fit_summary
from calet_aniso.figures.fig2_flux_model import flux_model_figure
from calet_aniso.io.rule_log import rule_log

with rule_log(snakemake.log[0], "figure_flux_model", exit_when_done=True):
    variants = {
        variant: (pd.read_parquet(curves), pd.read_parquet(points), read_fit_summary(summary))
        for variant, curves, points, summary in zip(
            snakemake.params.variants,
            snakemake.input.curves,
            snakemake.input.points,
            snakemake.input.summaries,
            strict=True,
        )
    }
    flux_model_figure(variants, snakemake.output.png, snakemake.output.pdf)
