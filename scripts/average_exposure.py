"""Rule average_exposure: average exposure map of one threshold sample (proceedings section 3)."""

import numpy as np
import pandas as pd

from calet_aniso.exposure.average import threshold_average
from calet_aniso.exposure.node_maps import NodeExposure
from calet_aniso.instrument.response import read_response
from calet_aniso.io.rule_log import rule_log

with rule_log(snakemake.log[0], "average_exposure") as log:
    threshold = float(snakemake.wildcards.threshold)
    energy = pd.read_parquet(snakemake.input.events, columns=["energy"])["energy"].to_numpy()
    response = read_response(snakemake.input.response)
    nodes = NodeExposure.read(snakemake.input.maps, response)
    average = threshold_average(nodes, response, energy, threshold, snakemake.params.period)
    average.write(snakemake.output.average)
    log.info(
        "threshold %g GeV: %d events, mean exposure %.6g m2 s",
        threshold,
        average.n_events,
        np.nanmean(average.exposure_m2s),
    )
