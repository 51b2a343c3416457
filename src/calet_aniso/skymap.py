"""Average exposure per threshold, event weights (seed eq. 3.1) and sky maps.

For a threshold sample (events with E ≥ threshold):

* average exposure map Ā_thr(p) = (1/N) Σ_i A(E_i, p), with A(E, p) the node exposure maps
  interpolated log-linearly in energy (as the response is): it is Σ_k W_k A_k(p) with W the
  mean interpolation weights of the sample's energies;
* event weight w_i = Ā / A(E_i, p_i), with Ā = Σ_i Σ_p A(E_i, p) / (N · N_pix) — the mean
  of the average exposure map (seed eq. 3.1);
* counts map: events per pixel; weighted (exposure-corrected) map: Σ w_i per pixel.
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


def event_weights(average_map: np.ndarray, exposure_at_events: np.ndarray) -> np.ndarray:
    """Seed eq. 3.1: w_i = Ā / A_i, Ā the mean of the sample's average exposure map."""
    if np.any(exposure_at_events <= 0):
        bad = int(np.flatnonzero(exposure_at_events <= 0)[0])
        raise ValueError(
            f"event {bad} lies where the exposure is zero: exposure and events disagree"
        )
    return np.mean(average_map) / exposure_at_events


@dataclass(frozen=True)
class SkyMaps:
    """Counts and exposure-corrected maps of one threshold sample (Galactic, RING)."""

    counts: np.ndarray
    weighted: np.ndarray
    average_exposure: np.ndarray


def sky_maps(
    node_maps: np.ndarray,
    response: Response,
    energies_gev: np.ndarray,
    l_deg: np.ndarray,
    b_deg: np.ndarray,
) -> SkyMaps:
    """Counts, weighted and average-exposure maps of a sample."""
    npix = node_maps.shape[1]
    nside = hp.npix2nside(npix)
    average = average_exposure(node_maps, response, energies_gev)
    pixels = event_pixels(nside, l_deg, b_deg)
    counts = np.bincount(pixels, minlength=npix).astype(np.float64)
    if len(pixels) == 0:
        return SkyMaps(counts, counts.copy(), average)
    weights = event_weights(average, event_exposure(node_maps, response, energies_gev, pixels))
    weighted = np.bincount(pixels, weights=weights, minlength=npix)
    return SkyMaps(counts, weighted, average)


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
