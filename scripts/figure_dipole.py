"""Rule figure_dipole: Figure 3 (δ and limits vs threshold) and the C2/C3 check figure."""

import pandas as pd

from calet_aniso.analysis.headline import read_headline_table
from calet_aniso.figures.fig3_dipole import dipole_figure, integral_limits
from calet_aniso.figures.fig3b_multipoles import multipole_figure
from calet_aniso.io.rule_log import rule_log

with rule_log(snakemake.log[0], "figure_dipole", exit_when_done=True):
    table = read_headline_table(snakemake.input.table)
    period = snakemake.params.period
    dipole_figure(
        table,
        pd.read_csv(snakemake.input.fermi, comment="#"),
        integral_limits(pd.read_csv(snakemake.input.ams, comment="#")),
        snakemake.output.png,
        snakemake.output.pdf,
        period,
        pd.read_parquet(snakemake.input.vela),
    )
    out = snakemake.output
    multipole_figure(table, out.multipoles_png, out.multipoles_pdf, period)
