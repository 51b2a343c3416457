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

import numba
import numpy as np
from scipy.special import sph_harm_y

from calet_aniso.analysis.harmonics import lm_pairs
from calet_aniso.analysis.statistics import (
    LMAX,
    UNCORRECTED,
    angular_power,
    dipole_amplitude,
    dipole_toward,
    exposure_mask,
    pixel_weights,
    sky_statistics,
)
from calet_aniso.geometry.healpix_grid import npix2nside, nside2npix, pix2ang, pix2vec, ringinfo
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
        return SkyBase.of(full, min_relative_exposure).sky(mean_count, dipole)


@dataclass(frozen=True)
class SkyBase:
    """What the isotropic skies of one average exposure share, whatever their expected count
    and injected dipole: the exposure (m² s, 0 where masked), its sum before masking, and the
    table of cos φ, sin φ and event weight per pixel. The Neyman belt draws a hundred skies
    of one exposure and builds this once."""

    full_sum: float
    exposure: np.ndarray
    table: np.ndarray

    @classmethod
    def of(cls, average_exposure: np.ndarray, min_relative_exposure: float) -> SkyBase:
        """From an average exposure map (m² s, RING); the mask and weights are the data's."""
        full = np.asarray(average_exposure, dtype=np.float64)
        if not np.all(np.isfinite(full)):
            raise ValueError(
                "isotropic sky needs a finite exposure map (an empty threshold sample has no "
                "average exposure)"
            )
        kept = exposure_mask(full, min_relative_exposure)
        geometry = _geometry(npix2nside(len(full)))
        weight = pixel_weights(full, kept)
        table = np.stack([geometry.cos_phi, geometry.sin_phi, weight], axis=1)
        return cls(float(full.sum()), np.where(kept, full, 0.0), table)

    def sky(self, mean_count: float, dipole: np.ndarray | None = None) -> IsotropicSky:
        """The sky of expected count ``mean_count`` on the whole sky, with the dipole δ n̂ of
        :meth:`IsotropicSky.from_exposure` (or none)."""
        if not np.isfinite(mean_count) or mean_count < 0:
            raise ValueError(
                f"isotropic sky needs a finite, non-negative mean count (mean count {mean_count})"
            )
        npix = len(self.exposure)
        geometry = _geometry(npix2nside(npix))
        rate = self.exposure
        if dipole is not None:
            if np.linalg.norm(dipole) > 1:
                raise ValueError(f"a dipole amplitude above 1 gives negative rates: {dipole}")
            rate = self.exposure * (1.0 + geometry.vectors @ np.asarray(dipole, dtype=np.float64))
        mean_count = mean_count * rate.sum() / self.full_sum
        ring_start = geometry.ring_start
        ring_total = np.add.reduceat(rate, ring_start[:-1])
        return IsotropicSky(
            float(mean_count),
            mean_count * ring_total / rate.sum(),
            ring_start,
            packed_ring_tables(rate, ring_start),
            self.table,
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
    harmonics: np.ndarray  # (npix, 6): cos φ, cos 2φ, cos 3φ, sin φ, sin 2φ, sin 3φ


@functools.cache
def _geometry(nside: int) -> _Geometry:
    npix = nside2npix(nside)
    start, _, _, _, _ = ringinfo(nside, np.arange(1, 4 * nside))
    _, phi = pix2ang(nside, np.arange(npix))
    c1, s1 = np.cos(phi), np.sin(phi)
    return _Geometry(
        np.append(start, npix).astype(np.int64),
        c1,
        s1,
        np.stack(pix2vec(nside, np.arange(npix)), axis=-1),
        ring_factors(nside),
        _harmonics(c1, s1),
    )


def ring_factors(nside: int) -> np.ndarray:
    """R_lm(θ_ring) (n_rings, 16) such that Y_lm = R_lm × {cos mφ, 1, sin |m|φ} on a ring.

    For the real harmonics of ``analysis.harmonics.real_harmonics``: R_l0 = Y_l^0(θ, 0) and
    R_l,±m = √2 (−1)^m Y_l^m(θ, 0) for m > 0 (Y_l^m(θ, 0) is real).
    """
    _, _, cos_theta, _, _ = ringinfo(nside, np.arange(1, 4 * nside))
    theta = np.arccos(cos_theta)
    factors = np.empty((len(theta), len(lm_pairs())))
    for index, (ell, m) in enumerate(lm_pairs()):
        value = sph_harm_y(ell, abs(m), theta, np.zeros_like(theta)).real
        factors[:, index] = value if m == 0 else np.sqrt(2.0) * (-1) ** abs(m) * value
    return factors


#: Ring-sum slot of each a_lm (``lm_pairs`` order): 0 for m = 0, m for cos mφ, 3 + |m| for sin.
SLOT = np.array(
    [0 if m == 0 else (m if m > 0 else LMAX - m) for _, m in lm_pairs()], dtype=np.int64
)


@numba.njit(inline="always")
def _trig(c1, s1):
    """cos 2φ, sin 2φ, cos 3φ, sin 3φ from cos φ, sin φ."""
    c2 = c1 * c1 - s1 * s1
    s2 = 2.0 * s1 * c1
    return c2, s2, c2 * c1 - s2 * s1, s2 * c1 + c2 * s1


@numba.njit(cache=True)
def _harmonics(cos_phi, sin_phi):
    """(npix, 6): cos φ, cos 2φ, cos 3φ, sin φ, sin 2φ, sin 3φ of each pixel, by :func:`_trig`
    as the single-bin kernels compute them per event (the same bits). The nested kernel
    reads them per event and selection: 11 % less per sample than computing them there."""
    table = np.empty((cos_phi.shape[0], 6))
    for pixel in range(cos_phi.shape[0]):
        c1 = cos_phi[pixel]
        s1 = sin_phi[pixel]
        c2, s2, c3, s3 = _trig(c1, s1)
        table[pixel, 0] = c1
        table[pixel, 1] = c2
        table[pixel, 2] = c3
        table[pixel, 3] = s1
        table[pixel, 4] = s2
        table[pixel, 5] = s3
    return table


@numba.njit(inline="always")
def _reserve(pixels, multiplicity, used, extra):
    """The ring's draw buffers with room for ``extra`` more entries (doubled when full)."""
    if used + extra <= pixels.shape[0]:
        return pixels, multiplicity
    size = max(2 * pixels.shape[0], used + extra)
    grown_pixels = np.empty(size, dtype=np.int64)
    grown_multiplicity = np.empty(size)
    grown_pixels[:used] = pixels[:used]
    grown_multiplicity[:used] = multiplicity[:used]
    return grown_pixels, grown_multiplicity


@numba.njit(parallel=True, cache=True)
def _run_nested(
    seed,
    stream_index,
    first,
    count,
    method,
    ring_mean,
    ring_alias,
    pixel_mean,
    ring_start,
    harmonics,
    weights,
    bins_ptr,
    bins_of,
    factors,
    slot,
    pixel_area,
    n_chunks,
):
    """Event counts (count, S) and a_lm (count, S, 2, 16) of the weighted [0] and counts [1]
    maps of S selections summing K elementary bins (selection s sums the bins
    ``bins_of[bins_ptr[s]:bins_ptr[s + 1]]``); ``weights`` (S, npix), 0 where masked;
    ``harmonics`` (npix, 6) cos mφ and sin mφ (m = 1, 2, 3) of each pixel (:func:`_harmonics`).

    Per sample and ring, each elementary bin is drawn in order into a buffer of (pixel,
    multiplicity): by events (method 0), n_r ~ Poisson(ring mean) pixels from the bin's alias
    table of the ring, each with multiplicity 1; by pixels (method 1), n_p ~ Poisson(λ_p) for
    each pixel of the ring. Then per selection its bins' entries are summed in registers,
    Σ k w {1, cos mφ, sin mφ} and Σ k {…}, and a_lm += R_lm(ring) × sum.
    """
    n_selections = weights.shape[0]
    n_events = np.zeros((count, n_selections), dtype=np.int64)
    alm = np.zeros((count, n_selections, 2, 16))
    for chunk in numba.prange(n_chunks):
        _run_chunk(
            chunk, n_chunks, seed, stream_index, first, count, method, ring_mean, ring_alias,
            pixel_mean, ring_start, harmonics, weights, bins_ptr, bins_of, factors, slot,
            pixel_area, n_events, alm,
        )  # fmt: skip
    return n_events, alm


#: Samples a chunk draws side by side, ring by ring (:func:`_run_chunk`).
SAMPLE_BLOCK = 64


@numba.njit(cache=True)
def _run_chunk(
    chunk, n_chunks, seed, stream_index, first, count, method, ring_mean, ring_alias,
    pixel_mean, ring_start, harmonics, weights, bins_ptr, bins_of, factors, slot, pixel_area,
    n_events, alm,
):  # fmt: skip
    """Samples chunk, chunk + n_chunks, … of :func:`_run_nested` (a plain loop: numba's
    parallel transformation of this body made it 2.3× slower).

    The chunk's samples go in blocks of ``SAMPLE_BLOCK``, ring by ring: every sample of the
    block draws and sums the ring, each from its own stream (kept in ``states``), before the
    next ring. A ring's tables (alias tables of every bin, weights of every selection) then
    stay in cache across the block, where sample after sample would stream all of them
    (9 MB per sample by default) from memory. Each sample's draws and sums are in the same
    order as sample by sample, so the results are the same bits (1.5–4× faster).
    """
    n_rings = ring_start.shape[0] - 1
    sums = np.zeros(16)
    pixels = np.empty(1024, dtype=np.int64)
    multiplicity = np.empty(1024)
    bin_end = np.zeros(method.shape[0] + 1, dtype=np.int64)
    block = np.empty(SAMPLE_BLOCK, dtype=np.int64)
    states = np.empty((SAMPLE_BLOCK, 4), dtype=np.uint64)
    for block_first in range(chunk, count, n_chunks * SAMPLE_BLOCK):
        size = 0
        for i in range(block_first, min(count, block_first + n_chunks * SAMPLE_BLOCK), n_chunks):
            block[size] = i
            states[size] = new_stream(sample_key(seed, stream_index, first + i))
            size += 1
        for ring in range(n_rings):
            for j in range(size):
                pixels, multiplicity = _draw_ring(
                    states[j], ring, method, ring_mean, ring_alias, pixel_mean, ring_start,
                    pixels, multiplicity, bin_end,
                )  # fmt: skip
                if bin_end[-1] > 0:
                    _sum_ring(
                        block[j], factors[ring], pixels, multiplicity, bin_end, harmonics,
                        weights, bins_ptr, bins_of, slot, sums, n_events, alm,
                    )  # fmt: skip
        for j in range(size):
            for s in range(weights.shape[0]):
                for index in range(16):  # sums over pixels to integrals over the sphere
                    alm[block[j], s, 0, index] *= pixel_area
                    alm[block[j], s, 1, index] *= pixel_area


@numba.njit(inline="always")
def _draw_ring(
    state, ring, method, ring_mean, ring_alias, pixel_mean, ring_start, pixels, multiplicity,
    bin_end,
):  # fmt: skip
    """One sample's draws in one ring, every elementary bin in order, into the buffer of
    (pixel, multiplicity): bin b's entries end at bin_end[b + 1]. Returns the buffer (grown
    if needed)."""
    lo = ring_start[ring]
    hi = ring_start[ring + 1]
    used = 0
    for b in range(method.shape[0]):
        if method[b] == 0:
            n = poisson(state, ring_mean[b, ring])
            pixels, multiplicity = _reserve(pixels, multiplicity, used, n)
            alias = ring_alias[b]
            for _ in range(n):
                pixels[used] = lo + draw_in_ring(state, alias, lo, hi - lo)
                multiplicity[used] = 1.0
                used += 1
        else:
            pixels, multiplicity = _reserve(pixels, multiplicity, used, hi - lo)
            for pixel in range(lo, hi):
                n = poisson(state, pixel_mean[b, pixel])
                if n > 0:
                    pixels[used] = pixel
                    multiplicity[used] = float(n)
                    used += 1
        bin_end[b + 1] = used
    return pixels, multiplicity


@numba.njit(inline="always")
def _sum_ring(
    i, f, pixels, multiplicity, bin_end, harmonics, weights, bins_ptr, bins_of, slot, sums,
    n_events, alm,
):  # fmt: skip
    """Sample i's sums of one ring (factors ``f``): per selection its bins' entries of the
    buffer, Σ k w {1, cos mφ, sin mφ} and Σ k {…} in registers, then a_lm += R_lm × sum."""
    for s in range(weights.shape[0]):
        weight = weights[s]
        a0 = a1 = a2 = a3 = a4 = a5 = a6 = 0.0
        b0 = b1 = b2 = b3 = b4 = b5 = b6 = 0.0
        for j in range(bins_ptr[s], bins_ptr[s + 1]):
            b = bins_of[j]
            for e in range(bin_end[b], bin_end[b + 1]):
                pixel = pixels[e]
                w = weight[pixel]
                if w == 0.0:
                    continue
                k = multiplicity[e]
                w = k * w
                c1 = harmonics[pixel, 0]
                c2 = harmonics[pixel, 1]
                c3 = harmonics[pixel, 2]
                s1 = harmonics[pixel, 3]
                s2 = harmonics[pixel, 4]
                s3 = harmonics[pixel, 5]
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
        n_events[i, s] += int(b0)
        _fill(sums, a0, a1, a2, a3, a4, a5, a6, b0, b1, b2, b3, b4, b5, b6)
        for index in range(16):
            alm[i, s, 0, index] += f[index] * sums[slot[index]]
            alm[i, s, 1, index] += f[index] * sums[8 + slot[index]]


@numba.njit(inline="always")
def _fill(ring_sums, a0, a1, a2, a3, a4, a5, a6, b0, b1, b2, b3, b4, b5, b6):
    """A ring's Fourier sums: weighted Σ{1, cos mφ, sin mφ} in slots 0-6, counted in 8-14."""
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
def _run_single_events(
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
    """One selection of one elementary bin drawn by events (the fast path of
    :func:`run_nested`: its draws and arithmetic are :func:`_run_nested`'s, operation for
    operation, without the buffer): event counts and a_lm (count, 2, 16) of the weighted [0]
    and counts [1] maps.

    Per sample and ring: n_r ~ Poisson(ring mean), n_r pixels from the ring's alias table,
    the ring's Fourier sums Σ {1, cos mφ, sin mφ} (weighted and not) in registers while
    drawing, then a_lm += R_lm(ring) × sum.
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
def _run_single_events_dipole(
    seed, threshold_index, first, count, ring_mean, ring_start, ring_alias, table, factors,
    slot, pixel_area, n_chunks,
):  # fmt: skip
    """:func:`_run_single_events` reduced to what δ needs: the same draws, and of the
    weighted map only Σ w, Σ w cos φ and Σ w sin φ per ring, accumulated and added to
    a_00, a_1,−1, a_10, a_11 (count, 4) operation for operation as there, so the same bits.
    About half the work per event: no cos mφ, sin mφ for m > 1, no counts map."""
    n_rings = ring_mean.shape[0]
    alm = np.zeros((count, 4))
    for chunk in numba.prange(n_chunks):
        for i in range(chunk, count, n_chunks):
            state = new_stream(sample_key(seed, threshold_index, first + i))
            for ring in range(n_rings):
                n = poisson(state, ring_mean[ring])
                if n == 0:
                    continue
                lo = ring_start[ring]
                length = ring_start[ring + 1] - lo
                a0 = a1 = a4 = 0.0
                for _ in range(n):
                    pixel = lo + draw_in_ring(state, ring_alias, lo, length)
                    w = table[pixel, 2]
                    a0 += w
                    a1 += w * table[pixel, 0]
                    a4 += w * table[pixel, 1]
                f = factors[ring]
                for index in range(4):
                    which = slot[index]
                    alm[i, index] += f[index] * (a0 if which == 0 else (a1 if which == 1 else a4))
            for index in range(4):
                alm[i, index] *= pixel_area
    return alm


def run_dipole_amplitudes(
    sky: IsotropicSky, seed: int, threshold_index: int, first: int, count: int
) -> np.ndarray:
    """δ (eq. 2.1) of the corrected map of samples first .. first+count-1 of one sky: the
    ``delta`` column of :func:`run_samples`, bit for bit, at about half the cost where the
    sky's events are drawn one by one (the Neyman belts need nothing else)."""
    if sky.method != "events":
        return run_samples(sky, seed, threshold_index, first, count)["delta"]
    geometry = _geometry(npix2nside(len(sky.pixel_mean)))
    alm = _run_single_events_dipole(
        np.uint64(seed), np.uint64(threshold_index), np.uint64(first), count, sky.ring_mean,
        sky.ring_start, sky.ring_alias, sky.pixel_table, geometry.ring_factors, SLOT,
        4.0 * np.pi / len(sky.pixel_mean), numba.get_num_threads(),
    )  # fmt: skip
    return dipole_amplitude(angular_power(alm, lmax=1))


@numba.njit(parallel=True, cache=True)
def _run_single_pixels(
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
    """As :func:`_run_single_events`, drawing each pixel's count n_p ~ Poisson(λ_p)."""
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
def _counts_maps(
    seed, stream_index, sample_index, method, ring_mean, ring_alias, pixel_mean, ring_start
):
    """Counts maps (K, npix) of one sample's elementary bins: the draws of :func:`_run_nested`."""
    state = new_stream(sample_key(seed, stream_index, sample_index))
    n_bins = method.shape[0]
    counts = np.zeros((n_bins, ring_alias.shape[1]))
    for ring in range(ring_start.shape[0] - 1):
        lo = ring_start[ring]
        hi = ring_start[ring + 1]
        for b in range(n_bins):
            if method[b] == 0:
                for _ in range(poisson(state, ring_mean[b, ring])):
                    counts[b, lo + draw_in_ring(state, ring_alias[b], lo, hi - lo)] += 1.0
            else:
                for pixel in range(lo, hi):
                    counts[b, pixel] = poisson(state, pixel_mean[b, pixel])
    return counts


@dataclass(frozen=True)
class NestedSky:
    """Isotropic skies of S energy selections drawn as sums of K elementary bins
    (``config.energy_selections.elementary_bins``), analysed like the data.

    Attributes
    ----------
    bins : the elementary bins' skies (:class:`IsotropicSky`, unmasked, N̄ > 0).
    weights : (S, npix) each selection's event weight per pixel (0 where it masks the pixel:
        the weight is > 0 wherever an event can be).
    members : per elementary bin, the selections summing it (indices into S).
    mean_counts : (S,) expected events in each selection's kept sky.
    """

    bins: tuple[IsotropicSky, ...]
    weights: np.ndarray
    members: tuple[tuple[int, ...], ...]
    mean_counts: np.ndarray

    @classmethod
    def from_exposures(
        cls,
        selection_exposures: list[np.ndarray],
        bin_exposures: list[np.ndarray],
        bin_counts: list[float],
        selection_bins: list[tuple[int, ...]],
        min_relative_exposure: float,
    ) -> NestedSky:
        """From each selection's average exposure map (m² s; its mask and weights are the
        data's), each elementary bin's average exposure map and expected count on the whole
        sky, and the elementary bins each selection sums. Bins with N̄ = 0 draw nothing and
        are left out."""
        kept = [
            exposure_mask(np.asarray(a, dtype=np.float64), min_relative_exposure)
            for a in selection_exposures
        ]
        weights = np.stack(
            [pixel_weights(a, k) for a, k in zip(selection_exposures, kept, strict=True)]
        )
        skies, members = [], []
        for b, (exposure, count) in enumerate(zip(bin_exposures, bin_counts, strict=True)):
            if count <= 0:
                continue
            skies.append(IsotropicSky.from_exposure(exposure, count, 0.0))
            members.append(tuple(s for s, bins in enumerate(selection_bins) if b in bins))
        mean_counts = np.array(
            [
                sum(
                    float(sky.pixel_mean[weights[s] > 0].sum())
                    for sky, m in zip(skies, members, strict=True)
                    if s in m
                )
                for s in range(len(selection_exposures))
            ]
        )
        return cls(tuple(skies), weights, tuple(members), mean_counts)

    @classmethod
    def single(cls, sky: IsotropicSky) -> NestedSky:
        """One selection of one bin: the sky itself (its mask is in its rates)."""
        weight = sky.pixel_table[:, 2][None, :].copy()
        return cls((sky,), weight, ((0,),), np.array([sky.mean_count]))

    @property
    def counted(self) -> np.ndarray:
        """(S, npix) 1 where the selection keeps the pixel, else 0."""
        return (self.weights > 0).astype(np.float64)

    def kernel_arguments(self) -> tuple:
        """The arrays :func:`_run_nested` and :func:`_counts_maps` take, in order."""
        geometry = _geometry(npix2nside(self.weights.shape[1]))
        method = np.array([0 if b.method == "events" else 1 for b in self.bins], dtype=np.int64)
        ring_mean = np.stack([b.ring_mean for b in self.bins])
        ring_alias = np.stack([b.ring_alias for b in self.bins])
        pixel_mean = np.stack([b.pixel_mean for b in self.bins])
        bins_of = [
            [b for b, members in enumerate(self.members) if s in members]
            for s in range(self.weights.shape[0])
        ]
        bins_ptr = np.cumsum([0, *(len(b) for b in bins_of)]).astype(np.int64)
        flat = np.array([b for bins in bins_of for b in bins], dtype=np.int64)
        return (
            method, ring_mean, ring_alias, pixel_mean, geometry.ring_start,
            geometry.harmonics, self.weights, bins_ptr, flat,
        )  # fmt: skip


def counts_maps(nested: NestedSky, seed: int, stream_index: int, sample_index: int) -> np.ndarray:
    """Counts maps (K, npix) of one sample's elementary bins (same stream as
    :func:`run_nested`; a selection's map sums its bins' maps where it keeps pixels)."""
    method, ring_mean, ring_alias, pixel_mean, ring_start, *_ = nested.kernel_arguments()
    return _counts_maps(
        np.uint64(seed), np.uint64(stream_index), np.uint64(sample_index),
        method, ring_mean, ring_alias, pixel_mean, ring_start,
    )  # fmt: skip


def counts_map(sky: IsotropicSky, seed: int, threshold_index: int, sample_index: int) -> np.ndarray:
    """The counts map of one sample (same stream as :func:`run_samples`); for checks."""
    return counts_maps(NestedSky.single(sky), seed, threshold_index, sample_index)[0]


def _single(nested: NestedSky) -> bool:
    """One selection of one bin whose sky has no rate where the selection masks a pixel (an
    :class:`IsotropicSky` as it is): every drawn event counts, as the fast path assumes."""
    if len(nested.bins) != 1 or nested.weights.shape[0] != 1:
        return False
    return not np.any(nested.bins[0].pixel_mean[nested.weights[0] == 0] > 0)


def run_nested(
    nested: NestedSky,
    seed: int,
    stream_index: int,
    first: int,
    count: int,
    directions: dict[str, np.ndarray] | None = None,
) -> list[dict[str, np.ndarray]]:
    """Analyse samples first .. first+count-1 of every selection: per selection, the columns
    of a sample table.

    Columns: ``sample`` (index), ``n_events`` and the statistics of
    ``analysis.statistics.sky_statistics`` of the corrected map and (``_uncorrected``) of the
    counts map: the same function the data's maps go through; then the corrected map's dipole
    component toward each named direction (unit vectors, ``statistics.dipole_toward``).
    """
    key = (np.uint64(seed), np.uint64(stream_index), np.uint64(first), count)
    geometry = _geometry(npix2nside(nested.weights.shape[1]))
    common = (geometry.ring_factors, SLOT, 4.0 * np.pi / nested.weights.shape[1])
    threads = numba.get_num_threads()
    if _single(nested):
        # One selection of one bin (belts, injections): the same draws and sums without the
        # buffer, 1.7x faster (benchmarks/bench_montecarlo.py)
        sky = nested.bins[0]
        table = sky.pixel_table  # cos φ, sin φ, weight: as they are, from NestedSky.single
        if not np.array_equal(table[:, 2], nested.weights[0]):
            table = np.stack([geometry.cos_phi, geometry.sin_phi, nested.weights[0]], axis=1)
        if sky.method == "pixels":
            n_events, alm = _run_single_pixels(
                *key, sky.pixel_mean, sky.ring_start, table, *common, threads
            )
        else:
            n_events, alm = _run_single_events(
                *key, sky.ring_mean, sky.ring_start, sky.ring_alias, table, *common, threads
            )
        n_events, alm = n_events[:, None], alm[:, None]
    else:
        n_events, alm = _run_nested(*key, *nested.kernel_arguments(), *common, threads)
    tables = []
    for s in range(nested.weights.shape[0]):
        columns: dict[str, np.ndarray] = {
            "sample": np.arange(first, first + count, dtype=np.int64),
            "n_events": n_events[:, s],
        }
        for which, suffix in ((0, ""), (1, UNCORRECTED)):
            columns.update(sky_statistics(alm[:, s, which], suffix))
        columns.update(dipole_toward(alm[:, s, 0], directions or {}))
        tables.append(columns)
    return tables


def run_samples(
    sky: IsotropicSky,
    seed: int,
    threshold_index: int,
    first: int,
    count: int,
    directions: dict[str, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """Analyse samples first .. first+count-1 of one sky: the columns of :func:`run_nested`."""
    return run_nested(NestedSky.single(sky), seed, threshold_index, first, count, directions)[0]


def run_nested_in_blocks(
    nested: NestedSky,
    seed: int,
    stream_index: int,
    first: int,
    count: int,
    directions: dict[str, np.ndarray] | None = None,
    block: int = 1000,
    progress: Progress | None = None,
) -> list[dict[str, np.ndarray]]:
    """:func:`run_nested` in blocks of ``block`` samples, reported to ``progress``; the same
    columns bit for bit (each sample's stream is keyed by its index, not by its block)."""
    parts = []
    for start in range(first, first + count, block):
        size = min(block, first + count - start)
        parts.append(run_nested(nested, seed, stream_index, start, size, directions))
        if progress is not None:
            progress.advance(size)
    if not parts:
        return run_nested(nested, seed, stream_index, first, 0, directions)
    return [
        {name: np.concatenate([p[s][name] for p in parts]) for name in parts[0][s]}
        for s in range(len(parts[0]))
    ]


def shard_range(n_samples: int, n_shards: int, shard: int) -> tuple[int, int]:
    """(first, count) of a shard: samples split as evenly as possible, in order."""
    edges = np.linspace(0, n_samples, n_shards + 1).round().astype(int)
    return int(edges[shard]), int(edges[shard + 1] - edges[shard])
