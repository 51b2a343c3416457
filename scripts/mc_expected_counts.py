"""Rule mc_expected_counts: mean event count of an isotropic sky above each threshold."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent / "src"))  # also in conda/cluster jobs

import numpy as np
import pandas as pd

from calet_aniso.expectation import expected_counts
from calet_aniso.healpix_io import read_map_stack
from calet_aniso.model.setup import fitted_total_flux
from calet_aniso.response import read_response
from calet_aniso.runlog import rule_log
from calet_aniso.spectrum import InterpolatedFlux, read_flux_table
from calet_aniso.tables import write_parquet

with rule_log(snakemake.log[0], "mc_expected_counts") as log:
    thresholds = np.asarray(snakemake.params.thresholds, dtype=float)
    if snakemake.params.flux_source == "fitted_model":
        flux = fitted_total_flux(pd.read_parquet(snakemake.input.flux))
    else:
        flux = InterpolatedFlux.from_table(read_flux_table(snakemake.input.flux))
    model = expected_counts(
        flux,
        read_map_stack(snakemake.input.maps),
        read_response(snakemake.input.response),
        thresholds,
        snakemake.params.max_energy_gev,
    )
    energy = pd.read_parquet(snakemake.input.events, columns=["energy"])["energy"].to_numpy()
    observed = np.array([(energy >= t).sum() for t in thresholds])
    table = pd.DataFrame(
        {
            "threshold_gev": thresholds,
            "expected_model": model,
            "observed": observed,
            "mean_count": model if snakemake.params.use == "model" else observed.astype(float),
        }
    )
    write_parquet(
        table,
        snakemake.output.table,
        {
            "mean_count_from": snakemake.params.use,
            "flux_source": snakemake.params.flux_source,
            "flux": snakemake.input.flux,
        },
    )
    log.info("\n%s", table.to_string())
