"""Attitude at arbitrary times, interpolated from the orbit table.

The attitude columns of an orbit-table row are the detector axes at one instant of the
interval, its knot: its start (Fermi FT2) or its midpoint (see
``ingest.contract.attitude_convention``). Between the knots of two contiguous intervals the
attitude is interpolated on the rotation group (constant angular velocity, i.e. slerp),
which is exact for a local-vertical attitude on a circular orbit. Before the first or after
the last knot of a contiguous stretch the rotation of the nearest pair is extrapolated; an
isolated interval keeps its own attitude.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial.transform import Rotation

from calet_aniso.geometry.frames import attitude_matrices

#: Two intervals are contiguous when one stops within this many seconds of the next start.
CONTIGUITY_TOLERANCE_S = 1.0e-3


def interval_index(
    start: np.ndarray, stop: np.ndarray, times: np.ndarray, closed: bool = True
) -> np.ndarray:
    """Index of the interval [start, stop) containing each time, -1 where none does.

    ``start`` must be sorted and intervals must not overlap. A time equal to the last
    stop belongs to the last interval when the intervals are ``closed`` (they end the
    table; False for a run of rows that more rows follow).
    """
    idx = np.searchsorted(start, times, side="right") - 1
    inside = idx >= 0
    safe = np.clip(idx, 0, len(start) - 1)
    last = closed & (safe == len(start) - 1)
    inside &= (times < stop[safe]) | ((times == stop[safe]) & last)
    return np.where(inside, idx, -1)


def interpolate_attitude(
    start: np.ndarray,
    stop: np.ndarray,
    knots: np.ndarray,
    axes: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    times: np.ndarray,
    index: np.ndarray,
) -> np.ndarray:
    """Attitude matrices (N, 3, 3) at ``times`` inside intervals ``index``.

    Parameters
    ----------
    start, stop : interval bounds (s), sorted, non-overlapping.
    knots : time (s) at which each interval's attitude holds (its start or its midpoint).
    axes : (ra_scz, dec_scz, ra_scx, dec_scx) in degrees at each interval's knot.
    times : (N,) times (s); each inside interval ``index[n]``.
    index : (N,) interval index of each time (see :func:`interval_index`).
    """
    n_int = len(start)
    contiguous_next = np.zeros(n_int, dtype=bool)
    if n_int > 1:
        contiguous_next[:-1] = np.abs(start[1:] - stop[:-1]) <= CONTIGUITY_TOLERANCE_S
    contiguous_prev = np.zeros(n_int, dtype=bool)
    contiguous_prev[1:] = contiguous_next[:-1]

    after_knot = times >= knots[index]
    # Preferred pair brackets the time; otherwise extrapolate from the other neighbour.
    use_next = np.where(
        after_knot, contiguous_next[index], ~contiguous_prev[index] & contiguous_next[index]
    )
    use_prev = ~use_next & contiguous_prev[index]
    k0 = np.where(use_prev, index - 1, index)
    k1 = np.where(use_next, index + 1, index)
    span = knots[k1] - knots[k0]
    frac = np.where(span > 0, (times - knots[k0]) / np.where(span > 0, span, 1.0), 0.0)

    r0 = Rotation.from_matrix(attitude_matrices(*(a[k0] for a in axes)))
    r1 = Rotation.from_matrix(attitude_matrices(*(a[k1] for a in axes)))
    step = (r0.inv() * r1).as_rotvec()
    return (r0 * Rotation.from_rotvec(frac[:, None] * step)).as_matrix()
