"""Rule figure_skymap: one threshold's smoothed maps (top-hat relative intensity and
significance, kept as FITS) and its figure (sky maps and angular power spectrum)."""

import numpy as np

from calet_aniso.analysis.headline import read_headline_table
from calet_aniso.analysis.skymaps import SkyMaps
from calet_aniso.analysis.smoothed_maps import smoothed_maps
from calet_aniso.analysis.statistics import exposure_mask, pixel_weights
from calet_aniso.figures.skymaps import skymap_figure
from calet_aniso.io.rule_log import rule_log

with rule_log(snakemake.log[0], "figure_skymap") as log:
    params = snakemake.params
    maps = SkyMaps.read(snakemake.input.skymap)
    mask = exposure_mask(maps.average_exposure, params.min_relative_exposure)
    smoothed = smoothed_maps(
        maps.weighted,
        pixel_weights(maps.average_exposure, mask),
        mask,
        params.radius_deg,
        threshold_gev=maps.threshold_gev,
    )
    smoothed.write(snakemake.output.smoothed)
    log.info(
        "threshold %g GeV: largest |significance| %.2f σ in %g° discs",
        maps.threshold_gev,
        np.nanmax(np.abs(smoothed.significance)),
        params.radius_deg,
    )
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
