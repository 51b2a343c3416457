"""Average exposure per threshold, event weights (seed eq. 3.1) and sky maps.

For a threshold sample (events with E ≥ threshold):

* average exposure map Ā_thr(p) = (1/N) Σ_i A(E_i, p), with A(E, p) the node exposure maps
  interpolated log-linearly in energy (as the response is): it is Σ_k W_k A_k(p) with W the
  mean interpolation weights of the sample's energies;
* event weight w_i = Ā / A(E_i, p_i), with Ā = Σ_i Σ_p A(E_i, p) / (N · N_pix) — the mean
  of the average exposure map (seed eq. 3.1);
* counts map: events per pixel; weighted (exposure-corrected) map: Σ w_i per pixel.

Pixels whose average exposure is below ``min_relative_exposure`` of its maximum are masked
(their events dropped, Ā averaged over the kept pixels). Without it, a period shorter than
one orbit-precession cycle covers a band of sky with sharp edges, where events in pixels of
near-zero exposure receive weights of thousands and dominate the multipoles. The Monte
Carlo applies the same mask (``montecarlo.IsotropicSky``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import healpy as hp
import numpy as np

from .response import Response

if TYPE_CHECKING:
    import pandas as pd


def average_exposure(
    node_maps: np.ndarray, response: Response, energies_gev: np.ndarray
) -> np.ndarray:
    """Average exposure map (m² s) of a sample: mean over events of A(E_i, ·).

    With no events the average is undefined: returns NaNs.
    """
    if len(energies_gev) == 0:
        return np.full(node_maps.shape[1], np.nan)
    weights = response.node_weight_matrix(np.asarray(energies_gev)).mean(axis=0)
    return weights @ node_maps


def event_pixels(nside: int, l_deg: np.ndarray, b_deg: np.ndarray) -> np.ndarray:
    """HEALPix RING pixel of each galactic direction."""
    return hp.ang2pix(nside, np.asarray(l_deg), np.asarray(b_deg), lonlat=True)


def event_exposure(
    node_maps: np.ndarray, response: Response, energies_gev: np.ndarray, pixels: np.ndarray
) -> np.ndarray:
    """A(E_i, p_i): exposure (m² s) at each event's energy and pixel."""
    lower, upper_weight = response.node_weights(energies_gev)
    return (1.0 - upper_weight) * node_maps[lower, pixels] + upper_weight * node_maps[
        lower + 1, pixels
    ]


def exposure_mask(average_map: np.ndarray, min_relative_exposure: float) -> np.ndarray:
    """Pixels kept for the analysis: average exposure ≥ min_relative_exposure × its maximum."""
    return average_map >= min_relative_exposure * np.nanmax(average_map)


def event_weights(
    average_map: np.ndarray, exposure_at_events: np.ndarray, mask: np.ndarray | None = None
) -> np.ndarray:
    """Seed eq. 3.1: w_i = Ā / A_i, Ā the mean of the average exposure over the kept pixels."""
    if np.any(exposure_at_events <= 0):
        bad = int(np.flatnonzero(exposure_at_events <= 0)[0])
        raise ValueError(
            f"event {bad} lies where the exposure is zero: exposure and events disagree"
        )
    kept = average_map if mask is None else average_map[mask]
    return np.mean(kept) / exposure_at_events


@dataclass(frozen=True)
class SkyMaps:
    """Counts and exposure-corrected maps of one threshold sample (Galactic, RING)."""

    counts: np.ndarray
    weighted: np.ndarray
    average_exposure: np.ndarray
    masked_events: int = 0


def sky_maps(
    node_maps: np.ndarray,
    response: Response,
    energies_gev: np.ndarray,
    l_deg: np.ndarray,
    b_deg: np.ndarray,
    min_relative_exposure: float = 0.0,
) -> SkyMaps:
    """Counts, weighted and average-exposure maps of a sample (masked: module docstring)."""
    npix = node_maps.shape[1]
    nside = hp.npix2nside(npix)
    average = average_exposure(node_maps, response, energies_gev)
    if len(energies_gev) == 0:
        empty = np.zeros(npix)
        return SkyMaps(empty, empty.copy(), average)
    mask = exposure_mask(average, min_relative_exposure)
    pixels = event_pixels(nside, l_deg, b_deg)
    keep = mask[pixels]
    energies = np.asarray(energies_gev)[keep]
    pixels = pixels[keep]
    counts = np.bincount(pixels, minlength=npix).astype(np.float64)
    weights = event_weights(average, event_exposure(node_maps, response, energies, pixels), mask)
    weighted = np.bincount(pixels, weights=weights, minlength=npix)
    return SkyMaps(counts, weighted, average, int((~keep).sum()))


def threshold_sample(events: pd.DataFrame, threshold_gev: float) -> pd.DataFrame:
    """Events of the threshold sample, E ≥ threshold."""
    return events[events["energy"] >= threshold_gev]


def sample_header(threshold_gev: float, n_events: int, period: str) -> dict[str, object]:
    """FITS keywords describing a threshold sample."""
    return {
        "THRESH": (threshold_gev, "GeV, sample is E >= THRESH"),
        "NEVENTS": n_events,
        "PERIOD": period,
    }
