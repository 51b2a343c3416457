"""Rule average_exposure: average exposure map of one energy selection's sample (proceedings
section 3)."""

import numpy as np
import pandas as pd

from calet_aniso.exposure.average import selection_average
from calet_aniso.exposure.node_maps import NodeExposure
from calet_aniso.instrument.response import read_response
from calet_aniso.io.rule_log import rule_log

with rule_log(snakemake.log[0], "average_exposure") as log:
    selection = snakemake.params.selection
    energy = pd.read_parquet(snakemake.input.events, columns=["energy"])["energy"].to_numpy()
    response = read_response(snakemake.input.response)
    nodes = NodeExposure.read(snakemake.input.maps, response)
    average = selection_average(nodes, response, energy, selection, snakemake.params.period)
    average.write(snakemake.output.average)
    log.info(
        "%s: %d events, mean exposure %.6g m2 s",
        selection.describe(),
        average.n_events,
        np.nanmean(average.exposure_m2s),
    )
