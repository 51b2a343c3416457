"""Counter-keyed random streams for the Monte Carlo (numba).

Every sample has its own stream, a xoshiro256** generator (Blackman & Vigna) seeded through
splitmix64 from a 64-bit key hashing (seed, threshold key, sample index). Results therefore do
not depend on how samples are split into shards, on the executor, or on the thread count.
Poisson variates: multiplication method below a mean of 10, Hörmann's transformed rejection
(PTRS, 1993) above.
"""

from __future__ import annotations

import math

import numba
import numpy as np

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
def next_u64(state):
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
    return float(next_u64(state) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


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


def threshold_key(threshold_gev: float) -> int:
    """Integer key (the threshold in MeV) of a threshold's random streams."""
    return round(float(threshold_gev) * 1000.0)
