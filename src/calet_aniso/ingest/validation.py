"""Validation of raw orbit tables and event lists against the data contract.

Every check raises :class:`InputError` naming the file, the column, how many rows fail
and the first failing row, so one run reports one clear, actionable problem.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from calet_aniso.errors import InputError
from calet_aniso.geometry.frames import axes_dot, is_orthogonal
from calet_aniso.ingest.contract import EVENT_COLUMNS, LIVETIME_SLACK_S, ORBIT_COLUMNS, Column


def fail_where(
    path: str | Path,
    bad: np.ndarray,
    problem: str,
    *,
    column: str | None,
    values: np.ndarray | None = None,
    rows: np.ndarray | None = None,
    offset: int = 0,
) -> None:
    """Raise InputError if any ``bad`` is True, naming count and first bad row.

    ``rows`` maps positions to row numbers in the file (default: ``offset`` + the position,
    ``offset`` being the file row of the first position when a file is read in chunks).
    """
    bad = np.asarray(bad, dtype=bool)
    if not bad.any():
        return
    first = int(np.flatnonzero(bad)[0])
    value = (
        None
        if values is None
        else values[first].item()
        if hasattr(values[first], "item")
        else values[first]
    )
    raise InputError(
        path,
        problem,
        column=column,
        count=int(bad.sum()),
        first_row=int(offset + first if rows is None else rows[first]),
        value=value,
    )


def check_columns(
    path: str | Path, frame: pd.DataFrame, contract: tuple[Column, ...], offset: int = 0
) -> None:
    """Finite values and contract ranges for every contract column present (``offset``: the
    file row of the frame's first row)."""
    for column in contract:
        if column.name not in frame:
            continue
        values = frame[column.name].to_numpy()
        fail_where(
            path,
            ~np.isfinite(values),
            "NaN or infinite value",
            column=column.name,
            values=values,
            offset=offset,
        )
        if column.low is not None:
            fail_where(
                path,
                values < column.low,
                f"value below the allowed minimum {column.low} {column.unit}",
                column=column.name,
                values=values,
                offset=offset,
            )
        if column.high is not None:
            fail_where(
                path,
                values > column.high,
                f"value above the allowed maximum {column.high} {column.unit}",
                column=column.name,
                values=values,
                offset=offset,
            )


def validate_orbit(
    path: str | Path,
    frame: pd.DataFrame,
    offset: int = 0,
    previous: tuple[float, float] | None = None,
) -> None:
    """Check one orbit/live-time table, or ``frame`` = its rows from file row ``offset`` on,
    ``previous`` being the (start, stop) of the row before: values, live time, ordering,
    attitude axes."""
    check_columns(path, frame, ORBIT_COLUMNS, offset)
    start = frame["start"].to_numpy()
    stop = frame["stop"].to_numpy()
    live = frame["livetime"].to_numpy()
    fail_where(
        path, stop < start, "interval with stop < start", column="stop", values=stop, offset=offset
    )
    fail_where(
        path,
        live > (stop - start) + LIVETIME_SLACK_S,
        "live time exceeds the interval length stop - start",
        column="livetime",
        values=live,
        offset=offset,
    )
    before_start = np.concatenate([[-np.inf if previous is None else previous[0]], start[:-1]])
    before_stop = np.concatenate([[-np.inf if previous is None else previous[1]], stop[:-1]])
    fail_where(
        path,
        start < before_start,
        "intervals not sorted by start time",
        column="start",
        values=start,
        offset=offset,
    )
    fail_where(
        path,
        start < before_stop - LIVETIME_SLACK_S,
        "interval overlaps the previous one",
        column="start",
        values=start,
        offset=offset,
    )
    dot = axes_dot(
        frame["ra_scz"].to_numpy(),
        frame["dec_scz"].to_numpy(),
        frame["ra_scx"].to_numpy(),
        frame["dec_scx"].to_numpy(),
    )
    fail_where(
        path,
        ~is_orthogonal(dot),
        "attitude axes +z and +x not orthogonal (|z.x| shown as value)",
        column="ra_scx",
        values=np.abs(dot),
        offset=offset,
    )


def validate_file_follows(
    path_before: str | Path, stop_before: float, path: str | Path, start: float
) -> None:
    """Check that an orbit file, the next in time order, does not start before the coverage
    of the file before it (which stops at ``stop_before``) ends."""
    if start < stop_before - LIVETIME_SLACK_S:
        raise InputError(
            path,
            f"first interval overlaps the coverage of {path_before} (which stops at {stop_before})",
            column="start",
            count=1,
            first_row=0,
            value=float(start),
        )


def validate_events(path: str | Path, frame: pd.DataFrame) -> None:
    """Check one event list against the contract: values, ranges, paired direction columns.
    (Times against the orbit coverage and live time are checked by ingest.)"""
    check_columns(path, frame, EVENT_COLUMNS)
    energy = frame["energy"].to_numpy()
    fail_where(path, energy <= 0, "non-positive energy", column="energy", values=energy)
    repeated = frame.duplicated(subset=["time", "energy", "theta", "phi"]).to_numpy()
    fail_where(
        path,
        repeated,
        "event repeated (the same time, energy and direction as an earlier row)",
        column="time",
        values=frame["time"].to_numpy(),
    )
    for pair in (("l", "b"), ("ra", "dec")):
        if (pair[0] in frame) != (pair[1] in frame):
            present, missing = pair if pair[0] in frame else pair[::-1]
            raise InputError(path, f"column '{present}' given without '{missing}'", column=missing)
