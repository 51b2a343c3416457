"""Rule injection_recovery: skies with injected dipoles above every threshold, analysed like
the data."""

import numba

from calet_aniso.exposure.average import AverageExposure
from calet_aniso.io.files import write_parquet
from calet_aniso.io.rule_log import rule_log
from calet_aniso.montecarlo.expected_counts import mean_count
from calet_aniso.montecarlo.injection import injection_recovery
from calet_aniso.montecarlo.neyman_belt import NeymanBelt
from calet_aniso.montecarlo.samples import read_samples

with rule_log(snakemake.log[0], "injection_recovery", exit_when_done=True) as log:
    numba.set_num_threads(max(1, min(snakemake.threads, numba.config.NUMBA_NUM_THREADS)))
    params = snakemake.params
    inputs = snakemake.input
    for average_path, samples_path, belt_path, table_path in zip(
        inputs.averages, inputs.samples, inputs.belts, snakemake.output.tables, strict=True
    ):
        average = AverageExposure.read(average_path)
        selection = average.selection
        isotropic, _ = read_samples(samples_path)
        table = injection_recovery(
            average.exposure_m2s,
            mean_count(inputs.expected, selection),
            params.min_relative_exposure,
            params.seed,
            selection.stream_key(),
            isotropic["delta"].to_numpy(),
            NeymanBelt.read(belt_path),
            params.skies,
            threshold_gev=selection.min_gev,
        )
        write_parquet(table, table_path, {"threshold_gev": selection.min_gev})
        log.info("\n%s", table.to_string())
