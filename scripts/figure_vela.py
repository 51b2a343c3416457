"""Rule figure_vela: Figure 4, predicted Vela dipole vs limits."""

import pandas as pd

from calet_aniso.analysis.headline import read_headline_table
from calet_aniso.figures.fig4_vela import vela_figure
from calet_aniso.io.rule_log import rule_log

with rule_log(snakemake.log[0], "figure_vela", exit_when_done=True):
    vela_figure(
        pd.read_parquet(snakemake.input.per_energy),
        pd.read_parquet(snakemake.input.above),
        pd.read_parquet(snakemake.input.fermi_bins),
        read_headline_table(snakemake.input.table),
        pd.read_csv(snakemake.input.fermi, comment="#"),
        snakemake.output.png,
        snakemake.output.pdf,
        snakemake.params.period,
        pd.read_parquet(snakemake.input.bins),
    )
