"""Rule figure_dipole: Figure 3 (δ and limits vs threshold) and the C2/C3 check figure."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent / "src"))  # also in conda/cluster jobs

import pandas as pd

from calet_aniso.plots import dipole_figure, multipole_figure
from calet_aniso.runlog import rule_log

with rule_log(snakemake.log[0], "figure_dipole"):
    table = pd.read_parquet(snakemake.input.table)
    fermi = pd.read_csv(snakemake.input.fermi, comment="#")
    ams = pd.read_csv(snakemake.input.ams, comment="#")
    others = [
        (f"AMS-02 {r.species} (E > {r.e_min_gev:g} GeV)", r.e_min_gev, r.delta_ul_95)
        for r in ams.itertuples()
    ]
    dipole_figure(
        table,
        fermi,
        others,
        snakemake.output.png,
        snakemake.output.pdf,
        snakemake.params.period,
        pd.read_parquet(snakemake.input.vela),
    )
    multipole_figure(
        table,
        snakemake.output.multipoles_png,
        snakemake.output.multipoles_pdf,
        snakemake.params.period,
    )
