"""Rule fit_flux_model: fit one variant of the e± flux model (proceedings Figure 2) with iminuit."""

import pandas as pd

from calet_aniso.comparison_model.fit_products import fit_variant
from calet_aniso.io.rule_log import rule_log

with rule_log(
    snakemake.log[0], f"fit_flux_model_{snakemake.wildcards.variant}", exit_when_done=True
) as log:
    catalogue = pd.read_csv(snakemake.input.catalogue, comment="#")
    fitted, result = fit_variant(snakemake.params.model, catalogue, snakemake.wildcards.variant)
    out = snakemake.output
    fitted.write(out.summary, out.parameters, out.points, out.curves)
    log.info(
        "%s: chi2/ndf = %.1f/%d, valid %s, pulsars %s, at limit %s\n%s",
        snakemake.wildcards.variant,
        result.chi2,
        result.ndf,
        result.valid,
        result.pulsars,
        result.at_limit(),
        fitted.parameters.to_string(),
    )
