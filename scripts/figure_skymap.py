"""Rule figure_skymap: sky maps and angular power spectrum of one threshold."""

from calet_aniso.analysis.headline import read_headline_table
from calet_aniso.analysis.skymaps import SkyMaps
from calet_aniso.analysis.smoothed_maps import SmoothedMaps
from calet_aniso.figures.skymaps import skymap_figure
from calet_aniso.io.rule_log import rule_log

with rule_log(snakemake.log[0], "figure_skymap"):
    maps = SkyMaps.read(snakemake.input.skymap)
    table = read_headline_table(snakemake.input.table)
    row = table.loc[table["threshold_gev"] == maps.threshold_gev].iloc[0]
    skymap_figure(
        maps.counts,
        SmoothedMaps.read(snakemake.input.smoothed),
        row,
        snakemake.params.directions,
        snakemake.output.png,
        snakemake.output.pdf,
        snakemake.params.period,
    )
