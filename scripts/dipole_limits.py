"""Rule dipole_limits: the headline table, one row per threshold, with Monte Carlo bands."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent / "src"))  # also in conda/cluster jobs

import pandas as pd

from calet_aniso.analysis import HEADLINE_COLUMNS
from calet_aniso.bands import add_ratios
from calet_aniso.runlog import rule_log
from calet_aniso.tables import atomic_output, write_parquet

with rule_log(snakemake.log[0], "dipole_limits") as log:
    table = pd.concat([pd.read_parquet(p) for p in snakemake.input.rows], ignore_index=True)
    bands = pd.concat([pd.read_parquet(p) for p in snakemake.input.bands], ignore_index=True)
    table = add_ratios(table).merge(bands, on="threshold_gev", how="left", validate="one_to_one")
    table = table.sort_values("threshold_gev", ignore_index=True)
    table = table[HEADLINE_COLUMNS + [c for c in table if c not in HEADLINE_COLUMNS]]
    write_parquet(table, snakemake.output.parquet, {"period": snakemake.params.period})
    with atomic_output(snakemake.output.csv) as tmp:
        table.to_csv(tmp, index=False, float_format="%.8g")
    log.info("\n%s", table.to_string())
