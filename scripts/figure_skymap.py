"""Rule figure_skymap: one threshold's figure (counts, smoothed relative intensity and
significance, angular power spectrum)."""

from calet_aniso.analysis.headline import read_headline_table
from calet_aniso.analysis.skymaps import SkyMaps
from calet_aniso.analysis.smoothed_maps import SmoothedMaps
from calet_aniso.figures.skymaps import skymap_figure
from calet_aniso.io.rule_log import rule_log

with rule_log(snakemake.log[0], "figure_skymap") as log:
    params = snakemake.params
    maps = SkyMaps.read(snakemake.input.skymap)
    smoothed = SmoothedMaps.read(snakemake.input.smoothed)
    table = read_headline_table(snakemake.input.table)
    row = table.loc[table["threshold_gev"] == maps.threshold_gev].iloc[0]
    skymap_figure(
        maps.counts,
        smoothed,
        row,
        params.directions,
        snakemake.output.png,
        snakemake.output.pdf,
        params.period,
    )
    log.info("threshold %g GeV: figure drawn", maps.threshold_gev)
