"""Isotropic Monte Carlo skies analysed exactly like the data (proceedings section 4).

For a threshold sample with average exposure map Ā(p) and expected event count N̄, an
isotropic sky has expected counts λ_p = N̄ Ā(p) / Σ Ā. Independent Poisson counts per pixel
are the same distribution as independent Poisson counts per HEALPix ring,
n_r ~ Poisson(Σ_{p in r} λ_p), placed within the ring with probability ∝ λ_p — which is how
samples are drawn: 255 Poisson variates per sample (Nside 64), then one alias-table draw
per event from the ring's own small table. The sample is analysed like the data: the
corrected map weights each event by w_p = mean(Ā) / Ā(p) (eq. 3.1 with the sample's
average exposure; Monte Carlo events carry no individual energy), the uncorrected map
counts events; C0..C3, δ and δ_UL follow.

Estimation without maps: a real harmonic factorises on a HEALPix ring as
Y_lm(θ_r, φ) = R_lm(θ_r) · {cos mφ, 1, sin |m|φ}, so while a ring's events are drawn their
Fourier sums Σ {1, cos mφ, sin mφ} (m ≤ 3, weighted and not) are kept in registers, and
a_lm += R_lm(ring) × sum. The result is the pixel-area quadrature of
``anafast(lmax=3, iter=0)`` on the sample's map, to rounding — without building the map,
and with every memory access in a ring-local, cache-resident table. Arithmetic is strict
IEEE (no fastmath), so results are also identical across CPU types.

Above a few events per pixel, drawing every event costs more than drawing every pixel:
then (``method = "pixels"``, chosen from N̄ and N_pix alone, so deterministically) each
pixel's count is drawn directly, n_p ~ Poisson(λ_p), and the same ring sums are accumulated
with n_p as multiplicity: the cost is flat in N. Both methods draw independent Poisson counts
per pixel, the same distribution; their random streams differ, so a threshold's samples
depend on the method its N̄ selects (never on shards, executor or threads).

Random numbers: every sample has its own stream (``montecarlo.random_streams``), so results
do not depend on how samples are split into shards, on the executor or on the thread count.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import healpy as hp
import numba
import numpy as np
from scipy.special import sph_harm_y

from calet_aniso.analysis.harmonics import lm_pairs
from calet_aniso.analysis.statistics import (
    LMAX,
    UNCORRECTED,
    dipole_toward,
    exposure_mask,
    pixel_weights,
    sky_statistics,
)
from calet_aniso.io.progress import Progress
from calet_aniso.montecarlo.alias import draw_in_ring, packed_ring_tables
from calet_aniso.montecarlo.random_streams import new_stream, poisson, sample_key


@dataclass(frozen=True)
class IsotropicSky:
    """Everything a threshold's Monte Carlo needs, precomputed from its average exposure.

    Attributes
    ----------
    mean_count : expected number of events N̄.
    ring_mean : (n_rings,) expected events per ring, N̄ Σ_ring Ā / Σ Ā.
    ring_start : (n_rings + 1,) first pixel of each ring, then N_pix.
    ring_alias : (npix,) per-ring alias tables over the pixels of each ring (packed,
        local indices), stored at the ring's own pixel range.
    pixel_table : (npix, 3) cos φ, sin φ and event weight w_p of each pixel.
    ring_factors : (n_rings, 16) R_lm of each ring, in ``lm_pairs`` order.
    pixel_area : ΔΩ = 4π / N_pix (sr).
    pixel_mean : (npix,) expected events per pixel λ_p.
    method : "events" (N̄ ≤ PIXEL_METHOD_EVENTS_PER_PIXEL × N_pix: every event drawn) or
        "pixels" (every pixel's count drawn).
    """

    mean_count: float
    ring_mean: np.ndarray
    ring_start: np.ndarray
    ring_alias: np.ndarray
    pixel_table: np.ndarray
    ring_factors: np.ndarray
    pixel_area: float
    pixel_mean: np.ndarray
    method: str

    @classmethod
    def from_exposure(
        cls,
        average_exposure: np.ndarray,
        mean_count: float,
        min_relative_exposure: float,
        dipole: np.ndarray | None = None,
    ) -> IsotropicSky:
        """Build from a sample's average exposure map (m² s, RING) and its expected count on
        the whole sky. The mask and the event weights are the data's
        (``analysis.statistics``); the count is scaled to the exposure kept.

        ``dipole`` (a vector δ n̂ in the map's frame, |δ| ≤ 1) injects a dipole: expected
        counts λ_p = N̄ Ā(p) (1 + δ n̂·p̂) / Σ Ā, the same mean flux; the event weights stay
        the isotropic ones, as in the data (a sky with a dipole, analysed like the data).
        """
        full = np.asarray(average_exposure, dtype=np.float64)
        if not np.isfinite(mean_count) or mean_count < 0 or not np.all(np.isfinite(full)):
            raise ValueError(
                f"isotropic sky needs a finite mean count and exposure map (mean count "
                f"{mean_count}; an empty threshold sample has no average exposure)"
            )
        kept = exposure_mask(full, min_relative_exposure)
        exposure = np.where(kept, full, 0.0)
        npix = len(exposure)
        geometry = _geometry(hp.npix2nside(npix))
        rate = exposure
        if dipole is not None:
            if np.linalg.norm(dipole) > 1:
                raise ValueError(f"a dipole amplitude above 1 gives negative rates: {dipole}")
            rate = exposure * (1.0 + geometry.vectors @ np.asarray(dipole, dtype=np.float64))
        mean_count = mean_count * rate.sum() / full.sum()
        ring_start = geometry.ring_start
        start = ring_start[:-1]
        ring_total = np.add.reduceat(rate, start)
        ring_alias = packed_ring_tables(rate, ring_start)
        weight = pixel_weights(full, kept)
        table = np.stack([geometry.cos_phi, geometry.sin_phi, weight], axis=1)
        return cls(
            float(mean_count),
            mean_count * ring_total / rate.sum(),
            ring_start,
            ring_alias,
            table,
            geometry.ring_factors,
            4.0 * np.pi / npix,
            mean_count * rate / rate.sum(),
            sampling_method(mean_count, npix),
        )


#: Above this many expected events per pixel, pixels' counts are drawn instead of events
#: (measured break-even on this machine: benchmarks/bench_montecarlo.py).
PIXEL_METHOD_EVENTS_PER_PIXEL = 4.0


def sampling_method(mean_count: float, npix: int) -> str:
    """'pixels' when N̄ > PIXEL_METHOD_EVENTS_PER_PIXEL × N_pix, else 'events'."""
    return "pixels" if mean_count > PIXEL_METHOD_EVENTS_PER_PIXEL * npix else "events"


@dataclass(frozen=True)
class _Geometry:
    """What a sky needs of its HEALPix grid, computed once per Nside."""

    ring_start: np.ndarray
    cos_phi: np.ndarray
    sin_phi: np.ndarray
    vectors: np.ndarray
    ring_factors: np.ndarray


@functools.cache
def _geometry(nside: int) -> _Geometry:
    npix = hp.nside2npix(nside)
    start, _, _, _, _ = hp.ringinfo(nside, np.arange(1, 4 * nside))
    _, phi = hp.pix2ang(nside, np.arange(npix))
    return _Geometry(
        np.append(start, npix).astype(np.int64),
        np.cos(phi),
        np.sin(phi),
        np.stack(hp.pix2vec(nside, np.arange(npix)), axis=-1),
        ring_factors(nside),
    )


def ring_factors(nside: int) -> np.ndarray:
    """R_lm(θ_ring) (n_rings, 16) such that Y_lm = R_lm × {cos mφ, 1, sin |m|φ} on a ring.

    For the real harmonics of ``analysis.harmonics.real_harmonics``: R_l0 = Y_l^0(θ, 0) and
    R_l,±m = √2 (−1)^m Y_l^m(θ, 0) for m > 0 (Y_l^m(θ, 0) is real).
    """
    _, _, cos_theta, _, _ = hp.ringinfo(nside, np.arange(1, 4 * nside))
    theta = np.arccos(cos_theta)
    factors = np.empty((len(theta), len(lm_pairs())))
    for index, (ell, m) in enumerate(lm_pairs()):
        value = sph_harm_y(ell, abs(m), theta, np.zeros_like(theta)).real
        factors[:, index] = value if m == 0 else np.sqrt(2.0) * (-1) ** abs(m) * value
    return factors


@numba.njit(inline="always")
def _trig(c1, s1):
    """cos 2φ, sin 2φ, cos 3φ, sin 3φ from cos φ, sin φ."""
    c2 = c1 * c1 - s1 * s1
    s2 = 2.0 * s1 * c1
    return c2, s2, c2 * c1 - s2 * s1, s2 * c1 + c2 * s1


#: Ring-sum slot of each a_lm (``lm_pairs`` order): 0 for m = 0, m for cos mφ, 3 + |m| for sin.
SLOT = np.array(
    [0 if m == 0 else (m if m > 0 else LMAX - m) for _, m in lm_pairs()], dtype=np.int64
)


@numba.njit(inline="always")
def _fill(ring_sums, a0, a1, a2, a3, a4, a5, a6, b0, b1, b2, b3, b4, b5, b6):
    """A ring's Fourier sums: weighted Σ{1, cos mφ, sin mφ} in slots 0-6, unweighted in 8-14."""
    ring_sums[0] = a0
    ring_sums[1] = a1
    ring_sums[2] = a2
    ring_sums[3] = a3
    ring_sums[4] = a4
    ring_sums[5] = a5
    ring_sums[6] = a6
    ring_sums[8] = b0
    ring_sums[9] = b1
    ring_sums[10] = b2
    ring_sums[11] = b3
    ring_sums[12] = b4
    ring_sums[13] = b5
    ring_sums[14] = b6


@numba.njit(inline="always")
def _add_ring(alm, i, ring_factors, slot, ring_sums):
    """a_lm of sample i += R_lm(ring) × the ring's sums (weighted map [0], counts map [1])."""
    for index in range(16):
        f = ring_factors[index]
        alm[i, 0, index] += f * ring_sums[slot[index]]
        alm[i, 1, index] += f * ring_sums[8 + slot[index]]


@numba.njit(inline="always")
def _scale(alm, i, pixel_area):
    """Sums over pixels to integrals over the sphere: × ΔΩ."""
    for index in range(16):
        alm[i, 0, index] *= pixel_area
        alm[i, 1, index] *= pixel_area


@numba.njit(parallel=True, cache=True)
def _run(
    seed,
    threshold_index,
    first,
    count,
    ring_mean,
    ring_start,
    ring_alias,
    table,
    factors,
    slot,
    pixel_area,
    n_chunks,
):
    """Event counts and a_lm (count, 2, 16) of the weighted [0] and counts [1] maps.

    Per sample and ring: n_r ~ Poisson(ring mean), n_r pixels from the ring's alias table,
    the ring's Fourier sums Σ {1, cos mφ, sin mφ} (weighted and not) in registers, then
    a_lm += R_lm(ring) × sum.
    """
    n_rings = ring_mean.shape[0]
    n_events = np.zeros(count, dtype=np.int64)
    alm = np.zeros((count, 2, 16))
    for chunk in numba.prange(n_chunks):
        ring_sums = np.zeros(16)
        for i in range(chunk, count, n_chunks):
            state = new_stream(sample_key(seed, threshold_index, first + i))
            total = 0
            for ring in range(n_rings):
                n = poisson(state, ring_mean[ring])
                if n == 0:
                    continue
                total += n
                lo = ring_start[ring]
                length = ring_start[ring + 1] - lo
                a0 = a1 = a2 = a3 = a4 = a5 = a6 = 0.0
                b1 = b2 = b3 = b4 = b5 = b6 = 0.0
                for _ in range(n):
                    pixel = lo + draw_in_ring(state, ring_alias, lo, length)
                    c1 = table[pixel, 0]
                    s1 = table[pixel, 1]
                    w = table[pixel, 2]
                    c2, s2, c3, s3 = _trig(c1, s1)
                    a0 += w
                    a1 += w * c1
                    a2 += w * c2
                    a3 += w * c3
                    a4 += w * s1
                    a5 += w * s2
                    a6 += w * s3
                    b1 += c1
                    b2 += c2
                    b3 += c3
                    b4 += s1
                    b5 += s2
                    b6 += s3
                _fill(ring_sums, a0, a1, a2, a3, a4, a5, a6, float(n), b1, b2, b3, b4, b5, b6)
                _add_ring(alm, i, factors[ring], slot, ring_sums)
            n_events[i] = total
            _scale(alm, i, pixel_area)
    return n_events, alm


@numba.njit(parallel=True, cache=True)
def _run_pixels(
    seed,
    threshold_index,
    first,
    count,
    pixel_mean,
    ring_start,
    table,
    factors,
    slot,
    pixel_area,
    n_chunks,
):
    """As :func:`_run`, drawing each pixel's count n_p ~ Poisson(λ_p) instead of events."""
    n_rings = ring_start.shape[0] - 1
    n_events = np.zeros(count, dtype=np.int64)
    alm = np.zeros((count, 2, 16))
    for chunk in numba.prange(n_chunks):
        ring_sums = np.zeros(16)
        for i in range(chunk, count, n_chunks):
            state = new_stream(sample_key(seed, threshold_index, first + i))
            total = 0
            for ring in range(n_rings):
                a0 = a1 = a2 = a3 = a4 = a5 = a6 = 0.0
                b0 = b1 = b2 = b3 = b4 = b5 = b6 = 0.0
                for pixel in range(ring_start[ring], ring_start[ring + 1]):
                    n = poisson(state, pixel_mean[pixel])
                    if n == 0:
                        continue
                    total += n
                    k = float(n)
                    c1 = table[pixel, 0]
                    s1 = table[pixel, 1]
                    w = k * table[pixel, 2]
                    c2, s2, c3, s3 = _trig(c1, s1)
                    a0 += w
                    a1 += w * c1
                    a2 += w * c2
                    a3 += w * c3
                    a4 += w * s1
                    a5 += w * s2
                    a6 += w * s3
                    b0 += k
                    b1 += k * c1
                    b2 += k * c2
                    b3 += k * c3
                    b4 += k * s1
                    b5 += k * s2
                    b6 += k * s3
                if b0 == 0.0:
                    continue
                _fill(ring_sums, a0, a1, a2, a3, a4, a5, a6, b0, b1, b2, b3, b4, b5, b6)
                _add_ring(alm, i, factors[ring], slot, ring_sums)
            n_events[i] = total
            _scale(alm, i, pixel_area)
    return n_events, alm


@numba.njit(cache=True)
def _pixel_counts_map(seed, threshold_index, sample_index, pixel_mean):
    state = new_stream(sample_key(seed, threshold_index, sample_index))
    counts = np.zeros(pixel_mean.shape[0])
    for pixel in range(pixel_mean.shape[0]):
        counts[pixel] = poisson(state, pixel_mean[pixel])
    return counts


@numba.njit(cache=True)
def _counts_map(seed, threshold_index, sample_index, ring_mean, ring_start, ring_alias):
    state = new_stream(sample_key(seed, threshold_index, sample_index))
    counts = np.zeros(ring_alias.shape[0])
    for ring in range(ring_mean.shape[0]):
        lo = ring_start[ring]
        length = ring_start[ring + 1] - lo
        for _ in range(poisson(state, ring_mean[ring])):
            counts[lo + draw_in_ring(state, ring_alias, lo, length)] += 1.0
    return counts


def counts_map(sky: IsotropicSky, seed: int, threshold_index: int, sample_index: int) -> np.ndarray:
    """The counts map of one sample (same stream as :func:`run_samples`); for checks."""
    if sky.method == "pixels":
        return _pixel_counts_map(
            np.uint64(seed), np.uint64(threshold_index), np.uint64(sample_index), sky.pixel_mean
        )
    return _counts_map(
        np.uint64(seed),
        np.uint64(threshold_index),
        np.uint64(sample_index),
        sky.ring_mean,
        sky.ring_start,
        sky.ring_alias,
    )


def run_samples(
    sky: IsotropicSky,
    seed: int,
    threshold_index: int,
    first: int,
    count: int,
    directions: dict[str, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """Analyse samples first .. first+count-1: columns of the shard table.

    Returns ``sample`` (index), ``n_events`` and the statistics of
    ``analysis.statistics.sky_statistics`` of the corrected map and (``_uncorrected``) of the
    counts map: the same function the data's maps go through; then the corrected map's dipole
    component toward each named direction (unit vectors, ``statistics.dipole_toward``).
    """
    key = (np.uint64(seed), np.uint64(threshold_index), np.uint64(first), count)
    common = (sky.pixel_table, sky.ring_factors, SLOT, sky.pixel_area, numba.get_num_threads())
    if sky.method == "pixels":
        n_events, alm = _run_pixels(*key, sky.pixel_mean, sky.ring_start, *common)
    else:
        n_events, alm = _run(*key, sky.ring_mean, sky.ring_start, sky.ring_alias, *common)
    columns: dict[str, np.ndarray] = {
        "sample": np.arange(first, first + count, dtype=np.int64),
        "n_events": n_events,
    }
    for which, suffix in ((0, ""), (1, UNCORRECTED)):
        columns.update(sky_statistics(alm[:, which], suffix))
    columns.update(dipole_toward(alm[:, 0], directions or {}))
    return columns


def run_samples_in_blocks(
    sky: IsotropicSky,
    seed: int,
    threshold_index: int,
    first: int,
    count: int,
    directions: dict[str, np.ndarray] | None = None,
    block: int = 1000,
    progress: Progress | None = None,
) -> dict[str, np.ndarray]:
    """:func:`run_samples` in blocks of ``block`` samples, reported to ``progress``; the same
    columns bit for bit (each sample's stream is keyed by its index, not by its block)."""
    parts = []
    for start in range(first, first + count, block):
        size = min(block, first + count - start)
        parts.append(run_samples(sky, seed, threshold_index, start, size, directions))
        if progress is not None:
            progress.advance(size)
    if not parts:
        return run_samples(sky, seed, threshold_index, first, 0, directions)
    return {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}


def shard_range(n_samples: int, n_shards: int, shard: int) -> tuple[int, int]:
    """(first, count) of a shard: samples split as evenly as possible, in order."""
    edges = np.linspace(0, n_samples, n_shards + 1).round().astype(int)
    return int(edges[shard]), int(edges[shard + 1] - edges[shard])
