"""Rule average_exposure: average exposure map of one threshold sample (seed section 3)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent / "src"))  # also in conda/cluster jobs

import numpy as np
import pandas as pd

from calet_aniso.healpix_io import read_maps, write_maps
from calet_aniso.response import read_response
from calet_aniso.runlog import rule_log
from calet_aniso.skymap import average_exposure

with rule_log(snakemake.log[0], "average_exposure") as log:
    threshold = float(snakemake.wildcards.threshold)
    node_maps, _ = read_maps(snakemake.input.maps)
    stack = np.array([node_maps[k] for k in sorted(node_maps)])
    energy = pd.read_parquet(snakemake.input.events, columns=["energy"])["energy"].to_numpy()
    sample = energy[energy >= threshold]
    average = average_exposure(stack, read_response(snakemake.input.response), sample)
    header = {
        "THRESH": (threshold, "GeV, sample is E >= THRESH"),
        "NEVENTS": len(sample),
        "PERIOD": snakemake.params.period,
    }
    write_maps(
        snakemake.output.average,
        {"average_exposure": average},
        {"average_exposure": "m2 s"},
        header,
    )
    log.info(
        "threshold %g GeV: %d events, mean exposure %.6g m2 s",
        threshold,
        len(sample),
        np.nanmean(average),
    )
