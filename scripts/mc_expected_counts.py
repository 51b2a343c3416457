"""Rule mc_expected_counts: mean event count of an isotropic sky above each threshold."""

import numpy as np
import pandas as pd

from calet_aniso.comparison_model.fit_products import read_fitted_total_flux
from calet_aniso.exposure.node_maps import NodeExposure
from calet_aniso.flux_tables import InterpolatedFlux, read_flux_table, systematic_fraction_above
from calet_aniso.instrument.response import read_response
from calet_aniso.io.rule_log import rule_log
from calet_aniso.montecarlo.expected_counts import (
    check_expected_counts,
    expected_counts,
    expected_counts_table,
    write_expected_counts,
)

with rule_log(snakemake.log[0], "mc_expected_counts") as log:
    params = snakemake.params
    thresholds = np.asarray(snakemake.params.thresholds, dtype=float)
    if params.flux_source == "fitted_model":
        flux = read_fitted_total_flux(snakemake.input.flux)
    else:
        flux = InterpolatedFlux.from_table(read_flux_table(snakemake.input.flux))
    response = read_response(snakemake.input.response)
    model = expected_counts(
        flux,
        NodeExposure.read(snakemake.input.maps, response),
        response,
        thresholds,
        params.max_energy_gev,
    )
    energy = pd.read_parquet(snakemake.input.events, columns=["energy"])["energy"].to_numpy()
    # The largest systematic of the measured tables (a threshold above a table's range: NaN).
    systematic = np.fmax.reduce(
        [systematic_fraction_above(read_flux_table(p), thresholds) for p in params.systematics]
    )
    table = expected_counts_table(model, thresholds, energy, params.mean_count_from, systematic)
    write_expected_counts(
        table,
        snakemake.output.table,
        params.mean_count_from,
        params.flux_source,
        snakemake.input.flux,
    )
    log.info("\n%s", table.to_string())
    check_expected_counts(table, params.mean_count_from, params.count_tolerance_sigma)
