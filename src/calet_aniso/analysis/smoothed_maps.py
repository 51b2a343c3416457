"""Top-hat smoothed relative intensity and significance maps of a threshold sample.

For every pixel centre c, sums over the disc of angular radius r around it (pixels whose
centres lie inside, ``healpy.query_disc``) of the weighted map W, of its variance under the
isotropic hypothesis V⁰ and of the number of unmasked pixels. Exposure-corrected counts of an
isotropic sky are uniform over the n unmasked pixels, E W_p = M / n, so the disc's expectation
is the fraction f of those pixels in the disc times the sky's total M; and with the pixel's
event weight w_p = Ā_ref / Ā_p (``statistics.event_weights``), V⁰_p = E Σ w² = (M / n) w_p:

* relative intensity  RI(c) = W_disc / (f M) − 1;
* significance         S(c) = (W_disc − f M) / √Var,  Var = (1 − 2f) V⁰_disc + f² V⁰_total,

the variance of W_disc − f M with both sums Poisson (the disc is part of the total). The null
variance, not the observed one, so that an empty disc of a sparse sample is a deficit of its
expected size rather than infinitely significant. Masked pixels, and discs with no unmasked
pixel, are NaN. For a dipole δ n̂·r̂ the disc average of RI
is δ n̂·ĉ (1 + cos r)/2. Sums are done at ``max_nside`` (the maps are degraded by summing) so
that a 30° disc stays cheap at any resolution.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import healpix
import numpy as np

from calet_aniso.geometry.healpix_grid import npix2nside
from calet_aniso.io.healpix_maps import read_maps, write_maps


@dataclass(frozen=True)
class SmoothedMaps:
    """Relative intensity and significance (Galactic, RING, NaN = masked) at ``nside``."""

    relative_intensity: np.ndarray
    significance: np.ndarray
    radius_deg: float
    threshold_gev: float = 0.0

    def write(self, path: str | Path) -> None:
        """FITS (``io.healpix_maps``): columns RELATIVE_INTENSITY and SIGNIFICANCE (NaN =
        masked), keywords RADIUS (deg) and THRESH (GeV)."""
        write_maps(
            path,
            {"relative_intensity": self.relative_intensity, "significance": self.significance},
            {"relative_intensity": "1", "significance": "sigma"},
            {
                "RADIUS": (self.radius_deg, "deg, top-hat disc radius"),
                "THRESH": (self.threshold_gev, "GeV, sample is E >= THRESH"),
            },
        )

    @classmethod
    def read(cls, path: str | Path) -> SmoothedMaps:
        """Read a file written by :meth:`write`; ValueError naming the file if it is not one."""
        maps, header = read_maps(path)
        if not {"relative_intensity", "significance"} <= set(maps) or "RADIUS" not in header:
            raise ValueError(f"{path}: not a smoothed sky-map file")
        return cls(
            maps["relative_intensity"],
            maps["significance"],
            float(header["RADIUS"]),
            float(header["THRESH"]),
        )


def degrade_sum(sky: np.ndarray, nside: int) -> np.ndarray:
    """Sum a RING map into the pixels of a coarser ``nside`` (counts stay counts)."""
    fine = npix2nside(sky.size)
    if fine <= nside:
        return np.asarray(sky, dtype=np.float64)
    nested = np.empty(sky.size)
    nested[healpix.ring2nest(fine, np.arange(sky.size))] = np.asarray(sky, dtype=np.float64)
    summed = nested.reshape(-1, (fine // nside) ** 2).sum(axis=1)
    return summed[healpix.ring2nest(nside, np.arange(summed.size))]


def disc_sums(maps: np.ndarray, radius_deg: float, block: int = 4096) -> np.ndarray:
    """Sums (k, npix) of each of ``maps`` (k, npix) over the disc of ``radius_deg`` around
    every pixel centre (the pixels ``healpy.query_disc`` returns).

    A disc is a run of consecutive pixels in each ring it crosses, so its sum is taken run by
    run from prefix sums restarted at every ring: about 100 differences per disc at Nside 64
    in place of 3 300 additions, and every partial sum bounded by one ring's total (relative
    rounding ~1e-15 of the disc sum). The discs of ``block`` centres are held at a time.
    """
    import healpy as hp  # most of a second to import: not in the jobs that only read maps

    from calet_aniso.analysis.dipole_covariance import pixel_vectors
    from calet_aniso.analysis.disc_runs import sum_runs

    maps = np.atleast_2d(np.asarray(maps, dtype=np.float64))
    npix = maps.shape[1]
    nside = npix2nside(npix)
    starts, lengths, _, _, _ = hp.ringinfo(nside, np.arange(1, 4 * nside))
    ring_first = np.zeros(npix, dtype=np.bool_)
    ring_first[starts] = True
    values = np.ascontiguousarray(maps.T)
    running = np.empty_like(values)  # inclusive prefix sums within each ring
    for lo, n in zip(starts, lengths, strict=True):
        np.cumsum(values[lo : lo + n], axis=0, out=running[lo : lo + n])
    vectors = pixel_vectors(npix)
    radius = np.radians(radius_deg)
    out = np.empty_like(values)
    for first in range(0, npix, block):
        discs = [hp.query_disc(nside, centre, radius) for centre in vectors[first : first + block]]
        ends = np.cumsum([disc.size for disc in discs])
        sum_runs(np.concatenate(discs), ends, ring_first, values, running, out[first:])
    return np.ascontiguousarray(out.T)


def smoothed_maps(
    weighted: np.ndarray,
    pixel_weights: np.ndarray,
    mask: np.ndarray,
    radius_deg: float,
    max_nside: int = 64,
    threshold_gev: float = 0.0,
) -> SmoothedMaps:
    """Relative intensity and significance in discs of ``radius_deg`` (module docstring);
    ``pixel_weights`` are the event weights w_p of the unmasked pixels (ignored elsewhere)."""
    sample = SmoothingInput(weighted, pixel_weights, mask, threshold_gev)
    return smoothed_sample_maps([sample], radius_deg, max_nside)[0]


@dataclass(frozen=True)
class SmoothingInput:
    """One sample to smooth: its weighted map, the event weights of its unmasked pixels, its
    mask (True = kept) and its threshold (GeV)."""

    weighted: np.ndarray
    pixel_weights: np.ndarray
    mask: np.ndarray
    threshold_gev: float = 0.0


def smoothed_sample_maps(
    samples: list[SmoothingInput], radius_deg: float, max_nside: int = 64
) -> list[SmoothedMaps]:
    """:func:`smoothed_maps` of several samples (maps of one Nside), their discs found once:
    each map's disc sums are those it would have alone (bit for bit)."""
    stacks = []
    for sample in samples:
        weighted = np.asarray(sample.weighted)
        nside = min(npix2nside(weighted.size), max_nside)
        mask = np.asarray(sample.mask, dtype=bool)
        null_variance = np.where(
            mask, np.sum(weighted) / np.count_nonzero(mask) * sample.pixel_weights, 0
        )
        kept = degrade_sum(mask.astype(np.float64), nside)
        stacks.append(
            np.stack([degrade_sum(weighted, nside), degrade_sum(null_variance, nside), kept])
        )
    sums = disc_sums(np.concatenate(stacks), radius_deg)  # one row per map: rows independent
    out = []
    for k, (sample, stack) in enumerate(zip(samples, stacks, strict=True)):
        w_disc, v_disc, n_disc = sums[3 * k : 3 * k + 3]
        kept = stack[2]
        total, variance_total = stack[0].sum(), stack[1].sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            fraction = n_disc / kept.sum()
            expected = fraction * total
            variance = (1.0 - 2.0 * fraction) * v_disc + fraction**2 * variance_total
            relative = np.where(n_disc > 0, w_disc / expected - 1.0, np.nan)
            significance = np.where(
                (n_disc > 0) & (variance > 0), (w_disc - expected) / np.sqrt(variance), np.nan
            )
        seen = kept > 0
        out.append(
            SmoothedMaps(
                np.where(seen, relative, np.nan),
                np.where(seen, significance, np.nan),
                radius_deg,
                sample.threshold_gev,
            )
        )
    return out
