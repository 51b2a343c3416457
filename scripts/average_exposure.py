"""Rule average_exposure: average exposure map of one threshold sample (proceedings section 3)."""

import numpy as np
import pandas as pd

from calet_aniso.analysis.skymaps import threshold_sample
from calet_aniso.exposure.average import AverageExposure, average_exposure
from calet_aniso.exposure.node_maps import NodeExposure
from calet_aniso.instrument.response import read_response
from calet_aniso.io.rule_log import rule_log

with rule_log(snakemake.log[0], "average_exposure") as log:
    threshold = float(snakemake.wildcards.threshold)
    events = pd.read_parquet(snakemake.input.events, columns=["energy"])
    energy = threshold_sample(events, threshold)["energy"].to_numpy()
    response = read_response(snakemake.input.response)
    nodes = NodeExposure.read(snakemake.input.maps, response)
    average = average_exposure(nodes, response, energy)
    AverageExposure(threshold, len(energy), average, snakemake.params.period).write(
        snakemake.output.average
    )
    log.info(
        "threshold %g GeV: %d events, mean exposure %.6g m2 s",
        threshold,
        len(energy),
        np.nanmean(average),
    )
