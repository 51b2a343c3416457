"""Rule multipoles: C0..C3, dipole, 95 % CL limit of one threshold, corrected and not."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent / "src"))  # also in conda/cluster jobs

import pandas as pd

from calet_aniso.analysis import analyse_sample
from calet_aniso.healpix_io import read_maps
from calet_aniso.runlog import rule_log
from calet_aniso.tables import write_parquet

with rule_log(snakemake.log[0], "multipoles") as log:
    maps, header = read_maps(snakemake.input.skymap)
    row = analyse_sample(header["THRESH"], maps["counts"], maps["weighted"])
    write_parquet(pd.DataFrame([row]), snakemake.output.row, {"threshold_gev": header["THRESH"]})
    log.info("%s", row)
