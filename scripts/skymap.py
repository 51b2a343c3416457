"""Rule skymap: counts and exposure-corrected maps of one energy selection (eq. 3.1)."""

import pandas as pd

from calet_aniso.analysis.skymaps import selection_sample, sky_maps
from calet_aniso.exposure.average import AverageExposure
from calet_aniso.exposure.node_maps import NodeExposure
from calet_aniso.instrument.response import read_response
from calet_aniso.io.rule_log import rule_log

with rule_log(snakemake.log[0], "skymap") as log:
    average = AverageExposure.read(snakemake.input.average)
    events = pd.read_parquet(snakemake.input.events, columns=["energy", "l", "b"])
    sample = selection_sample(events, average.selection)
    response = read_response(snakemake.input.response)
    maps = sky_maps(
        average,
        NodeExposure.read(snakemake.input.maps, response),
        response,
        *(sample[c].to_numpy() for c in ("energy", "l", "b")),
        min_relative_exposure=snakemake.params.min_relative_exposure,
    )
    maps.write(snakemake.output.skymap)
    log.info("%s: %d events", average.selection.describe(), len(sample))
