"""Predicted dipole anisotropy of the Vela SNR model (proceedings section 4, Figure 4).

δ(E) = (3 D(E)/c) |∇n_Vela| / n_total, pointing to Vela, with n_total the density of the
total e± flux (c n / 4π = J). The total flux is the measured one (interpolated), so the
prediction does not depend on how the rest of the flux is modelled (a smooth fit of
it, ``spectrum.SmoothFlux``, so data scatter does not imprint on δ). Both the analytic
gradient and the proceedings' finite difference (eq. 4.2) are reported. Above a threshold,
δ(≥E) = ∫ δ(E′) J(E′) dE′ / ∫ J(E′) dE′ over E ≤ E′ ≤ E_max, where E_max is the top of the
measured range (the workflow uses the upper edge of the last measured bin, 4.57 TeV for CALET
2018): above it the total flux, and so δ, is not constrained by data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from calet_aniso.comparison_model.anisotropy import (
    dipole_amplitude,
    finite_difference_dipole,
    integral_dipole,
)
from calet_aniso.comparison_model.configuration import flux_model
from calet_aniso.comparison_model.constants import KPC_CM, KYR_S
from calet_aniso.comparison_model.flux import VelaSNR
from calet_aniso.comparison_model.green import (
    Propagation,
    continuous_density,
    density_from_flux,
    flux_from_density,
)
from calet_aniso.comparison_model.sky_dipole import dipole_above, summed_dipole
from calet_aniso.geometry.frames import direction_lonlat
from calet_aniso.io.files import write_parquet


def vela_dipole(
    energy_gev: np.ndarray,
    total_flux: Callable[[np.ndarray], np.ndarray],
    vela: VelaSNR,
    medium: Propagation,
) -> pd.DataFrame:
    """Per energy: Vela flux, total flux, δ by analytic gradient and by finite difference."""
    energy = np.asarray(energy_gev, dtype=np.float64)
    density, gradient = vela.density_and_gradient(energy, medium)
    total = np.asarray(total_flux(energy))
    total_density = density_from_flux(total)
    analytic = dipole_amplitude(energy, gradient, total_density, medium.diffusion)
    distance = vela.distance_kpc * KPC_CM

    def density_at(d):
        return continuous_density(
            energy, d, vela.age_kyr * KYR_S, 0.0, vela.emission_kyr * KYR_S, vela.spectrum(), medium
        )[0]

    # Finite difference of the Vela density alone, normalised to the total density.
    finite = finite_difference_dipole(energy, density_at, distance, 1e-3 * KPC_CM, medium.diffusion)
    with np.errstate(invalid="ignore", divide="ignore"):
        finite = np.where(total_density > 0, finite * density / total_density, 0.0)
    return pd.DataFrame(
        {
            "energy_gev": energy,
            "vela_flux": flux_from_density(density),
            "total_flux": total,
            "delta_analytic": analytic,
            "delta_finite_difference": finite,
        }
    )


def _flux_weighted_delta(
    table: pd.DataFrame, low_gev: np.ndarray, high_gev: np.ndarray | None = None
) -> np.ndarray:
    """Flux-weighted δ above ``low_gev`` (up to ``high_gev`` if given) from a per-energy table
    of :func:`vela_dipole` (fine log grid)."""
    total = table["total_flux"].to_numpy()
    return integral_dipole(
        table["energy_gev"].to_numpy(),
        table["delta_analytic"].to_numpy() * total,
        total,
        low_gev,
        high_gev,
    )


def vela_dipole_in_bins(
    table: pd.DataFrame, low_gev: np.ndarray, high_gev: np.ndarray
) -> pd.DataFrame:
    """Flux-weighted mean δ in energy bins [low, high] (as Fermi-LAT's differential limits)."""
    return pd.DataFrame(
        {
            "e_low_gev": np.asarray(low_gev, dtype=float),
            "e_high_gev": np.asarray(high_gev, dtype=float),
            "delta_bin": _flux_weighted_delta(table, low_gev, high_gev),
        }
    )


def vela_dipole_above(table: pd.DataFrame, thresholds_gev: np.ndarray) -> pd.DataFrame:
    """δ(≥ threshold) from a per-energy table of :func:`vela_dipole`."""
    return pd.DataFrame(
        {
            "threshold_gev": np.asarray(thresholds_gev, dtype=float),
            "delta_above": _flux_weighted_delta(table, thresholds_gev),
        }
    )


@dataclass(frozen=True)
class VelaPrediction:
    """The Vela SNR model's predicted dipole: per energy, above thresholds, in Fermi-LAT bins.

    Files (Parquet, metadata ``vela``, ``b0_per_gev_s``, ``pulsars``): ``per_energy``
    (energy_gev, vela_flux, total_flux, delta_analytic, delta_finite_difference,
    delta_all_sources, dipole_l_deg, dipole_b_deg), ``above`` (threshold_gev, delta_above,
    delta_above_all_sources, dipole_l_deg, dipole_b_deg), ``fermi_bins`` (e_low_gev,
    e_high_gev, delta_bin, delta_bin_all_sources, fermi_delta_ul_95).
    """

    per_energy: pd.DataFrame
    above: pd.DataFrame
    fermi_bins: pd.DataFrame
    meta: dict

    def write(self, per_energy: str | Path, above: str | Path, fermi_bins: str | Path) -> None:
        """Write the three tables."""
        write_parquet(self.per_energy, per_energy, self.meta)
        write_parquet(self.above, above, self.meta)
        write_parquet(self.fermi_bins, fermi_bins, self.meta)


def predict_vela_anisotropy(
    model_cfg: dict,
    catalogue: pd.DataFrame,
    fit: dict,
    total_flux: Callable[[np.ndarray], np.ndarray],
    measured_top_gev: float,
    thresholds_gev: np.ndarray,
    fermi: pd.DataFrame,
) -> VelaPrediction:
    """The dipole of the fitted Vela variant: the Vela SNR alone (analytic and eq. 4.2) and all
    its point sources (Vela and the fitted pulsars) added as vectors, with direction.

    ``fit`` is the variant's fit summary, ``total_flux`` its total flux (the denominator,
    proceedings Figure 2 lower panel); energies run from 10 GeV to ``measured_top_gev``, the top
    of the measured total flux (beyond it the model is an extrapolation). ``fermi`` holds the
    Fermi-LAT bins (e_low_gev, e_high_gev, delta_ul_95): limits per differential bin, so the
    prediction is compared as the flux-weighted δ in each bin.
    """
    model = flux_model(model_cfg, catalogue, "vela")
    pulsars = catalogue[catalogue["psrj"].isin(fit["pulsars"])]
    energy = np.geomspace(10.0, measured_top_gev, 400)
    flux = total_flux(energy)
    per_energy = vela_dipole(energy, total_flux, model.vela, model.medium)
    vectors = summed_dipole(model, fit["values"], pulsars, energy, flux)
    per_energy["delta_all_sources"] = np.linalg.norm(vectors, axis=1)
    per_energy["dipole_l_deg"], per_energy["dipole_b_deg"] = direction_lonlat(vectors)

    above = vela_dipole_above(per_energy, thresholds_gev)
    every = dipole_above(energy, vectors, flux, thresholds_gev)
    above = above.join(every.rename(columns={"delta": "delta_above_all_sources"}))
    bins = vela_dipole_in_bins(per_energy, fermi["e_low_gev"], fermi["e_high_gev"])
    bins["delta_bin_all_sources"] = dipole_above(
        energy, vectors, flux, fermi["e_low_gev"], fermi["e_high_gev"]
    )["delta"].to_numpy()
    bins["fermi_delta_ul_95"] = fermi["delta_ul_95"].to_numpy()
    meta = {
        "vela": asdict(model.vela),
        "b0_per_gev_s": model.medium.losses.b0_per_gev_s,
        "pulsars": fit["pulsars"],
    }
    return VelaPrediction(per_energy, above, bins, meta)
