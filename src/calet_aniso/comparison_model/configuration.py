"""The comparison model built from the validated configuration (``model:`` section), in one
of its two variants (``variants.VARIANTS``)."""

from __future__ import annotations

import pandas as pd

from calet_aniso.comparison_model.diffusion import Diffusion
from calet_aniso.comparison_model.flux import FluxModel, PulsarSettings, VelaSNR
from calet_aniso.comparison_model.green import Propagation
from calet_aniso.comparison_model.losses import Losses, thomson_b0
from calet_aniso.comparison_model.measurements import measurements
from calet_aniso.comparison_model.variants import VARIANTS
from calet_aniso.flux_tables import read_flux_table


def propagation(cfg: dict) -> Propagation:
    """Diffusion (proceedings eq. 4.1) and Thomson losses from the energy density (eV cm⁻³)."""
    return Propagation(
        Diffusion(**cfg["diffusion"]), Losses(thomson_b0(cfg["energy_density_ev_cm3"]))
    )


def vela_snr(cfg: dict) -> VelaSNR:
    """The Vela SNR of the configuration (the proceedings' values by default)."""
    return VelaSNR(**cfg["vela"])


def pulsar_settings(cfg: dict) -> PulsarSettings:
    """The common pulsar parameters of the configuration (``model.pulsars``)."""
    return PulsarSettings(**{k: v for k, v in cfg["pulsars"].items() if k != "catalogue"})


def flux_model(cfg: dict, catalogue: pd.DataFrame, variant: str) -> FluxModel:
    """Flux model of one variant; ``catalogue`` is the pulsar table (resources/pulsars)."""
    if variant not in VARIANTS:
        raise ValueError(f"model variant must be one of {VARIANTS}, not {variant!r}")
    return FluxModel(
        catalogue,
        propagation(cfg),
        pulsar_settings(cfg),
        vela_snr(cfg) if variant == "vela" else None,
    )


def fit_data(
    electron_positron: dict[str, str], positrons: dict[str, str], min_energy_gev: float
) -> pd.DataFrame:
    """Measured points to fit: e⁺ + e⁻ and e⁺ flux tables by experiment name → CSV path."""
    parts = [
        measurements({n: read_flux_table(p) for n, p in tables.items()}, min_energy_gev, kind)
        for tables, kind in ((electron_positron, "e+e-"), (positrons, "e+"))
        if tables
    ]
    return pd.concat(parts, ignore_index=True)
