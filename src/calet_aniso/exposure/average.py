"""The average exposure map of an energy selection's sample, computed once per selection.

Ā(p) = (1/N) Σ_i A(E_i, p) over the N events of the sample (E ≥ threshold, or a differential
bin's E_low ≤ E < E_high: ``config.energy_selections``), with A(E, p)
the node exposure maps interpolated log-linearly in energy like the response: it is
Σ_k W_k A_k(p) with W the mean interpolation weights of the sample's energies.

File format (FITS, ``io.healpix_maps``): one HEALPix binary table (Galactic, RING) with
column AVERAGE_EXPOSURE (m² s) and keywords THRESH (GeV, the sample is E ≥ THRESH), NEVENTS
and PERIOD; a bin's also SELKIND = 'bin' and, unless it is open at the top, EMAX (GeV, the
sample is E < EMAX). The sky maps and the Monte Carlo of the selection read it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from calet_aniso.config.energy_selections import EnergySelection
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


def sample_header(selection: EnergySelection, n_events: int, period: str) -> dict[str, object]:
    """FITS keywords describing an energy selection's sample (module docstring)."""
    header: dict[str, object] = {
        "THRESH": (selection.min_gev, "GeV, sample is E >= THRESH"),
        "NEVENTS": n_events,
        "PERIOD": period,
    }
    if selection.kind == "bin":
        header["SELKIND"] = ("bin", "differential bin: E < EMAX (no EMAX: open)")
        if math.isfinite(selection.max_gev):
            header["EMAX"] = (selection.max_gev, "GeV, sample is E < EMAX")
    return header


def header_selection(header: dict[str, object]) -> EnergySelection:
    """The energy selection stated by :func:`sample_header`'s keywords."""
    if header.get("SELKIND") == "bin":
        return EnergySelection(float(header["THRESH"]), float(header.get("EMAX", math.inf)), "bin")
    return EnergySelection(float(header["THRESH"]))


def as_selection(selection: EnergySelection | float) -> EnergySelection:
    """A selection, or a threshold (GeV) taken as the selection E ≥ threshold."""
    if isinstance(selection, EnergySelection):
        return selection
    return EnergySelection(float(selection))


@dataclass(frozen=True)
class AverageExposure:
    """Average exposure (m² s, Galactic, RING) of an energy selection's sample (a threshold in
    GeV is taken as the selection E ≥ threshold)."""

    selection: EnergySelection
    n_events: int
    exposure_m2s: np.ndarray
    period: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "selection", as_selection(self.selection))

    @property
    def threshold_gev(self) -> float:
        """The selection's lowest energy (GeV)."""
        return self.selection.min_gev

    def write(self, path: str | Path) -> None:
        """Write to FITS (format in the module docstring)."""
        write_maps(
            path,
            {"average_exposure": self.exposure_m2s},
            {"average_exposure": UNIT},
            sample_header(self.selection, self.n_events, self.period),
        )

    @classmethod
    def read(cls, path: str | Path) -> AverageExposure:
        """Read a file written by :meth:`write`; ValueError naming the file if it is not one."""
        maps, header = read_maps(path)
        if "average_exposure" not in maps or "THRESH" not in header:
            raise ValueError(f"{path}: not an average-exposure file")
        return cls(
            header_selection(header),
            int(header["NEVENTS"]),
            maps["average_exposure"],
            str(header.get("PERIOD", "")),
        )


def selection_average(
    nodes: NodeExposure,
    response: Response,
    energies_gev: np.ndarray,
    selection: EnergySelection | float,
    period: str = "",
) -> AverageExposure:
    """The average exposure of the selection's sample of the period's event energies (a
    threshold in GeV is the selection E ≥ threshold).

    An empty sample has no average exposure (nor sky map nor Monte Carlo): ConfigError naming
    ``analysis.thresholds_gev`` (or ``analysis.energy_bins_gev``), rather than NaN maps
    downstream.
    """
    selection = as_selection(selection)
    energies = np.asarray(energies_gev)
    energies = energies[selection.contains(energies)]
    if len(energies) == 0:
        key, what = (
            ("analysis.thresholds_gev", "threshold")
            if selection.kind == "threshold"
            else ("analysis.energy_bins_gev", "bin")
        )
        where = (
            f"at or above {selection.min_gev:g} GeV"
            if selection.kind == "threshold"
            else f"with {selection.describe()}"
        )
        raise ConfigError(
            key,
            f"no event {where} in period {period!r}: its average exposure, sky map and Monte "
            f"Carlo are undefined; remove the {what}",
        )
    return AverageExposure(
        selection, len(energies), average_exposure(nodes, response, energies), period
    )
