"""Rule vela_anisotropy: predicted Vela SNR dipole per energy and above each threshold."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent / "src"))  # also in conda/cluster jobs

import numpy as np

from calet_aniso.model.diffusion import Diffusion
from calet_aniso.model.flux import VelaSNR
from calet_aniso.model.green import Propagation
from calet_aniso.model.losses import Losses, thomson_b0
from calet_aniso.model.vela import vela_dipole, vela_dipole_above
from calet_aniso.runlog import rule_log
from calet_aniso.spectrum import SmoothFlux, read_flux_table
from calet_aniso.tables import write_parquet

with rule_log(snakemake.log[0], "vela_anisotropy") as log:
    cfg = snakemake.params.model
    medium = Propagation(
        Diffusion(**cfg.get("diffusion", {})), Losses(thomson_b0(cfg["energy_density_ev_cm3"]))
    )
    vela = VelaSNR(**cfg.get("vela", {}))
    measured = read_flux_table(snakemake.input.total_flux)
    total = SmoothFlux.fit(measured)
    # Only where the total flux is measured: beyond, its extrapolation is unconstrained.
    top = float(measured["energy_high_gev"].max())
    per_energy = vela_dipole(np.geomspace(10.0, top, 400), total, vela, medium)
    above = vela_dipole_above(per_energy, snakemake.params.thresholds)
    meta = {
        "vela": {k: getattr(vela, k) for k in vela.__dataclass_fields__},
        "b0_per_gev_s": medium.losses.b0_per_gev_s,
    }
    write_parquet(per_energy, snakemake.output.per_energy, meta)
    write_parquet(above, snakemake.output.above, meta)
    log.info("delta above thresholds:\n%s", above.to_string())
