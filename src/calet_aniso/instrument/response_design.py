"""A CALET-like geometric effective-area model (approximates, does not reproduce, CALET).

Geometry: a two-plane telescope. The top plane is the charge detector (CHD,
450 mm × 450 mm), the bottom plane the calorimeter (TASC, 326 mm × 326 mm), both square,
parallel, centred on the boresight and separated by ``separation_m``. A particle from
direction (theta, phi) is accepted when it crosses both planes; the geometric area is
the overlap of the bottom square with the top square shifted by ``H tan(theta)`` along
phi, times cos(theta) (the area seen perpendicular to the direction).

The separation is chosen so that the geometric factor equals the CALET design value,
0.12 m² sr (CALET project pages, as quoted in the shared reference README); the field of
view then reaches about 45° from the boresight along the detector axes.

Selection efficiency (a stand-in for the real BDT electron selection; the numbers are
illustrative choices of this model, not measured CALET values): a plateau that rises
from 0.70 at 10 GeV to 0.80 above about 100 GeV, reduced at large inclination by a factor
(1 - k(E) sin²θ) where k grows from 0.10 below 100 GeV to 0.20 at 20 TeV (shower leakage
of inclined high-energy showers). The acceptance above 100 GeV is thus about 0.09 m² sr.
"""

from __future__ import annotations

from dataclasses import dataclass

import healpy as hp
import numpy as np
from scipy.optimize import brentq

CHD_SIDE_M = 0.450
TASC_SIDE_M = 0.326
DESIGN_GEOMETRIC_FACTOR_M2SR = 0.12


def _overlap(shift: np.ndarray, top: float, bottom: float) -> np.ndarray:
    """Overlap length of two centred segments of lengths top, bottom offset by shift."""
    hi = np.minimum(top / 2 - shift, bottom / 2)
    lo = np.maximum(-top / 2 - shift, -bottom / 2)
    return np.clip(hi - lo, 0.0, None)


def geometric_area_m2(
    theta_rad: np.ndarray,
    phi_rad: np.ndarray,
    separation_m: float,
    top_m: float = CHD_SIDE_M,
    bottom_m: float = TASC_SIDE_M,
) -> np.ndarray:
    """Geometric effective area (m²) of the two-square telescope for arrival directions."""
    theta_rad = np.asarray(theta_rad)
    up = theta_rad < np.pi / 2
    tan_t = np.tan(np.where(up, theta_rad, 0.0))
    sx = separation_m * tan_t * np.cos(phi_rad)
    sy = separation_m * tan_t * np.sin(phi_rad)
    area = _overlap(sx, top_m, bottom_m) * _overlap(sy, top_m, bottom_m) * np.cos(theta_rad)
    return np.where(up, area, 0.0)


def geometric_factor_m2sr(separation_m: float, nside: int = 256) -> float:
    """Geometric factor ∫ A dΩ (m² sr) evaluated on a HEALPix grid."""
    theta, phi = hp.pix2ang(nside, np.arange(hp.nside2npix(nside)))
    return float(geometric_area_m2(theta, phi, separation_m).sum() * hp.nside2pixarea(nside))


def separation_for_geometric_factor(target_m2sr: float = DESIGN_GEOMETRIC_FACTOR_M2SR) -> float:
    """Plane separation (m) that gives the target geometric factor."""
    return brentq(lambda h: geometric_factor_m2sr(h) - target_m2sr, 0.05, 5.0, xtol=1e-6)


@dataclass(frozen=True)
class Efficiency:
    """Selection efficiency ε(E, θ) = plateau(E) · (1 − k(E) sin²θ); see module docstring."""

    plateau_high: float = 0.80
    plateau_drop: float = 0.10
    plateau_scale_gev: float = 30.0
    k_low: float = 0.10
    k_high: float = 0.20
    k_start_gev: float = 100.0
    k_stop_gev: float = 20_000.0

    def plateau(self, energy_gev: np.ndarray) -> np.ndarray:
        """Efficiency at normal incidence."""
        return self.plateau_high - self.plateau_drop / (
            1.0 + (np.asarray(energy_gev) / self.plateau_scale_gev) ** 2
        )

    def inclination_slope(self, energy_gev: np.ndarray) -> np.ndarray:
        """k(E): relative loss at grazing incidence."""
        x = np.log(np.asarray(energy_gev) / self.k_start_gev) / np.log(
            self.k_stop_gev / self.k_start_gev
        )
        return self.k_low + (self.k_high - self.k_low) * np.clip(x, 0.0, 1.0)

    def __call__(self, energy_gev: float, theta_rad: np.ndarray) -> np.ndarray:
        return self.plateau(energy_gev) * (
            1.0 - self.inclination_slope(energy_gev) * np.sin(theta_rad) ** 2
        )


def effective_area_maps(
    energies_gev: np.ndarray,
    nside: int,
    separation_m: float,
    efficiency: Efficiency,
    supersample: int = 4,
) -> np.ndarray:
    """Detector-frame effective-area maps (n_energies, npix) in m², RING ordering.

    Each pixel holds the mean of the model over the pixel (evaluated on a grid
    ``supersample`` times finer in Nside and averaged), so sums times pixel area are
    accurate acceptances.
    """
    fine = nside * supersample
    theta, phi = hp.pix2ang(fine, np.arange(hp.nside2npix(fine)))
    geometric = geometric_area_m2(theta, phi, separation_m)
    maps = []
    for energy in energies_gev:
        fine_map = geometric * efficiency(energy, theta)
        maps.append(hp.ud_grade(fine_map, nside, order_in="RING", order_out="RING", power=0))
    return np.array(maps)
