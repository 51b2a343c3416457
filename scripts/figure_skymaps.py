"""Rule figure_skymaps: each threshold's figure (counts, smoothed relative intensity and
significance, angular power spectrum), all in one job."""

from calet_aniso.analysis.headline import read_headline_table
from calet_aniso.analysis.skymaps import SkyMaps
from calet_aniso.analysis.smoothed_maps import SmoothedMaps
from calet_aniso.figures.skymaps import skymap_figure
from calet_aniso.io.rule_log import rule_log

with rule_log(snakemake.log[0], "figure_skymaps", exit_when_done=True) as log:
    params = snakemake.params
    table = read_headline_table(snakemake.input.table)
    for skymap, smoothed, png, pdf in zip(
        snakemake.input.skymaps,
        snakemake.input.smoothed,
        snakemake.output.png,
        snakemake.output.pdf,
        strict=True,
    ):
        maps = SkyMaps.read(skymap)
        row = table.loc[table["threshold_gev"] == maps.threshold_gev].iloc[0]
        skymap_figure(
            maps.counts,
            SmoothedMaps.read(smoothed),
            row,
            params.directions,
            png,
            pdf,
            params.period,
        )
        log.info("threshold %g GeV: figure drawn", maps.threshold_gev)
