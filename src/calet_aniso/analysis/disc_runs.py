"""The compiled kernel of the smoothed maps' disc sums (``analysis.smoothed_maps.disc_sums``),
apart so that the jobs that only read smoothed maps do not import numba."""

from __future__ import annotations

import numba


@numba.njit(cache=True)
def sum_runs(pixels, ends, ring_first, values, running, out):
    """out[c] = Σ over the runs of disc c (pixels[ends[c-1]:ends[c]], increasing) of
    running[last] − running[first] + values[first]; a run ends at a gap or a ring's end."""
    start = 0
    for c in range(ends.shape[0]):
        out[c, :] = 0.0
        if ends[c] == start:  # an empty disc
            continue
        low = pixels[start]
        for e in range(start, ends[c]):
            pixel = pixels[e]
            nxt = e + 1
            if nxt == ends[c] or pixels[nxt] != pixel + 1 or ring_first[pixels[nxt]]:
                for k in range(values.shape[1]):
                    out[c, k] += running[pixel, k] - running[low, k] + values[low, k]
                if nxt < ends[c]:
                    low = pixels[nxt]
        start = ends[c]
