"""Rule smoothed_skymaps: every threshold's top-hat smoothed relative intensity and
significance maps (kept as FITS; drawn by rule figure_skymaps), their discs found once."""

import numpy as np

from calet_aniso.analysis.skymaps import SkyMaps
from calet_aniso.analysis.smoothed_maps import SmoothingInput, smoothed_sample_maps
from calet_aniso.analysis.statistics import exposure_mask, pixel_weights
from calet_aniso.io.rule_log import rule_log

with rule_log(snakemake.log[0], "smoothed_skymaps", exit_when_done=True) as log:
    params = snakemake.params
    samples = []
    for path in snakemake.input.skymaps:
        maps = SkyMaps.read(path)
        mask = exposure_mask(maps.average_exposure, params.min_relative_exposure)
        weights = pixel_weights(maps.average_exposure, mask)
        samples.append(SmoothingInput(maps.weighted, weights, mask, maps.threshold_gev))
    smoothed = smoothed_sample_maps(samples, params.radius_deg)
    for maps, path in zip(smoothed, snakemake.output.smoothed, strict=True):
        maps.write(path)
        log.info(
            "threshold %g GeV: largest |significance| %.2f σ in %g° discs",
            maps.threshold_gev,
            np.nanmax(np.abs(maps.significance)),
            params.radius_deg,
        )
