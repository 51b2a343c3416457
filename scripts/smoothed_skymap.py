"""Rule smoothed_skymap: top-hat relative intensity and significance of one threshold."""

import numpy as np

from calet_aniso.analysis.skymaps import SkyMaps
from calet_aniso.analysis.smoothed_maps import smoothed_maps
from calet_aniso.analysis.statistics import exposure_mask, pixel_weights
from calet_aniso.io.rule_log import rule_log

with rule_log(snakemake.log[0], "smoothed_skymap") as log:
    maps = SkyMaps.read(snakemake.input.skymap)
    mask = exposure_mask(maps.average_exposure, snakemake.params.min_relative_exposure)
    smoothed = smoothed_maps(
        maps.weighted,
        pixel_weights(maps.average_exposure, mask),
        mask,
        snakemake.params.radius_deg,
        threshold_gev=maps.threshold_gev,
    )
    smoothed.write(snakemake.output.smoothed)
    log.info(
        "threshold %g GeV: largest |significance| %.2f σ in %g° discs",
        maps.threshold_gev,
        np.nanmax(np.abs(smoothed.significance)),
        snakemake.params.radius_deg,
    )
