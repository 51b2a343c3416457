"""Rule mc_expected_counts: mean event count of an isotropic sky in each energy selection and in
each elementary bin of the nested Monte Carlo."""

import functools

import numpy as np
import pandas as pd

from calet_aniso.comparison_model.fitted_products import read_fitted_total_flux
from calet_aniso.config.energy_selections import elementary_bins
from calet_aniso.exposure.node_maps import NodeExposure
from calet_aniso.flux_tables import InterpolatedFlux, read_flux_table, systematic_fraction_above
from calet_aniso.instrument.response import read_response
from calet_aniso.io.rule_log import rule_log
from calet_aniso.montecarlo.expected_counts import (
    check_expected_counts,
    expected_counts,
    expected_counts_table,
    selection_counts,
    write_expected_counts,
)

with rule_log(snakemake.log[0], "mc_expected_counts", exit_when_done=True) as log:
    params = snakemake.params
    selections = list(params.selections)
    nested = elementary_bins(selections)
    every = [*selections, *nested.bins]
    roles = [s.kind for s in selections] + ["elementary"] * len(nested.bins)
    if params.flux_source == "fitted_model":
        flux = read_fitted_total_flux(snakemake.input.flux)
    else:
        flux = InterpolatedFlux.from_table(read_flux_table(snakemake.input.flux))
    response = read_response(snakemake.input.response)
    nodes = NodeExposure.read(snakemake.input.maps, response)
    above = functools.partial(
        expected_counts, flux, nodes, response, max_energy_gev=params.max_energy_gev
    )
    model = selection_counts(above, every)
    energy = pd.read_parquet(snakemake.input.events, columns=["energy"])["energy"].to_numpy()
    # The largest systematic of the measured tables (a range beyond a table's: NaN).
    lows = np.array([s.min_gev for s in every])
    highs = np.array([s.max_gev for s in every])
    systematic = np.fmax.reduce(
        [systematic_fraction_above(read_flux_table(p), lows, highs) for p in params.systematics]
    )
    table = expected_counts_table(
        model, every, energy, params.mean_count_from, systematic, roles=roles
    )
    write_expected_counts(
        table,
        snakemake.output.table,
        params.mean_count_from,
        params.flux_source,
        snakemake.input.flux,
    )
    log.info("\n%s", table.to_string())
    check_expected_counts(table, params.mean_count_from, params.count_tolerance_sigma)
