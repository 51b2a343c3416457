"""Alias tables (Vose) for drawing pixels within a HEALPix ring, packed for the numba kernel."""

from __future__ import annotations

import numba
import numpy as np

from calet_aniso.montecarlo.random_streams import next_u64


def alias_table(weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vose alias table: pick j uniformly, keep it with probability prob[j], else alias[j]."""
    weights = np.asarray(weights, dtype=np.float64)
    return _vose(weights * (len(weights) / weights.sum()))


@numba.njit(cache=True)
def _vose(scaled):
    """Vose's construction on weights scaled to mean 1 (a copy is modified): see
    :func:`_vose_into`."""
    n = scaled.shape[0]
    prob = np.empty(n)
    alias = np.empty(n, dtype=np.int32)
    small = np.empty(n, dtype=np.int64)
    large = np.empty(n, dtype=np.int64)
    _vose_into(scaled.copy(), n, prob, alias, small, large)
    return prob, alias


@numba.njit(cache=True)
def _vose_into(scaled, n, prob, alias, small, large):
    """Vose's construction on scaled[:n] (weights scaled to mean 1; modified) into prob[:n]
    and alias[:n]: stacks of the small and large entries in index order; each step pops the
    last of both and pushes the large one back on the stack it now belongs to. ``small``
    and ``large`` are work space of at least n entries."""
    n_small = 0
    n_large = 0
    for i in range(n):
        prob[i] = 1.0
        alias[i] = i
        if scaled[i] < 1.0:
            small[n_small] = i
            n_small += 1
        else:
            large[n_large] = i
            n_large += 1
    while n_small > 0 and n_large > 0:
        n_small -= 1
        s = small[n_small]
        n_large -= 1
        big = large[n_large]
        prob[s] = scaled[s]
        alias[s] = big
        scaled[big] = scaled[big] + scaled[s] - 1.0
        if scaled[big] < 1.0:
            small[n_small] = big
            n_small += 1
        else:
            large[n_large] = big
            n_large += 1


ALIAS_BITS = 24  # alias index field: up to 2^24 entries
TWO32 = 1 << 32


def packed_alias_table(weights: np.ndarray) -> np.ndarray:
    """Alias table packed one uint64 per entry: (keep threshold << 24) | alias index.

    The keep probability is quantised to 2⁻³² (threshold in 0 .. 2³²), a relative error
    below 1e-9 on the probabilities.
    """
    if len(weights) >= 1 << ALIAS_BITS:
        raise ValueError("table too large for the packed alias format")
    prob, alias = alias_table(weights)
    return _pack(prob, alias)


@numba.njit(cache=True)
def _pack(prob, alias):
    packed = np.empty(prob.shape[0], dtype=np.uint64)
    for i in range(prob.shape[0]):
        packed[i] = _packed_entry(prob[i], alias[i])
    return packed


@numba.njit(inline="always")
def _packed_entry(prob, alias):
    """(keep threshold << 24) | alias of one entry; the threshold is prob × 2³² rounded half
    to even, at most 2³²."""
    threshold = min(np.rint(prob * TWO32), TWO32)
    return (np.uint64(threshold) << np.uint64(ALIAS_BITS)) | np.uint64(alias)


def packed_ring_tables(rate: np.ndarray, ring_start: np.ndarray) -> np.ndarray:
    """:func:`packed_alias_table` of every HEALPix ring of ``rate`` (rings from
    ``ring_start``, then N_pix), stored at each ring's own pixel range; zeros for a ring with
    no rate. The same tables as ring by ring (each ring's sum is numpy's, as there:
    :func:`numpy_sum`), in one compiled pass."""
    rate = np.asarray(rate, dtype=np.float64)
    if np.diff(ring_start).max() >= 1 << ALIAS_BITS:
        raise ValueError("ring too large for the packed alias format")
    return _pack_rings(rate, ring_start)


@numba.njit(cache=True)
def _pack_rings(rate, ring_start):
    """Every ring's packed table, in work space allocated once (a table per ring of a few
    hundred pixels: the allocations cost as much as the construction)."""
    packed = np.zeros(rate.shape[0], dtype=np.uint64)
    longest = 0
    for ring in range(ring_start.shape[0] - 1):
        longest = max(longest, ring_start[ring + 1] - ring_start[ring])
    scaled = np.empty(longest)
    prob = np.empty(longest)
    alias = np.empty(longest, dtype=np.int32)
    small = np.empty(longest, dtype=np.int64)
    large = np.empty(longest, dtype=np.int64)
    for ring in range(ring_start.shape[0] - 1):
        lo, hi = ring_start[ring], ring_start[ring + 1]
        total = numpy_sum(rate, lo, hi - lo)
        if total > 0:
            factor = (hi - lo) / total
            for i in range(hi - lo):
                scaled[i] = rate[lo + i] * factor
            _vose_into(scaled, hi - lo, prob, alias, small, large)
            for i in range(hi - lo):
                packed[lo + i] = _packed_entry(prob[i], alias[i])
    return packed


#: numpy's blocks of pairwise summation (``PW_BLOCKSIZE`` in its loops).
PAIRWISE_BLOCK = 128


@numba.njit(cache=True)
def numpy_sum(values, lo, n):
    """``values[lo:lo + n].sum()`` as numpy computes it for a contiguous float64 array, bit
    for bit: its identity 0.0 plus the pairwise sum of its reduction loop (numpy's
    ``pairwise_sum``: below 8 values in order, up to 128 in eight interleaved partial sums,
    beyond in two halves cut at a multiple of 8)."""
    return 0.0 + _pairwise_sum(values, lo, n)


@numba.njit(cache=True)
def _pairwise_sum(a, lo, n):
    if n < 8:
        res = -0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    if n <= PAIRWISE_BLOCK:
        r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
        r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
        i = lo + 8
        end = lo + n - n % 8
        while i < end:
            r0 += a[i]
            r1 += a[i + 1]
            r2 += a[i + 2]
            r3 += a[i + 3]
            r4 += a[i + 4]
            r5 += a[i + 5]
            r6 += a[i + 6]
            r7 += a[i + 7]
            i += 8
        res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
        while i < lo + n:
            res += a[i]
            i += 1
        return res
    half = n // 2
    half -= half % 8
    return _pairwise_sum(a, lo, half) + _pairwise_sum(a, lo + half, n - half)


@numba.njit(inline="always")
def draw_in_ring(state, packed, start, length):
    """Index in [0, length) from the packed alias table packed[start:start+length].

    One 64-bit random number: the high 32 bits pick a column uniformly (Lemire's
    multiply-shift with rejection, exactly uniform), the low 32 bits choose between the
    column and its alias.
    """
    n = np.uint64(length)
    mask = np.uint64(0xFFFFFFFF)
    r = next_u64(state)
    m = (r >> np.uint64(32)) * n
    if (m & mask) < n:
        reject_below = (np.uint64(TWO32) - n) % n
        while (m & mask) < reject_below:
            r = next_u64(state)
            m = (r >> np.uint64(32)) * n
    column = m >> np.uint64(32)
    entry = packed[start + column]
    keep = (r & mask) < (entry >> np.uint64(ALIAS_BITS))
    other = entry & np.uint64((1 << ALIAS_BITS) - 1)
    return np.int64(column) if keep else np.int64(other)
