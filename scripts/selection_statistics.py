"""Rule selection_statistics: every energy selection's average exposure map (proceedings
section 3), its counts and exposure-corrected sky maps (eq. 3.1) and every statistic of them,
corrected and not (its row of a headline table)."""

import pandas as pd

from calet_aniso.analysis.headline import analyse_sample, write_row
from calet_aniso.analysis.skymaps import selection_sample, sky_maps
from calet_aniso.analysis.statistics import direction_vectors
from calet_aniso.exposure.average import selection_average
from calet_aniso.exposure.node_maps import NodeExposure
from calet_aniso.instrument.response import read_response
from calet_aniso.io.rule_log import rule_log

with rule_log(snakemake.log[0], "selection_statistics", exit_when_done=True) as log:
    params = snakemake.params
    output = snakemake.output
    events = pd.read_parquet(snakemake.input.events, columns=["energy", "l", "b"])
    response = read_response(snakemake.input.response)
    nodes = NodeExposure.read(snakemake.input.maps, response)
    directions = direction_vectors(params.directions)
    energies = events["energy"].to_numpy()
    for selection, average_path, skymap_path, row_path in zip(
        params.selections, output.averages, output.skymaps, output.rows, strict=True
    ):
        average = selection_average(nodes, response, energies, selection, params.period)
        average.write(average_path)
        sample = selection_sample(events, selection)
        maps = sky_maps(
            average,
            nodes,
            response,
            *(sample[c].to_numpy() for c in ("energy", "l", "b")),
            min_relative_exposure=params.min_relative_exposure,
        )
        maps.write(skymap_path)
        row = analyse_sample(
            selection.min_gev, maps.counts, maps.weighted, directions, maps.weighted_squared
        )
        write_row(row, row_path)
        log.info(
            "%s: %d events (%d masked); %s",
            selection.describe(),
            len(sample),
            maps.masked_events,
            row,
        )
