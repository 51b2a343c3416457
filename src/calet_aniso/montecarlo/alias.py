"""Alias tables (Vose) for drawing pixels within a HEALPix ring, packed for the numba kernel."""

from __future__ import annotations

import numba
import numpy as np

from calet_aniso.montecarlo.random_streams import next_u64


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
