"""Isotropic Monte Carlo skies analysed exactly like the data (seed section 4).

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

Random numbers: every sample has its own stream, a xoshiro256** generator (Blackman & Vigna)
seeded through splitmix64 from a key hashing (seed, threshold index, sample index). Results
therefore do not depend on how samples are split into shards, on the executor, or on the
thread count. Poisson variates: multiplication method below a mean of 10, Hörmann's
transformed rejection (PTRS, 1993) above.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import healpy as hp
import numba
import numpy as np
from scipy.special import sph_harm_y

from .limits import limit_factor
from .multipoles import lm_pairs

LMAX = 3
GOLDEN = np.uint64(0x9E3779B97F4A7C15)


@numba.njit(inline="always")
def _splitmix(state):
    state = state + GOLDEN
    z = state
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return state, z ^ (z >> np.uint64(31))


@numba.njit(inline="always")
def _rotl(x, k):
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))


@numba.njit(cache=True)
def sample_key(seed, threshold_index, sample_index):
    """64-bit key of one sample's random stream: a hash of (seed, threshold, sample)."""
    _, key = _splitmix(np.uint64(seed))
    _, key = _splitmix(key ^ np.uint64(threshold_index))
    _, key = _splitmix(key ^ (np.uint64(sample_index) * np.uint64(0xD1B54A32D192ED03)))
    return key


@numba.njit(cache=True)
def new_stream(key):
    """xoshiro256** state seeded from a key through splitmix64."""
    state = np.empty(4, dtype=np.uint64)
    s = np.uint64(key)
    for i in range(4):
        s, state[i] = _splitmix(s)
    return state


@numba.njit(inline="always")
def _next(state):
    result = _rotl(state[1] * np.uint64(5), 7) * np.uint64(9)
    t = state[1] << np.uint64(17)
    state[2] ^= state[0]
    state[3] ^= state[1]
    state[1] ^= state[2]
    state[0] ^= state[3]
    state[2] ^= t
    state[3] = _rotl(state[3], 45)
    return result


