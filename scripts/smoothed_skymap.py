"""Rule smoothed_skymap: top-hat relative intensity and significance of one threshold."""

import numpy as np

from calet_aniso.analysis.skymaps import SkyMaps
from calet_aniso.analysis.smoothed_maps import smoothed_maps
from calet_aniso.analysis.statistics import event_weights, exposure_mask, reference_exposure
from calet_aniso.io.rule_log import rule_log

with rule_log(snakemake.log[0], "smoothed_skymap") as log:
    maps = SkyMaps.read(snakemake.input.skymap)
    mask = exposure_mask(maps.average_exposure, snakemake.params.min_relative_exposure)
    exposure = maps.average_exposure
    weights = np.zeros_like(exposure)
    weights[mask] = event_weights(reference_exposure(exposure, mask), exposure[mask])
    smoothed = smoothed_maps(
        maps.weighted,
        weights,
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
