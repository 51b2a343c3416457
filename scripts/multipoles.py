"""Rule multipoles: every statistic of one energy selection's maps, corrected and not."""

from calet_aniso.analysis.headline import analyse_sample, write_row
from calet_aniso.analysis.skymaps import SkyMaps
from calet_aniso.analysis.statistics import direction_vectors
from calet_aniso.io.rule_log import rule_log

with rule_log(snakemake.log[0], "multipoles") as log:
    maps = SkyMaps.read(snakemake.input.skymap)
    directions = direction_vectors(snakemake.params.directions)
    row = analyse_sample(
        maps.threshold_gev, maps.counts, maps.weighted, directions, maps.weighted_squared
    )
    write_row(row, snakemake.output.row)
    log.info("%s", row)
