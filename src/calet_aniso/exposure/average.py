"""The average exposure map of a threshold sample, computed once per threshold.

Ā_thr(p) = (1/N) Σ_i A(E_i, p) over the N events of the sample (E ≥ threshold), with A(E, p)
the node exposure maps interpolated log-linearly in energy like the response: it is
Σ_k W_k A_k(p) with W the mean interpolation weights of the sample's energies.

File format (FITS, ``io.healpix_maps``): one HEALPix binary table (Galactic, RING) with
column AVERAGE_EXPOSURE (m² s) and keywords THRESH (GeV, the sample is E ≥ THRESH), NEVENTS
and PERIOD. The sky maps and the Monte Carlo of the threshold read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from calet_aniso.errors import ConfigError
from calet_aniso.exposure.node_maps import UNIT, NodeExposure
from calet_aniso.instrument.response import Response
from calet_aniso.io.healpix_maps import read_maps, write_maps


def average_exposure(
    nodes: NodeExposure, response: Response, energies_gev: np.ndarray
) -> np.ndarray:
    """Average exposure map (m² s) of a sample: mean over events of A(E_i, ·).

    With no events the average is undefined: returns NaNs.
    """
    if len(energies_gev) == 0:
        return np.full(nodes.maps_m2s.shape[1], np.nan)
    weights = response.node_weight_matrix(np.asarray(energies_gev)).mean(axis=0)
    return weights @ nodes.maps_m2s


def sample_header(threshold_gev: float, n_events: int, period: str) -> dict[str, object]:
    """FITS keywords describing a threshold sample."""
    return {
        "THRESH": (threshold_gev, "GeV, sample is E >= THRESH"),
        "NEVENTS": n_events,
        "PERIOD": period,
    }


@dataclass(frozen=True)
class AverageExposure:
    """Average exposure (m² s, Galactic, RING) of the sample E ≥ threshold_gev."""

    threshold_gev: float
    n_events: int
    exposure_m2s: np.ndarray
    period: str = ""

    def write(self, path: str | Path) -> None:
        """Write to FITS (format in the module docstring)."""
        write_maps(
            path,
            {"average_exposure": self.exposure_m2s},
            {"average_exposure": UNIT},
            sample_header(self.threshold_gev, self.n_events, self.period),
        )

    @classmethod
    def read(cls, path: str | Path) -> AverageExposure:
        """Read a file written by :meth:`write`; ValueError naming the file if it is not one."""
        maps, header = read_maps(path)
        if "average_exposure" not in maps or "THRESH" not in header:
            raise ValueError(f"{path}: not an average-exposure file")
        return cls(
            float(header["THRESH"]),
            int(header["NEVENTS"]),
            maps["average_exposure"],
            str(header.get("PERIOD", "")),
        )


def threshold_average(
    nodes: NodeExposure,
    response: Response,
    energies_gev: np.ndarray,
    threshold_gev: float,
    period: str = "",
) -> AverageExposure:
    """The average exposure of the sample E ≥ ``threshold_gev`` of the period's event energies.

    An empty sample has no average exposure (nor sky map nor Monte Carlo): ConfigError naming
    ``analysis.thresholds_gev``, rather than NaN maps downstream.
    """
    energies = np.asarray(energies_gev)
    energies = energies[energies >= threshold_gev]
    if len(energies) == 0:
        raise ConfigError(
            "analysis.thresholds_gev",
            f"no event at or above {threshold_gev:g} GeV in period {period!r}: its average "
            "exposure, sky map and Monte Carlo are undefined; remove the threshold",
        )
    return AverageExposure(
        threshold_gev, len(energies), average_exposure(nodes, response, energies), period
    )
