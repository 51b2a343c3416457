"""Measured e± flux tables and a smooth flux model interpolated from them.

Tables are CSV files in ``resources/fluxes/`` (columns: energy_gev, energy_low_gev,
energy_high_gev, flux in (m² s sr GeV)⁻¹, statistical and systematic errors low/high).
The flux between bin centres is interpolated linearly in log-log; outside the measured
range it follows a power law fitted (log-log least squares) to the end points.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

FLUX_COLUMNS = (
    "energy_gev",
    "energy_low_gev",
    "energy_high_gev",
    "flux",
    "stat_err_low",
    "stat_err_high",
    "sys_err_low",
    "sys_err_high",
)


def read_flux_table(path: str | Path) -> pd.DataFrame:
    """Read a flux table shipped in resources (CSV, '#' comments)."""
    frame = pd.read_csv(path, comment="#")
    missing = [c for c in FLUX_COLUMNS if c not in frame]
    if missing:
        raise ValueError(f"{path}: missing flux-table columns {missing}")
    return frame


def systematic_fraction_above(
    table: pd.DataFrame, thresholds_gev: np.ndarray, upper_gev: np.ndarray | float = np.inf
) -> np.ndarray:
    """Relative systematic uncertainty of the flux integrated above each threshold (and below
    ``upper_gev``, per threshold or one for all: a differential bin's): Σ sys·ΔE / Σ flux·ΔE
    over the bins whose centre is in the range (the larger of the low and high systematic
    error of each bin, errors taken as fully correlated). NaN where no bin is in the range."""
    centre = table["energy_gev"].to_numpy()
    width = (table["energy_high_gev"] - table["energy_low_gev"]).to_numpy()
    flux = table["flux"].to_numpy() * width
    sys = np.maximum(table["sys_err_low"], table["sys_err_high"]).to_numpy() * width
    lows = np.atleast_1d(thresholds_gev)
    highs = np.broadcast_to(np.asarray(upper_gev, dtype=float), lows.shape)
    out = []
    for low, high in zip(lows, highs, strict=True):
        inside = (centre >= low) & (centre < high)
        out.append(sys[inside].sum() / flux[inside].sum() if inside.any() else np.nan)
    return np.array(out)


def measured_top_gev(paths: list[str | Path]) -> float:
    """Top of the measured range: the highest upper bin edge (GeV) of the flux tables."""
    return max(float(read_flux_table(p)["energy_high_gev"].max()) for p in paths)


@dataclass(frozen=True)
class InterpolatedFlux:
    """Log-log interpolation of a tabulated flux with power-law ends.

    Attributes
    ----------
    energy_gev, flux : tabulated points (GeV, (m² s sr GeV)⁻¹).
    n_end_points : how many points at each end fix the extrapolating power law.
    """

    energy_gev: np.ndarray
    flux: np.ndarray
    n_end_points: int = 5

    @classmethod
    def from_table(cls, table: pd.DataFrame) -> InterpolatedFlux:
        """Flux model from a table read by :func:`read_flux_table`."""
        return cls(table["energy_gev"].to_numpy(float), table["flux"].to_numpy(float))

    def _end_law(self, sl: slice) -> tuple[float, float]:
        slope, intercept = np.polyfit(np.log(self.energy_gev[sl]), np.log(self.flux[sl]), 1)
        return slope, intercept

    def __call__(self, energy_gev: np.ndarray) -> np.ndarray:
        """Flux (m² s sr GeV)⁻¹ at the given energies (GeV)."""
        log_e = np.log(np.asarray(energy_gev, dtype=np.float64))
        log_nodes = np.log(self.energy_gev)
        out = np.interp(log_e, log_nodes, np.log(self.flux))
        lo_slope, lo_icpt = self._end_law(slice(0, self.n_end_points))
        hi_slope, hi_icpt = self._end_law(slice(-self.n_end_points, None))
        out = np.where(log_e < log_nodes[0], lo_icpt + lo_slope * log_e, out)
        out = np.where(log_e > log_nodes[-1], hi_icpt + hi_slope * log_e, out)
        return np.exp(out)


@dataclass(frozen=True)
class SmoothFlux:
    """A smooth description of a measured flux: ln J = polynomial in ln E, weighted fit.

    Used where the point-to-point scatter of the data should not imprint on a derived
    quantity (e.g. the flux in the denominator of a predicted anisotropy). Fitted by weighted
    least squares to ln J with σ(ln J) = √(σ_stat² + σ_sys²)/J over E ≥ ``min_energy_gev``.
    """

    coefficients: np.ndarray

    @classmethod
    def fit(cls, table: pd.DataFrame, degree: int = 3, min_energy_gev: float = 20.0) -> SmoothFlux:
        keep = table["energy_gev"] >= min_energy_gev
        t = table[keep]
        sigma = np.hypot(
            0.5 * (t["stat_err_low"] + t["stat_err_high"]),
            0.5 * (t["sys_err_low"] + t["sys_err_high"]),
        )
        weights = (t["flux"] / sigma).to_numpy()
        coefficients = np.polyfit(np.log(t["energy_gev"]), np.log(t["flux"]), degree, w=weights)
        return cls(coefficients)

    def __call__(self, energy_gev: np.ndarray) -> np.ndarray:
        """Flux (m² s sr GeV)⁻¹ at the given energies."""
        return np.exp(
            np.polyval(self.coefficients, np.log(np.asarray(energy_gev, dtype=np.float64)))
        )
