"""Rule vela_anisotropy: predicted dipole of the Vela SNR model per energy, above each threshold
and in the Fermi-LAT bins (proceedings Figure 4)."""

import pandas as pd

from calet_aniso.comparison_model.fitted_products import read_fit_summary, read_fitted_total_flux
from calet_aniso.comparison_model.vela_prediction import predict_vela_anisotropy
from calet_aniso.flux_tables import measured_top_gev
from calet_aniso.io.rule_log import rule_log

with rule_log(snakemake.log[0], "vela_anisotropy", exit_when_done=True) as log:
    prediction = predict_vela_anisotropy(
        snakemake.params.model,
        pd.read_csv(snakemake.input.catalogue, comment="#"),
        read_fit_summary(snakemake.input.fit),
        read_fitted_total_flux(snakemake.input.curves),
        measured_top_gev(snakemake.input.tables),
        snakemake.params.thresholds,
        pd.read_csv(snakemake.input.fermi, comment="#"),
    )
    out = snakemake.output
    prediction.write(out.per_energy, out.above, out.fermi_bins)
    log.info("delta above thresholds:\n%s", prediction.above.to_string())
    log.info("delta in the Fermi-LAT bins:\n%s", prediction.fermi_bins.to_string())
