"""Rule figure_vela: Figure 4, predicted Vela dipole vs limits."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent / "src"))  # also in conda/cluster jobs

import pandas as pd

from calet_aniso.plots import vela_figure
from calet_aniso.runlog import rule_log

with rule_log(snakemake.log[0], "figure_vela"):
    vela_figure(
        pd.read_parquet(snakemake.input.per_energy),
        pd.read_parquet(snakemake.input.above),
        pd.read_parquet(snakemake.input.fermi_bins),
        pd.read_parquet(snakemake.input.table),
        pd.read_csv(snakemake.input.fermi, comment="#"),
        snakemake.output.png,
        snakemake.output.pdf,
        snakemake.params.period,
    )
