"""The period's orbit table as a stream: validated, in time order, in windows of rows.

A decade of 1 s intervals (3 × 10⁸ rows, about 25 GB of columns) does not fit in memory, so
ingest never holds the orbit table whole: each file is read in chunks
(:meth:`RawSource.chunks`), validated with the file row numbers and the row before carried
across chunks, scaled by the good times, and regrouped into :class:`OrbitWindow` s — a core
of consecutive rows plus the row before and the row after it in the period, when they exist.
Interpolating the attitude at a time inside a row uses that row and its two neighbours only
(:func:`~calet_aniso.geometry.attitude.interpolate_attitude`), so everything computed from a
window's core — the attitude moved to the midpoints, the events' intervals and directions —
equals what the whole table would give, bit for bit, whatever the window size.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from calet_aniso.geometry.attitude import interpolate_attitude, interval_index
from calet_aniso.geometry.frames import (
    detector_to_icrs,
    detector_vector,
    icrs_to_galactic,
    lonlat,
)
from calet_aniso.ingest.contract import (
    ATTITUDE_COLUMNS,
    ORBIT_COLUMNS,
    attitude_convention,
    column_names,
)
from calet_aniso.ingest.good_times import GoodTimes
from calet_aniso.ingest.time_system import stated_time_system
from calet_aniso.ingest.validation import validate_file_follows, validate_orbit
from calet_aniso.io.contract_tables import CHUNK_ROWS, RawSource

NORMALISED_ORBIT_COLUMNS = column_names(ORBIT_COLUMNS)


@dataclass(frozen=True)
class OrbitFile:
    """One raw orbit table: its source, TIMEZERO (s, added to its times), attitude convention
    ('start' or 'midpoint') and first start time (s, TIMEZERO added)."""

    source: RawSource
    zero: float
    convention: str
    first_start: float


def orbit_files(sources: list[RawSource], attitude_at: str) -> list[OrbitFile]:
    """The orbit tables in time order (by their first start), each with its convention."""
    files = []
    for source in sources:
        zero = stated_time_system(source.path, source.header)[1]
        stated = source.header.get("attitude_at", source.header.get("ATTITUDE"))
        stated = None if stated is None else str(stated).strip().lower()
        convention = attitude_convention(source.path, source.extname, stated, attitude_at)
        rows = source.chunks(rows=1)
        first = next(rows).frame["start"].iloc[0] + zero
        rows.close()  # a period may have hundreds of files: none is left open
        files.append(OrbitFile(source, zero, convention, float(first)))
    return sorted(files, key=lambda f: f.first_start)


@dataclass
class OrbitSummary:
    """What the report says of the orbit table, accumulated window by window."""

    files: list[dict] = field(default_factory=list)
    rows: int = 0
    coverage_start_s: float = np.nan
    coverage_stop_s: float = np.nan
    covered_duration_s: float = 0.0
    total_livetime_s: float = 0.0
    gaps: int = 0
    livetime_removed_s: float = 0.0


def validated_chunks(
    files: list[OrbitFile],
    good_times: GoodTimes | None,
    summary: OrbitSummary,
    chunk_rows: int = CHUNK_ROWS,
) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
    """The period's rows, file after file, chunk by chunk: the normalised columns (times with
    TIMEZERO added, live time scaled by the fraction of the interval inside ``good_times``,
    attitude as the file gives it) and whether each row's attitude holds at its start."""
    before = None  # (path, stop) of the previous file's last row
    for orbit_file in files:
        path = orbit_file.source.path
        if before is not None:
            validate_file_follows(before[0], before[1], path, orbit_file.first_start)
        previous, rows = None, 0
        for chunk in orbit_file.source.chunks(chunk_rows):
            frame = chunk.frame
            if orbit_file.zero:
                frame = frame.assign(
                    start=frame["start"] + orbit_file.zero, stop=frame["stop"] + orbit_file.zero
                )
            validate_orbit(path, frame, chunk.offset, previous)
            start = frame["start"].to_numpy()
            stop = frame["stop"].to_numpy()
            previous = (float(start[-1]), float(stop[-1]))
            rows += len(frame)
            if good_times is not None:
                length = stop - start
                fraction = np.divide(
                    good_times.overlap(start, stop),
                    length,
                    out=np.zeros_like(length),
                    where=length > 0,
                )
                live = frame["livetime"].to_numpy()
                scaled = live * np.clip(fraction, 0.0, 1.0)
                summary.livetime_removed_s += float(live.sum() - scaled.sum())
                frame = frame.assign(livetime=scaled)
            at_start = np.full(len(frame), orbit_file.convention == "start")
            yield frame.reindex(columns=NORMALISED_ORBIT_COLUMNS), at_start
        summary.files.append(
            {"path": str(path), "rows": rows, "attitude_at": orbit_file.convention}
        )
        before = (path, previous[1])


