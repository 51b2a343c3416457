"""The e± flux model fitted to CALET and AMS-02 (proceedings section 4, Figure 2).

Components (fluxes in m⁻² s⁻¹ sr⁻¹ GeV⁻¹, energies in GeV):

* primary electrons, the propagated spectrum parametrised directly: a power law of index γe
  with a soft break at E_b (index change Δγ, softness s: harder by Δγ below E_b) and an
  exponential cut-off at E_cut, fitted as 1/E_cut (TeV⁻¹; 0 = no cut-off, the fit's
  natural boundary), J = N (E/100 GeV)^(−γe) (1 + (E_b/E)^(Δγ/s))^(−s) exp(−E/E_cut);
* secondary e±: the Moskalenko & Strong (1998) fit formulas as given by Baltz & Edsjö,
  PRD 59, 023511 (1999), e⁺: 4.5 E^0.7/(1 + 650 E^2.3 + 1500 E^4.2), e⁻: 0.70 E^0.7/(1 + 110 E^1.5
  + 600 E^2.9 + 580 E^4.2) (cm⁻² s⁻¹ sr⁻¹ GeV⁻¹), times a free scale C_s;
* pulsars: each a burst released T_r after birth (confinement in the nebula), propagated
  for (age − T_r) with the point-source solution; injection E^(−γex) exp(−E/E_cut,ex) carrying
  η W0 above 1 GeV, W0 from Ė, the characteristic age, τ0 and braking index 3; η, γex and
  E_cut,ex common to all pulsars;
* optionally the Vela SNR (proceedings): burst source at its distance and age, constant emission
  over the first ``emission_kyr``, fixed normalisation; an SNR accelerates electrons only.

The positron flux, used to separate the pulsars from the primaries (the total e± flux alone
cannot), is C_s × secondary e⁺ + half the pulsar flux (pulsars make e⁺e⁻ pairs).

Solar modulation is not modelled: fits use E ≥ ``fit_min_energy_gev`` (default 20 GeV).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from calet_aniso.comparison_model.constants import KPC_CM, KYR_S, YR_S
from calet_aniso.comparison_model.green import (
    BurstPropagation,
    Propagation,
    burst_gradient,
    burst_propagation,
    continuous_density,
    flux_from_density,
)
from calet_aniso.comparison_model.injection import CutoffPowerLaw
from calet_aniso.comparison_model.pulsars import total_spin_down_energy_erg

CM2_TO_M2 = 1e4


def secondary_positron_flux(energy_gev: np.ndarray) -> np.ndarray:
    """Secondary e⁺ flux (m⁻² s⁻¹ sr⁻¹ GeV⁻¹), Moskalenko & Strong 1998 fit formula."""
    e = np.asarray(energy_gev, dtype=np.float64)
    return 4.5 * e**0.7 / (1 + 650 * e**2.3 + 1500 * e**4.2) * CM2_TO_M2


def secondary_electron_flux(energy_gev: np.ndarray) -> np.ndarray:
    """Secondary e⁻ flux (m⁻² s⁻¹ sr⁻¹ GeV⁻¹), Moskalenko & Strong 1998 fit formula."""
    e = np.asarray(energy_gev, dtype=np.float64)
    return 0.70 * e**0.7 / (1 + 110 * e**1.5 + 600 * e**2.9 + 580 * e**4.2) * CM2_TO_M2


def secondary_flux(energy_gev: np.ndarray) -> np.ndarray:
    """Secondary e⁺ + e⁻ flux (m⁻² s⁻¹ sr⁻¹ GeV⁻¹)."""
    return secondary_positron_flux(energy_gev) + secondary_electron_flux(energy_gev)


def primary_flux(
    energy_gev: np.ndarray,
    norm: float,
    index: float,
    break_gev: float,
    delta_index: float,
    softness: float,
    inv_cutoff_per_tev: float,
) -> np.ndarray:
    """Primary electrons (m⁻² s⁻¹ sr⁻¹ GeV⁻¹); ``norm``: flux at 100 GeV before break, cut-off."""
    e = np.asarray(energy_gev, dtype=np.float64)
    return (
        norm
        * (e / 100.0) ** (-index)
        * (1.0 + (break_gev / e) ** (delta_index / softness)) ** (-softness)
        * np.exp(-e * 1e-3 * inv_cutoff_per_tev)
    )


@dataclass(frozen=True)
class PulsarSettings:
    """Common pulsar parameters that are not fitted."""

    release_kyr: float
    tau0_yr: float
    braking_index: float
    max_distance_kpc: float
    selection_fraction: float


@dataclass(frozen=True)
class VelaSNR:
    """The Vela SNR (values of the proceedings by default, config ``model.vela``): distance,
    age, injection index and cut-off, e± energy above 1 GeV, constant emission over the first
    ``emission_kyr`` after the explosion (the assumed window), Galactic position."""

    distance_kpc: float
    age_kyr: float
    index: float
    cutoff_gev: float
    energy_erg: float
    emission_kyr: float
    l_deg: float
    b_deg: float

    def spectrum(self) -> CutoffPowerLaw:
        return CutoffPowerLaw(self.index, self.cutoff_gev, self.energy_erg, 1.0)

    def density_and_gradient(
        self, energy_gev: np.ndarray, medium: Propagation
    ) -> tuple[np.ndarray, np.ndarray]:
        """n (GeV⁻¹ cm⁻³) and |∂n/∂r| at the Sun."""
        return continuous_density(
            energy_gev,
            self.distance_kpc * KPC_CM,
            self.age_kyr * KYR_S,
            0.0,
            self.emission_kyr * KYR_S,
            self.spectrum(),
            medium,
        )


#: A table's columns: a DataFrame, or numpy arrays by column name (see ``fit.columns``).
Columns = pd.DataFrame | Mapping[str, np.ndarray]
PARAMETERS = (
    "norm",
    "index",
    "break_gev",
    "delta_index",
    "softness",
    "inv_cutoff_per_tev",
    "cs",
    "eta",
    "pulsar_index",
    "pulsar_cutoff_gev",
)


@dataclass
class FluxModel:
    """Flux components for a set of pulsars, a medium and optionally the Vela SNR."""

    pulsars: pd.DataFrame
    medium: Propagation
    settings: PulsarSettings
    vela: VelaSNR | None = None
    _vela_cache: dict = field(default_factory=dict, repr=False)
    _propagation_cache: dict = field(default_factory=dict, repr=False)

    def released(self) -> pd.DataFrame:
        """Pulsars old enough to have released their e± and near enough to matter."""
        p = self.pulsars
        return p[
            (p["age_yr"] > self.settings.release_kyr * 1e3)
            & (p["dist_kpc"] <= self.settings.max_distance_kpc)
        ]

    def pulsar_densities(
        self, energy_gev: np.ndarray, params: dict[str, float], table: Columns
    ) -> tuple[np.ndarray, np.ndarray]:
        """Density n (GeV⁻¹ cm⁻³) and |∇n| (GeV⁻¹ cm⁻⁴, pointing to the pulsar's side) at the
        Sun of each pulsar of ``table``, each of shape (n_pulsars, n_E)."""
        ages, distances = np.asarray(table["age_yr"]), np.asarray(table["dist_kpc"])
        w0 = total_spin_down_energy_erg(
            np.asarray(table["edot_erg_s"]),
            ages,
            self.settings.tau0_yr,
            self.settings.braking_index,
        )
        shape = (len(ages), len(np.atleast_1d(energy_gev)))
        density, gradient = np.zeros(shape), np.zeros(shape)
        for k, (age, dist, energy) in enumerate(zip(ages, distances, w0, strict=True)):
            spectrum = CutoffPowerLaw(
                params["pulsar_index"], params["pulsar_cutoff_gev"], params["eta"] * energy, 1.0
            )
            travel = (age - self.settings.release_kyr * 1e3) * YR_S
            distance = dist * KPC_CM
            propagation = self._propagation(energy_gev, distance, travel)
            density[k] = propagation.density(spectrum)
            gradient[k] = burst_gradient(density[k], propagation.lam2, distance)
        return density, gradient

    def _propagation(
        self, energy_gev: np.ndarray, distance_cm: float, time_s: float
    ) -> BurstPropagation:
        """A pulsar's propagation factors, computed once per energy grid: the medium is fixed,
        so a fit's calls (which change only the spectra) share them."""
        energy = np.asarray(energy_gev, dtype=np.float64)
        key = (energy.tobytes(), distance_cm, time_s)
        if key not in self._propagation_cache:
            self._propagation_cache[key] = burst_propagation(
                energy, distance_cm, time_s, self.medium
            )
        return self._propagation_cache[key]

    def pulsar_fluxes(
        self, energy_gev: np.ndarray, params: dict[str, float], table: Columns
    ) -> np.ndarray:
        """Flux (m⁻² s⁻¹ sr⁻¹ GeV⁻¹) of each pulsar of ``table``, shape (n_pulsars, n_E)."""
        return flux_from_density(self.pulsar_densities(energy_gev, params, table)[0])

    def components(
        self, energy_gev: np.ndarray, params: dict[str, float], table: Columns | None = None
    ) -> dict[str, np.ndarray]:
        """Flux of each component, the total and the positron flux (m⁻² s⁻¹ sr⁻¹ GeV⁻¹)."""
        table = self.released() if table is None else table
        parts = {
            "primary": primary_flux(
                energy_gev,
                params["norm"],
                params["index"],
                params["break_gev"],
                params["delta_index"],
                params["softness"],
                params["inv_cutoff_per_tev"],
            ),
            "secondary": params["cs"] * secondary_flux(energy_gev),
            "pulsars": self.pulsar_fluxes(energy_gev, params, table).sum(axis=0),
        }
        if self.vela is not None:
            parts["vela"] = self.vela_flux(energy_gev)
        parts["total"] = sum(parts.values())
        parts["positrons"] = (
            params["cs"] * secondary_positron_flux(energy_gev) + 0.5 * parts["pulsars"]
        )
        return parts

    def curves(
        self, energy_gev: np.ndarray, params: dict[str, float], table: pd.DataFrame
    ) -> pd.DataFrame:
        """Components, total, positrons and each pulsar (``pulsar <PSRJ>``) per energy."""
        energy = np.asarray(energy_gev, dtype=np.float64)
        frame = pd.DataFrame({"energy_gev": energy, **self.components(energy, params, table)})
        each = self.pulsar_fluxes(energy, params, table)
        for name, flux in zip(table["psrj"], each, strict=True):
            frame[f"pulsar {name}"] = flux
        return frame

    def vela_flux(self, energy_gev: np.ndarray) -> np.ndarray:
        """Flux of the Vela SNR (fixed parameters: computed once per energy grid)."""
        energy = np.asarray(energy_gev, dtype=np.float64)
        key = energy.tobytes()
        if key not in self._vela_cache:
            density, _ = self.vela.density_and_gradient(energy, self.medium)
            self._vela_cache[key] = flux_from_density(density)
        return self._vela_cache[key]

    def select_pulsars(self, energy_gev: np.ndarray, params: dict[str, float]) -> pd.DataFrame:
        """Pulsars contributing over ``selection_fraction`` of the total flux at some energy."""
        candidates = self.released()
        each = self.pulsar_fluxes(energy_gev, params, candidates)
        total = self.components(energy_gev, params, candidates.iloc[:0])["total"] + each.sum(axis=0)
        keep = (each / total).max(axis=1) > self.settings.selection_fraction
        return candidates[keep]
