"""Counts and exposure-corrected sky maps of an energy selection's sample (proceedings eq. 3.1).

For a sample (events with E ≥ threshold, or in a differential bin:
``config.energy_selections``) and its average exposure map
(``exposure.average``):

* counts map: events per pixel;
* weighted (exposure-corrected) map: Σ w_i per pixel, with the event weights of
  ``analysis.statistics`` (w_i = Ā / A(E_i, p_i));
* Σ w_i² per pixel: the Poisson variance of the weighted map (dipole direction errors and
  significance maps, ``analysis.dipole_covariance`` and ``analysis.smoothed_maps``).

Pixels whose average exposure is below ``min_relative_exposure`` of its maximum are masked
(their events dropped, Ā averaged over the kept pixels; ``statistics.exposure_mask``).
Without it, a period shorter than one orbit-precession cycle covers a band of sky with sharp
edges, where events in pixels of near-zero exposure receive weights of thousands and dominate
the multipoles. The Monte Carlo applies the same mask.

File format (FITS, ``io.healpix_maps``): one HEALPix binary table (Galactic, RING) with
columns COUNTS, WEIGHTED, WEIGHTED_SQUARED (events) and AVERAGE_EXPOSURE (m² s); keywords
THRESH (GeV; a bin's also SELKIND and EMAX, ``exposure.average``), NEVENTS, PERIOD, NMASKED
(events in masked pixels) and MINRELEX (the mask's fraction).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from calet_aniso.analysis.statistics import event_weights, exposure_mask, reference_exposure
from calet_aniso.config.energy_selections import EnergySelection
from calet_aniso.exposure.average import (
    AverageExposure,
    as_selection,
    average_exposure,
    header_selection,
    sample_header,
)
from calet_aniso.exposure.node_maps import NodeExposure
from calet_aniso.geometry.healpix_grid import ang2pix, npix2nside
from calet_aniso.instrument.response import Response
from calet_aniso.io.healpix_maps import read_maps, write_maps

if TYPE_CHECKING:
    import pandas as pd


def event_pixels(nside: int, l_deg: np.ndarray, b_deg: np.ndarray) -> np.ndarray:
    """HEALPix RING pixel of each galactic direction (healpy's, without importing it)."""
    return ang2pix(nside, l_deg, b_deg)


def event_exposure(
    nodes: NodeExposure, response: Response, energies_gev: np.ndarray, pixels: np.ndarray
) -> np.ndarray:
    """A(E_i, p_i): exposure (m² s) at each event's energy and pixel."""
    maps = nodes.maps_m2s
    lower, upper_weight = response.node_weights(energies_gev)
    return (1.0 - upper_weight) * maps[lower, pixels] + upper_weight * maps[lower + 1, pixels]


def selection_sample(events: pd.DataFrame, selection: EnergySelection) -> pd.DataFrame:
    """Events of an energy selection's sample (E ≥ threshold, or in the bin)."""
    return events[selection.contains(events["energy"].to_numpy())]


@dataclass(frozen=True)
class SkyMaps:
    """Counts and exposure-corrected maps of one threshold sample (Galactic, RING)."""

    counts: np.ndarray
    weighted: np.ndarray
    weighted_squared: np.ndarray
    average_exposure: np.ndarray
    masked_events: int = 0
    selection: EnergySelection | float = 0.0
    n_events: int = 0
    min_relative_exposure: float = 0.0
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
            {
                "counts": self.counts,
                "weighted": self.weighted,
                "weighted_squared": self.weighted_squared,
                "average_exposure": self.average_exposure,
            },
            {
                "counts": "events",
                "weighted": "events",
                "weighted_squared": "events",
                "average_exposure": "m2 s",
            },
            {
                **sample_header(self.selection, self.n_events, self.period),
                "NMASKED": (self.masked_events, "events in masked low-exposure pixels"),
                "MINRELEX": (self.min_relative_exposure, "mask: exposure < MINRELEX*max"),
            },
        )

    @classmethod
    def read(cls, path: str | Path) -> SkyMaps:
        """Read a file written by :meth:`write`; ValueError naming the file if it is not one."""
        maps, header = read_maps(path)
        columns = {"counts", "weighted", "weighted_squared", "average_exposure"}
        if "THRESH" not in header or not {"counts", "weighted"} <= set(maps):
            raise ValueError(f"{path}: not a sky-map file")
        if not columns <= set(maps):
            raise ValueError(
                f"{path}: a sky-map file of an older version (no {sorted(columns - set(maps))}):"
                " rerun its rule (snakemake -R selection_statistics)"
            )
        return cls(
            maps["counts"],
            maps["weighted"],
            maps["weighted_squared"],
            maps["average_exposure"],
            int(header["NMASKED"]),
            header_selection(header),
            int(header["NEVENTS"]),
            float(header["MINRELEX"]),
            str(header.get("PERIOD", "")),
        )


def sky_maps(
    average: AverageExposure,
    nodes: NodeExposure,
    response: Response,
    energies_gev: np.ndarray,
    l_deg: np.ndarray,
    b_deg: np.ndarray,
    min_relative_exposure: float,
) -> SkyMaps:
    """Counts and weighted maps of the sample whose average exposure is ``average`` (masked:
    module docstring); the events are that sample's."""
    if average.n_events != len(energies_gev):
        raise ValueError(
            f"the average exposure of {average.selection.describe()} is of {average.n_events} "
            f"events, the sample has {len(energies_gev)}: they come from different event lists"
        )
    npix = nodes.maps_m2s.shape[1]
    described = {
        "selection": average.selection,
        "n_events": len(energies_gev),
        "min_relative_exposure": min_relative_exposure,
        "period": average.period,
    }
    if len(energies_gev) == 0:
        empty = np.zeros(npix)
        return SkyMaps(empty, empty.copy(), empty.copy(), average.exposure_m2s, 0, **described)
    mask = exposure_mask(average.exposure_m2s, min_relative_exposure)
    pixels = event_pixels(npix2nside(npix), l_deg, b_deg)
    keep = mask[pixels]
    energies = np.asarray(energies_gev)[keep]
    pixels = pixels[keep]
    counts = np.bincount(pixels, minlength=npix).astype(np.float64)
    weights = event_weights(
        reference_exposure(average.exposure_m2s, mask),
        event_exposure(nodes, response, energies, pixels),
    )
    weighted = np.bincount(pixels, weights=weights, minlength=npix)
    squared = np.bincount(pixels, weights=weights * weights, minlength=npix)
    return SkyMaps(counts, weighted, squared, average.exposure_m2s, int((~keep).sum()), **described)


def sample_sky_maps(
    nodes: NodeExposure,
    response: Response,
    energies_gev: np.ndarray,
    l_deg: np.ndarray,
    b_deg: np.ndarray,
    min_relative_exposure: float,
    selection: EnergySelection | float = 0.0,
) -> SkyMaps:
    """The data path of one sample in memory (as rule selection_statistics does it):
    its average exposure, then its counts and weighted maps."""
    average = AverageExposure(
        selection, len(energies_gev), average_exposure(nodes, response, energies_gev)
    )
    return sky_maps(average, nodes, response, energies_gev, l_deg, b_deg, min_relative_exposure)
