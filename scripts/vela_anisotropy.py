"""Rule vela_anisotropy: predicted Vela SNR dipole per energy and above each threshold."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent / "src"))  # also in conda/cluster jobs

from dataclasses import asdict

import numpy as np
import pandas as pd

from calet_aniso.model.setup import fitted_total_flux, propagation, vela_snr
from calet_aniso.model.vela import vela_dipole, vela_dipole_above, vela_dipole_in_bins
from calet_aniso.runlog import rule_log
from calet_aniso.spectrum import read_flux_table
from calet_aniso.tables import write_parquet

with rule_log(snakemake.log[0], "vela_anisotropy") as log:
    cfg = snakemake.params.model
    medium = propagation(cfg)
    vela = vela_snr(cfg)
    # The denominator is the total flux of the fitted Vela variant (seed Figure 2, lower panel).
    total = fitted_total_flux(pd.read_parquet(snakemake.input.curves))
    # Only where the total flux is measured: beyond, the model is an extrapolation.
    top = max(float(read_flux_table(t)["energy_high_gev"].max()) for t in snakemake.input.tables)
    per_energy = vela_dipole(np.geomspace(10.0, top, 400), total, vela, medium)
    above = vela_dipole_above(per_energy, snakemake.params.thresholds)
    # Fermi-LAT limits are per differential bin: compare the flux-weighted δ in each bin.
    fermi = pd.read_csv(snakemake.input.fermi, comment="#")
    bins = vela_dipole_in_bins(per_energy, fermi["e_low_gev"], fermi["e_high_gev"])
    bins["fermi_delta_ul_95"] = fermi["delta_ul_95"].to_numpy()
    meta = {"vela": asdict(vela), "b0_per_gev_s": medium.losses.b0_per_gev_s}
    write_parquet(per_energy, snakemake.output.per_energy, meta)
    write_parquet(above, snakemake.output.above, meta)
    write_parquet(bins, snakemake.output.fermi_bins, meta)
    log.info("delta above thresholds:\n%s", above.to_string())
    log.info("delta in the Fermi-LAT bins:\n%s", bins.to_string())
