"""Rule vela_anisotropy: predicted dipole of the Vela SNR model, per energy, above each
threshold and in the Fermi-LAT bins: the Vela SNR alone (seed Figure 4; analytic and eq. 4.2)
and all point sources of the model (Vela and the pulsars) added as vectors, with direction."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent / "src"))  # also in conda/cluster jobs

import json
from dataclasses import asdict

import numpy as np
import pandas as pd

from calet_aniso.model.setup import fitted_total_flux, flux_model
from calet_aniso.model.sky_dipole import dipole_above, galactic_direction, summed_dipole
from calet_aniso.model.vela import vela_dipole, vela_dipole_above, vela_dipole_in_bins
from calet_aniso.runlog import rule_log
from calet_aniso.spectrum import read_flux_table
from calet_aniso.tables import write_parquet

with rule_log(snakemake.log[0], "vela_anisotropy") as log:
    cfg = snakemake.params.model
    catalogue = pd.read_csv(snakemake.input.catalogue, comment="#")
    model = flux_model(cfg, catalogue, "vela")
    fit = json.loads(Path(snakemake.input.fit).read_text())
    pulsars = catalogue[catalogue["psrj"].isin(fit["pulsars"])]
    # The denominator is the total flux of the fitted Vela variant (seed Figure 2, lower panel).
    total = fitted_total_flux(pd.read_parquet(snakemake.input.curves))
    # Only where the total flux is measured: beyond, the model is an extrapolation.
    top = max(float(read_flux_table(t)["energy_high_gev"].max()) for t in snakemake.input.tables)
    energy = np.geomspace(10.0, top, 400)
    total_flux = total(energy)
    per_energy = vela_dipole(energy, total, model.vela, model.medium)
    vectors = summed_dipole(model, fit["values"], pulsars, energy, total_flux)
    per_energy["delta_all_sources"] = np.linalg.norm(vectors, axis=1)
    per_energy["dipole_l_deg"], per_energy["dipole_b_deg"] = galactic_direction(vectors)

    thresholds = snakemake.params.thresholds
    above = vela_dipole_above(per_energy, thresholds)
    every = dipole_above(energy, vectors, total_flux, thresholds)
    above = above.join(every.rename(columns={"delta": "delta_above_all_sources"}))
    # Fermi-LAT limits are per differential bin: compare the flux-weighted δ in each bin.
    fermi = pd.read_csv(snakemake.input.fermi, comment="#")
    bins = vela_dipole_in_bins(per_energy, fermi["e_low_gev"], fermi["e_high_gev"])
    bins["delta_bin_all_sources"] = dipole_above(
        energy, vectors, total_flux, fermi["e_low_gev"], fermi["e_high_gev"]
    )["delta"].to_numpy()
    bins["fermi_delta_ul_95"] = fermi["delta_ul_95"].to_numpy()

    meta = {
        "vela": asdict(model.vela),
        "b0_per_gev_s": model.medium.losses.b0_per_gev_s,
        "pulsars": fit["pulsars"],
    }
    write_parquet(per_energy, snakemake.output.per_energy, meta)
    write_parquet(above, snakemake.output.above, meta)
    write_parquet(bins, snakemake.output.fermi_bins, meta)
    log.info("delta above thresholds:\n%s", above.to_string())
    log.info("delta in the Fermi-LAT bins:\n%s", bins.to_string())
