"""The comparison model built from the workflow configuration (``model:`` section).

Two variants, as in the seed's Figure 2: ``reference`` (primaries, secondaries, pulsars:
the isotropic flux of the Monte Carlo) and ``vela`` (the same plus the Vela SNR, whose
anisotropy is predicted).
"""

from __future__ import annotations

import pandas as pd

from ..spectrum import InterpolatedFlux, read_flux_table
from .diffusion import Diffusion
from .fit import measurements
from .flux import FluxModel, PulsarSettings, VelaSNR
from .green import Propagation
from .losses import Losses, thomson_b0

VARIANTS = ("reference", "vela")


def propagation(cfg: dict) -> Propagation:
    """Diffusion (seed eq. 4.1) and Thomson losses from the energy density (eV cm⁻³)."""
    return Propagation(
        Diffusion(**cfg.get("diffusion", {})), Losses(thomson_b0(cfg["energy_density_ev_cm3"]))
    )


def vela_snr(cfg: dict) -> VelaSNR:
    """The Vela SNR of the configuration (seed values by default)."""
    return VelaSNR(**cfg.get("vela", {}))


def flux_model(cfg: dict, catalogue: pd.DataFrame, variant: str) -> FluxModel:
    """Flux model of one variant; ``catalogue`` is the pulsar table (resources/pulsars)."""
    if variant not in VARIANTS:
        raise ValueError(f"model variant must be one of {VARIANTS}, not {variant!r}")
    settings = {k: v for k, v in cfg.get("pulsars", {}).items() if k != "catalogue"}
    return FluxModel(
        catalogue,
        propagation(cfg),
        PulsarSettings(**settings),
        vela_snr(cfg) if variant == "vela" else None,
    )


def fitted_total_flux(curves: pd.DataFrame) -> InterpolatedFlux:
    """Total flux of a fitted variant (curves written by the fit rule), log-log interpolated."""
    return InterpolatedFlux(curves["energy_gev"].to_numpy(), curves["total"].to_numpy())


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
