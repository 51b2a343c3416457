"""Good time intervals (GTIs): which times count, and how much of an interval they cover.

The union of possibly overlapping, unsorted [START, STOP] intervals (s) is kept as sorted,
disjoint intervals; ``contains`` tests times, ``overlap`` measures the good time inside
[start, stop] intervals (used to scale an orbit interval's live time).
"""

from __future__ import annotations

import numpy as np


class GoodTimes:
    """The union of good time intervals (s)."""

    def __init__(self, intervals: np.ndarray) -> None:
        intervals = np.asarray(intervals, dtype=np.float64).reshape(-1, 2)
        intervals = intervals[intervals[:, 1] > intervals[:, 0]]
        intervals = intervals[np.argsort(intervals[:, 0], kind="stable")]
        merged: list[list[float]] = []
        for low, high in intervals:
            if merged and low <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], high)
            else:
                merged.append([low, high])
        self.intervals = np.array(merged).reshape(-1, 2)
        lengths = self.intervals[:, 1] - self.intervals[:, 0]
        self._before = np.concatenate([[0.0], np.cumsum(lengths)])  # good time before each

    def contains(self, times: np.ndarray) -> np.ndarray:
        """Whether each time lies in a good time interval (bounds included)."""
        times = np.asarray(times, dtype=np.float64)
        k = np.searchsorted(self.intervals[:, 0], times, side="right") - 1
        if not len(self.intervals):
            return np.zeros(times.shape, dtype=bool)
        return (k >= 0) & (times <= self.intervals[np.clip(k, 0, None), 1])

    def covered_until(self, times: np.ndarray) -> np.ndarray:
        """Good time (s) before each time: the measure of the union ∩ (−∞, t]."""
        times = np.asarray(times, dtype=np.float64)
        if not len(self.intervals):
            return np.zeros(times.shape)
        k = np.searchsorted(self.intervals[:, 0], times, side="right")  # intervals begun
        last = np.clip(k - 1, 0, None)
        partial = np.clip(
            times - self.intervals[last, 0], 0.0, self.intervals[last, 1] - self.intervals[last, 0]
        )
        return np.where(k > 0, self._before[last] + partial, 0.0)

    def overlap(self, start: np.ndarray, stop: np.ndarray) -> np.ndarray:
        """Good time (s) inside each [start, stop]."""
        return self.covered_until(stop) - self.covered_until(start)
