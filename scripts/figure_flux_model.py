"""Rule figure_flux_model: Figure 2, the fitted e± flux model (both variants) vs data."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent / "src"))  # also in conda/cluster jobs

import json

import pandas as pd

from calet_aniso.flux_figure import flux_model_figure
from calet_aniso.runlog import rule_log

with rule_log(snakemake.log[0], "figure_flux_model"):
    variants = {
        variant: (
            pd.read_parquet(curves),
            pd.read_parquet(points),
            json.loads(Path(summary).read_text()),
        )
        for variant, curves, points, summary in zip(
            snakemake.params.variants,
            snakemake.input.curves,
            snakemake.input.points,
            snakemake.input.summaries,
            strict=True,
        )
    }
    flux_model_figure(variants, snakemake.output.png, snakemake.output.pdf)
