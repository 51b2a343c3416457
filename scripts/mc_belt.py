"""Rules mc_belt_thresholds and mc_belt_bins: the Neyman belt of the dipole amplitude of each
energy selection of the group."""

import numba

from calet_aniso.exposure.average import AverageExposure
from calet_aniso.io.progress import Progress
from calet_aniso.io.rule_log import rule_log
from calet_aniso.montecarlo.expected_counts import mean_count
from calet_aniso.montecarlo.neyman_belt import (
    BELT_DIRECTIONS,
    belt_grid,
    build_belt,
    isotropic_sigma,
)

with rule_log(snakemake.log[0], "mc_belt", exit_when_done=True) as log:
    numba.set_num_threads(max(1, min(snakemake.threads, numba.config.NUMBA_NUM_THREADS)))
    params = snakemake.params
    for average_path, belt_path in zip(
        snakemake.input.averages, snakemake.output.belts, strict=True
    ):
        average = AverageExposure.read(average_path)
        selection = average.selection
        count = mean_count(snakemake.input.expected, selection)
        sigma = isotropic_sigma(average.exposure_m2s, count, params.min_relative_exposure)
        skies = len(belt_grid(sigma)) * len(BELT_DIRECTIONS) * params.skies_per_direction
        belt = build_belt(
            average.exposure_m2s,
            count,
            params.min_relative_exposure,
            params.seed,
            selection.stream_key(),
            params.skies_per_direction,
            threshold_gev=selection.min_gev,
            progress=Progress(log, f"Neyman belt {selection.describe()}", skies, "skies"),
        )
        belt.write(belt_path)
        log.info("%s: sigma %.4g, belt %s", selection.describe(), belt.sigma, belt.quantile)
