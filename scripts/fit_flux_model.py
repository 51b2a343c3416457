"""Rule fit_flux_model: fit one variant of the e± flux model (seed Figure 2) with iminuit."""

import sys
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent / "src"))  # also in conda/cluster jobs

import numpy as np
import pandas as pd

from calet_aniso.model.fit import fit_flux_model, residuals
from calet_aniso.model.setup import fit_data, flux_model
from calet_aniso.runlog import rule_log
from calet_aniso.tables import write_json, write_parquet

with rule_log(snakemake.log[0], f"fit_flux_model_{snakemake.wildcards.variant}") as log:
    cfg = snakemake.params.model
    fit_cfg = cfg["fit"]
    variant = snakemake.wildcards.variant
    model = flux_model(cfg, pd.read_csv(snakemake.input.catalogue, comment="#"), variant)
    data = fit_data(
        fit_cfg["electron_positron_tables"], fit_cfg["positron_tables"], fit_cfg["min_energy_gev"]
    )
    result = fit_flux_model(model, data, fixed=tuple(fit_cfg["fixed"]))
    pulsars = model.pulsars[model.pulsars["psrj"].isin(result.pulsars)]
    summary = {
        "variant": variant,
        **result.to_dict(),
        "data": {
            "electron_positron_tables": fit_cfg["electron_positron_tables"],
            "positron_tables": fit_cfg["positron_tables"],
            "min_energy_gev": fit_cfg["min_energy_gev"],
        },
        "b0_per_gev_s": model.medium.losses.b0_per_gev_s,
        "diffusion": asdict(model.medium.diffusion),
        "pulsar_settings": asdict(model.settings),
        "vela": asdict(model.vela) if model.vela is not None else None,
    }
    meta = {"variant": variant, "chi2": result.chi2, "ndf": result.ndf}
    energy = np.geomspace(
        snakemake.params.curve_range_gev[0], snakemake.params.curve_range_gev[1], 300
    )
    points = data.assign(pull=residuals(model, data, result.values, pulsars))
    write_parquet(result.parameter_table(), snakemake.output.parameters, meta)
    write_parquet(model.curves(energy, result.values, pulsars), snakemake.output.curves, meta)
    write_parquet(points, snakemake.output.points, meta)
    write_json(summary, snakemake.output.summary)
    log.info(
        "%s: chi2/ndf = %.1f/%d, valid %s, pulsars %s, at limit %s\n%s",
        variant,
        result.chi2,
        result.ndf,
        result.valid,
        result.pulsars,
        result.at_limit(),
        result.parameter_table().to_string(),
    )