@numba.njit(inline="always")
def uniform(state):
    """Uniform double in [0, 1) with 53 random bits."""
    return float(_next(state) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@numba.njit(cache=True)
def poisson(state, lam):
    """Poisson variate of mean ``lam`` from the stream ``state``."""
    if lam <= 0.0:
        return 0
    if lam < 10.0:
        limit = math.exp(-lam)
        k = 0
        prod = uniform(state)
        while prod > limit:
            k += 1
            prod *= uniform(state)
        return k
    slam = math.sqrt(lam)
    loglam = math.log(lam)
    b = 0.931 + 2.53 * slam
    a = -0.059 + 0.02483 * b
    invalpha = 1.1239 + 1.1328 / (b - 3.4)
    vr = 0.9277 - 3.6224 / (b - 2.0)
    while True:
        u = uniform(state) - 0.5
        v = uniform(state)
        us = 0.5 - abs(u)
        k = math.floor((2.0 * a / us + b) * u + lam + 0.43)
        if us >= 0.07 and v <= vr:
            return int(k)
        if k < 0.0 or (us < 0.013 and v > us):
            continue
        if math.log(v) + math.log(invalpha) - math.log(a / (us * us) + b) <= (
            -lam + k * loglam - math.lgamma(k + 1.0)
        ):
            return int(k)


def alias_table(weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vose alias table: pick j uniformly, keep it with probability prob[j], else alias[j]."""
    weights = np.asarray(weights, dtype=np.float64)
    n = len(weights)
    scaled = weights * (n / weights.sum())
    prob = np.ones(n)
    alias = np.arange(n, dtype=np.int32)
    small = [i for i in range(n) if scaled[i] < 1.0]
    large = [i for i in range(n) if scaled[i] >= 1.0]
    while small and large:
        s = small.pop()
        big = large.pop()
        prob[s] = scaled[s]
        alias[s] = big
        scaled[big] = scaled[big] + scaled[s] - 1.0
        (small if scaled[big] < 1.0 else large).append(big)
    return prob, alias


ALIAS_BITS = 24  # alias index field: up to 2^24 entries
TWO32 = 1 << 32


def packed_alias_table(weights: np.ndarray) -> np.ndarray:
    """Alias table packed one uint64 per entry: (keep threshold << 24) | alias index.

    The keep probability is quantised to 2⁻³² (threshold in 0 .. 2³²), a relative error
    below 1e-9 on the probabilities.
    """
    prob, alias = alias_table(weights)
    if len(prob) >= 1 << ALIAS_BITS:
        raise ValueError("table too large for the packed alias format")
    threshold = np.minimum(np.round(prob * TWO32), TWO32).astype(np.uint64)
    return (threshold << np.uint64(ALIAS_BITS)) | alias.astype(np.uint64)


@numba.njit(inline="always")
def _draw_local(state, packed, start, length):
    """Index in [0, length) from the packed alias table packed[start:start+length].

    One 64-bit random number: the high 32 bits pick a column uniformly (Lemire's
    multiply-shift with rejection, exactly uniform), the low 32 bits choose between the
    column and its alias.
    """
    n = np.uint64(length)
    mask = np.uint64(0xFFFFFFFF)
    r = _next(state)
    m = (r >> np.uint64(32)) * n
    if (m & mask) < n:
        reject_below = (np.uint64(TWO32) - n) % n
        while (m & mask) < reject_below:
            r = _next(state)
            m = (r >> np.uint64(32)) * n
    column = m >> np.uint64(32)
    entry = packed[start + column]
    keep = (r & mask) < (entry >> np.uint64(ALIAS_BITS))
    other = entry & np.uint64((1 << ALIAS_BITS) - 1)
    return np.int64(column) if keep else np.int64(other)


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
    """

    mean_count: float
    ring_mean: np.ndarray
    ring_start: np.ndarray
    ring_alias: np.ndarray
    pixel_table: np.ndarray
    ring_factors: np.ndarray
    pixel_area: float

    @classmethod
    def from_exposure(
        cls, average_exposure: np.ndarray, mean_count: float, min_relative_exposure: float = 0.0
    ) -> IsotropicSky:
        """Build from a sample's average exposure map (RING) and its expected count on the
        whole sky. Pixels below ``min_relative_exposure`` of the maximum are masked as in the
        data (``skymap.sky_maps``) and the count is scaled to the exposure kept."""
        full = np.asarray(average_exposure, dtype=np.float64)
        kept = full >= min_relative_exposure * full.max()
        exposure = np.where(kept, full, 0.0)
        mean_count = mean_count * exposure.sum() / full.sum()
        npix = len(exposure)
        nside = hp.npix2nside(npix)
        start, _, _, _, _ = hp.ringinfo(nside, np.arange(1, 4 * nside))
        ring_start = np.append(start, npix).astype(np.int64)
        ring_total = np.add.reduceat(exposure, start)
        ring_alias = np.zeros(npix, dtype=np.uint64)
        for ring, (lo, hi) in enumerate(itertools.pairwise(ring_start)):
            if ring_total[ring] > 0:
                ring_alias[lo:hi] = packed_alias_table(exposure[lo:hi])
        with np.errstate(divide="ignore"):
            weight = np.where(exposure > 0, full[kept].mean() / exposure, 0.0)
        _, phi = hp.pix2ang(nside, np.arange(npix))
        table = np.stack([np.cos(phi), np.sin(phi), weight], axis=1)
        return cls(
            float(mean_count),
            mean_count * ring_total / exposure.sum(),
            ring_start,
            ring_alias,
            table,
            ring_factors(nside),
            4.0 * np.pi / npix,
        )


def ring_factors(nside: int) -> np.ndarray:
    """R_lm(θ_ring) (n_rings, 16) such that Y_lm = R_lm × {cos mφ, 1, sin |m|φ} on a ring.

    For the real harmonics of ``multipoles.real_harmonics``: R_l0 = Y_l^0(θ, 0) and
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
                    pixel = lo + _draw_local(state, ring_alias, lo, length)
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
                ring_sums[0] = a0
                ring_sums[1] = a1
                ring_sums[2] = a2
                ring_sums[3] = a3
                ring_sums[4] = a4
                ring_sums[5] = a5
                ring_sums[6] = a6
                ring_sums[8] = float(n)
                ring_sums[9] = b1
                ring_sums[10] = b2
                ring_sums[11] = b3
                ring_sums[12] = b4
                ring_sums[13] = b5
                ring_sums[14] = b6
                for index in range(16):
                    f = factors[ring, index]
                    alm[i, 0, index] += f * ring_sums[slot[index]]
                    alm[i, 1, index] += f * ring_sums[8 + slot[index]]
            n_events[i] = total
            for index in range(16):
                alm[i, 0, index] *= pixel_area
                alm[i, 1, index] *= pixel_area
    return n_events, alm


@numba.njit(cache=True)
def _counts_map(seed, threshold_index, sample_index, ring_mean, ring_start, ring_alias):
    state = new_stream(sample_key(seed, threshold_index, sample_index))
    counts = np.zeros(ring_alias.shape[0])
    for ring in range(ring_mean.shape[0]):
        lo = ring_start[ring]
        length = ring_start[ring + 1] - lo
        for _ in range(poisson(state, ring_mean[ring])):
            counts[lo + _draw_local(state, ring_alias, lo, length)] += 1.0
    return counts


def counts_map(sky: IsotropicSky, seed: int, threshold_index: int, sample_index: int) -> np.ndarray:
    """The counts map of one sample (same stream as :func:`run_samples`); for checks."""
    return _counts_map(
        np.uint64(seed),
        np.uint64(threshold_index),
        np.uint64(sample_index),
        sky.ring_mean,
        sky.ring_start,
        sky.ring_alias,
    )


def cl_from_alm_stack(alm: np.ndarray) -> np.ndarray:
    """C_l (..., 4) from real a_lm (..., 16)."""
    out = []
    for ell in range(LMAX + 1):
        out.append((alm[..., ell * ell : (ell + 1) ** 2] ** 2).sum(axis=-1) / (2 * ell + 1))
    return np.stack(out, axis=-1)


def run_samples(
    sky: IsotropicSky, seed: int, threshold_index: int, first: int, count: int
) -> dict[str, np.ndarray]:
    """Analyse samples first .. first+count-1: columns of the shard table.

    Returns sample index, n_events, c0..c3, delta, delta_ul95 (corrected map) and the same
    with suffix ``_uncorrected`` (counts map).
    """
    n_events, alm = _run(
        np.uint64(seed),
        np.uint64(threshold_index),
        np.uint64(first),
        count,
        sky.ring_mean,
        sky.ring_start,
        sky.ring_alias,
        sky.pixel_table,
        sky.ring_factors,
        SLOT,
        sky.pixel_area,
        numba.get_num_threads(),
    )
    columns: dict[str, np.ndarray] = {
        "sample": np.arange(first, first + count, dtype=np.int64),
        "n_events": n_events,
    }
    factor = limit_factor(0.95)
    for which, suffix in ((0, ""), (1, "_uncorrected")):
        cl = cl_from_alm_stack(alm[:, which])
        with np.errstate(divide="ignore", invalid="ignore"):
            delta = np.where(cl[:, 0] > 0, 3.0 * np.sqrt(cl[:, 1] / cl[:, 0]), np.nan)
        for ell in range(LMAX + 1):
            columns[f"c{ell}{suffix}"] = cl[:, ell]
        columns[f"delta{suffix}"] = delta
        columns[f"delta_ul95{suffix}"] = factor * delta
    return columns


def shard_range(n_samples: int, n_shards: int, shard: int) -> tuple[int, int]:
    """(first, count) of a shard: samples split as evenly as possible, in order."""
    edges = np.linspace(0, n_samples, n_shards + 1).round().astype(int)
    return int(edges[shard]), int(edges[shard + 1] - edges[shard])
