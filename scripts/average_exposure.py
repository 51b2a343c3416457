"""Rule average_exposure: average exposure map of one threshold sample (seed section 3)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent / "src"))  # also in conda/cluster jobs

import numpy as np
import pandas as pd

from calet_aniso.healpix_io import read_map_stack, write_maps
from calet_aniso.response import read_response
from calet_aniso.runlog import rule_log
from calet_aniso.skymap import average_exposure, sample_header, threshold_sample

with rule_log(snakemake.log[0], "average_exposure") as log:
    threshold = float(snakemake.wildcards.threshold)
    events = pd.read_parquet(snakemake.input.events, columns=["energy"])
    energy = threshold_sample(events, threshold)["energy"].to_numpy()
    average = average_exposure(
        read_map_stack(snakemake.input.maps), read_response(snakemake.input.response), energy
    )
    write_maps(
        snakemake.output.average,
        {"average_exposure": average},
        {"average_exposure": "m2 s"},
        sample_header(threshold, len(energy), snakemake.params.period),
    )
    log.info(
        "threshold %g GeV: %d events, mean exposure %.6g m2 s",
        threshold,
        len(energy),
        np.nanmean(average),
    )