@dataclass(frozen=True)
class OrbitWindow:
    """Consecutive rows of the period's orbit table and their context.

    ``frame`` holds the row before the core (if any), the core rows and the row after them
    (if any); ``core`` is the core's slice of ``frame``; ``offset`` the period row number of
    the first core row; ``last`` whether the core ends the period.
    """

    frame: pd.DataFrame
    at_start: np.ndarray
    core: slice
    offset: int
    last: bool

    def column(self, name: str) -> np.ndarray:
        """A column over the whole window."""
        return self.frame[name].to_numpy()

    def knots(self) -> np.ndarray:
        """Time (s) at which each row's attitude holds: its start or its midpoint."""
        start, stop = self.column("start"), self.column("stop")
        return np.where(self.at_start, start, 0.5 * (start + stop))

    def attitude(self, times: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Attitude matrices (N, 3, 3) at ``times`` inside window rows ``rows``."""
        axes = tuple(self.column(c) for c in ATTITUDE_COLUMNS)
        return interpolate_attitude(
            self.column("start"), self.column("stop"), self.knots(), axes, times, rows
        )


def windows(chunks: Iterable[tuple[pd.DataFrame, np.ndarray]]) -> Iterator[OrbitWindow]:
    """Regroup chunks of rows into windows: each chunk becomes a core, with the last row of
    the chunk before and the first row of the chunk after as context."""
    before = None  # (frame, at_start) of the previous core's last row
    pending = None
    offset = 0

    def window(core, after, last):
        parts = [p for p in (before, core, after) if p is not None]
        frame = pd.concat([p[0] for p in parts], ignore_index=True)
        at_start = np.concatenate([p[1] for p in parts])
        lead = 0 if before is None else 1
        return OrbitWindow(frame, at_start, slice(lead, lead + len(core[0])), offset, last)

    for chunk in chunks:
        if pending is not None:
            yield window(pending, (chunk[0].iloc[:1], chunk[1][:1]), last=False)
            offset += len(pending[0])
            before = (pending[0].iloc[-1:], pending[1][-1:])
        pending = chunk
    if pending is not None:
        yield window(pending, None, last=True)


def midpoint_rows(window: OrbitWindow) -> pd.DataFrame:
    """The window's core rows with start-convention attitudes moved to their intervals'
    midpoints (the rotation halfway between the interval's start and the next contiguous
    interval's start, see ``ingest.normalise``); midpoint rows are left exactly as they are."""
    core = window.frame.iloc[window.core].reset_index(drop=True)
    rows = np.flatnonzero(window.at_start[window.core])
    if rows.size == 0:
        return core
    start, stop = window.column("start"), window.column("stop")
    in_window = rows + window.core.start
    rotation = window.attitude(0.5 * (start + stop)[in_window], in_window)
    ra_z, dec_z = lonlat(rotation[:, :, 2])
    ra_x, dec_x = lonlat(rotation[:, :, 0])
    for column, values in zip(ATTITUDE_COLUMNS, (ra_z, dec_z, ra_x, dec_x), strict=True):
        core.loc[rows, column] = values
    return core


def summarise(window: OrbitWindow, summary: OrbitSummary) -> None:
    """Add the window's core to the report's coverage, live time and gap count."""
    start, stop = window.column("start"), window.column("stop")
    core = window.core
    if window.offset == 0:
        summary.coverage_start_s = float(start[core.start])
    summary.coverage_stop_s = float(stop[core.stop - 1])
    summary.rows += core.stop - core.start
    summary.covered_duration_s += float(np.sum(stop[core] - start[core]))
    summary.total_livetime_s += float(np.sum(window.column("livetime")[core]))
    first = max(core.start, 1)  # a gap is counted at the row after it
    summary.gaps += int(
        np.count_nonzero(start[first : core.stop] - stop[first - 1 : core.stop - 1] > 1e-3)
    )


class EventLocator:
    """Where each event falls in the period's orbit table — its interval (period row, -1 if
    none), that interval's live time, and its direction — filled in window by window.

    ``times`` (s), ``theta``, ``phi`` (deg): the events, in any order.
    """

    def __init__(self, times: np.ndarray, theta: np.ndarray, phi: np.ndarray) -> None:
        self.times = np.asarray(times, dtype=np.float64)
        self._order = np.argsort(self.times, kind="stable")
        self._sorted = self.times[self._order]
        self._theta, self._phi = theta, phi
        n = len(self.times)
        self.interval = np.full(n, -1, dtype=np.int64)
        self.livetime = np.zeros(n)
        self.directions = {key: np.full(n, np.nan) for key in ("ra", "dec", "l", "b")}

    def add(self, window: OrbitWindow) -> None:
        """Locate the events whose time lies from the core's first start (from −∞ in the
        first window) to the next row's start (to +∞ in the last window)."""
        start, stop = window.column("start"), window.column("stop")
        core = window.core
        low = -np.inf if window.offset == 0 else start[core.start]
        high = np.inf if window.last else start[core.stop]
        begin, end = np.searchsorted(self._sorted, [low, high], side="left")
        ids = self._order[begin:end]
        if ids.size == 0:
            return
        times = self.times[ids]
        local = interval_index(start[core], stop[core], times, closed=window.last)
        inside = local >= 0
        ids, local, times = ids[inside], local[inside], times[inside]
        self.interval[ids] = window.offset + local
        self.livetime[ids] = window.column("livetime")[core][local]
        rotation = window.attitude(times, local + core.start)
        v_icrs = detector_to_icrs(rotation, detector_vector(self._theta[ids], self._phi[ids]))
        ra, dec = lonlat(v_icrs)
        gal_l, gal_b = icrs_to_galactic(ra, dec)
        for key, values in (("ra", ra), ("dec", dec), ("l", gal_l), ("b", gal_b)):
            self.directions[key][ids] = values
