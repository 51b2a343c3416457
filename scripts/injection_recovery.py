"""Rule injection_recovery: skies with injected dipoles of one threshold, analysed like the
data."""

import numba

from calet_aniso.exposure.average import AverageExposure
from calet_aniso.io.files import write_parquet
from calet_aniso.io.rule_log import rule_log
from calet_aniso.montecarlo.expected_counts import mean_count
from calet_aniso.montecarlo.injection import injection_recovery
from calet_aniso.montecarlo.neyman_belt import NeymanBelt
from calet_aniso.montecarlo.samples import read_samples

with rule_log(snakemake.log[0], "injection_recovery") as log:
    numba.set_num_threads(max(1, min(snakemake.threads, numba.config.NUMBA_NUM_THREADS)))
    params = snakemake.params
    average = AverageExposure.read(snakemake.input.average)
    selection = average.selection
    threshold = selection.min_gev
    isotropic, _ = read_samples(snakemake.input.samples)
    table = injection_recovery(
        average.exposure_m2s,
        mean_count(snakemake.input.expected, selection),
        params.min_relative_exposure,
        params.seed,
        selection.stream_key(),
        isotropic["delta"].to_numpy(),
        NeymanBelt.read(snakemake.input.belt),
        params.skies,
        threshold_gev=threshold,
    )
    write_parquet(table, snakemake.output.table, {"threshold_gev": threshold})
    log.info("\n%s", table.to_string())
