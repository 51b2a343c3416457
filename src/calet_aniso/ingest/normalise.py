"""Ingest: read raw orbit tables and event lists, validate, normalise, derive directions.

The output is one normalised orbit table and one event list (Parquet, explicit schema)
plus a JSON report. Each event's galactic direction is computed from its detector
angles and the attitude interpolated at its time; when the file carries (l, b) from an
upstream reconstruction, the two must agree within a tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from calet_aniso.errors import InputError
from calet_aniso.geometry.attitude import interpolate_attitude
from calet_aniso.geometry.frames import (
    angular_separation_deg,
    detector_to_icrs,
    detector_vector,
    icrs_to_galactic,
    lonlat,
    unit_vector,
)
from calet_aniso.ingest.contract import EVENT_COLUMNS, ORBIT_COLUMNS, column_names
from calet_aniso.ingest.time_system import TimeSystem
from calet_aniso.ingest.validation import (
    fail_where,
    validate_events,
    validate_orbit,
    validate_orbit_sequence,
)
from calet_aniso.io.contract_tables import read_contract_table
from calet_aniso.io.files import write_json, write_parquet

NORMALISED_ORBIT_COLUMNS = column_names(ORBIT_COLUMNS)
NORMALISED_EVENT_COLUMNS = [
    *column_names(EVENT_COLUMNS, required_only=True),
    "ra",
    "dec",
    "l",
    "b",
    "interval",
]


@dataclass
class IngestResult:
    """Normalised orbit table, event list and the ingest report (JSON-ready dict)."""

    orbit: pd.DataFrame
    events: pd.DataFrame
    report: dict


def read_orbit(paths: list[str]) -> tuple[pd.DataFrame, list[dict]]:
    """Read and validate orbit tables; files are ordered by their first start time."""
    parts = []
    for path in paths:
        frame = read_contract_table(path, ORBIT_COLUMNS)
        validate_orbit(path, frame)
        parts.append((str(path), frame))
    parts.sort(key=lambda item: item[1]["start"].iloc[0])
    validate_orbit_sequence(parts)
    frames = []
    for _, frame in parts:
        frames.append(frame.reindex(columns=NORMALISED_ORBIT_COLUMNS))
    orbit = pd.concat(frames, ignore_index=True)
    return orbit, [{"path": p, "rows": len(f)} for p, f in parts]


def event_directions(
    orbit: pd.DataFrame, events: pd.DataFrame, index: np.ndarray
) -> dict[str, np.ndarray]:
    """ICRS and Galactic directions (degrees) of events from detector angles and attitude."""
    axes = tuple(orbit[c].to_numpy() for c in ("ra_scz", "dec_scz", "ra_scx", "dec_scx"))
    rotation = interpolate_attitude(
        orbit["start"].to_numpy(), orbit["stop"].to_numpy(), axes, events["time"].to_numpy(), index
    )
    v_icrs = detector_to_icrs(
        rotation, detector_vector(events["theta"].to_numpy(), events["phi"].to_numpy())
    )
    ra, dec = lonlat(v_icrs)
    gal_l, gal_b = icrs_to_galactic(ra, dec)
    return {"ra": ra, "dec": dec, "l": gal_l, "b": gal_b}


def read_events(
    paths: list[str],
    orbit: pd.DataFrame,
    *,
    min_energy_gev: float,
    lb_tolerance_deg: float,
) -> tuple[pd.DataFrame, list[dict], dict]:
    """Read, validate, cut and direct event lists. Returns events, per-file info, cut counts."""
    start = orbit["start"].to_numpy()
    stop = orbit["stop"].to_numpy()
    live = orbit["livetime"].to_numpy()
    frames, files = [], []
    cuts = {"energy_below_min": 0}
    max_sep = 0.0
    checked = 0
    for path in paths:
        frame = read_contract_table(path, EVENT_COLUMNS)
        index = validate_events(path, frame, start, stop, live)
        directions = event_directions(orbit, frame, index)
        if "l" in frame:
            sep = angular_separation_deg(
                unit_vector(frame["l"].to_numpy(), frame["b"].to_numpy()),
                unit_vector(directions["l"], directions["b"]),
            )
            fail_where(
                path,
                sep > lb_tolerance_deg,
                "(l, b) disagrees with the direction from (theta, phi) and the attitude by "
                f"more than {lb_tolerance_deg} deg (separation in deg shown as value)",
                column="l",
                values=sep,
            )
            max_sep = max(max_sep, float(sep.max()))
            checked += len(frame)
        keep = frame["energy"].to_numpy() >= min_energy_gev
        cuts["energy_below_min"] += int((~keep).sum())
        out = frame[column_names(EVENT_COLUMNS, required_only=True)].copy()
        for key, values in directions.items():
            out[key] = values
        out["interval"] = index.astype(np.int64)
        frames.append(out[keep])
        files.append({"path": str(path), "rows_in": len(frame), "rows_out": int(keep.sum())})
    events = pd.concat(frames, ignore_index=True)
    events = events.sort_values("time", kind="mergesort", ignore_index=True)
    lb_check = {
        "rows_checked": checked,
        "max_separation_deg": max_sep,
        "tolerance_deg": lb_tolerance_deg,
    }
    return events[NORMALISED_EVENT_COLUMNS], files, {"cuts": cuts, "lb_check": lb_check}


def ingest(
    orbit_paths: list[str],
    event_paths: list[str],
    time_system: TimeSystem,
    *,
    min_energy_gev: float,
    lb_tolerance_deg: float,
    period: str = "",
) -> IngestResult:
    """Validate and normalise one data period (see module docstring)."""
    if not orbit_paths:
        raise InputError("<orbit>", "no orbit files given")
    if not event_paths:
        raise InputError("<events>", "no event files given")
    orbit, orbit_files = read_orbit(orbit_paths)
    events, event_files, extra = read_events(
        event_paths, orbit, min_energy_gev=min_energy_gev, lb_tolerance_deg=lb_tolerance_deg
    )
    start = orbit["start"].to_numpy()
    stop = orbit["stop"].to_numpy()
    duration = float(np.sum(stop - start))
    livetime = float(orbit["livetime"].sum())
    n_gaps = int(np.count_nonzero(start[1:] - stop[:-1] > 1e-3))
    report = {
        "period": period,
        "time_system": {"epoch": time_system.epoch, "scale": time_system.scale},
        "orbit": {
            "files": orbit_files,
            "rows_in": int(sum(f["rows"] for f in orbit_files)),
            "rows_out": len(orbit),
            "coverage_start_s": float(start[0]),
            "coverage_stop_s": float(stop[-1]),
            "coverage_start_utc": str(time_system.to_iso_utc(start[0])),
            "coverage_stop_utc": str(time_system.to_iso_utc(stop[-1])),
            "covered_duration_s": duration,
            "total_livetime_s": livetime,
            "livetime_fraction": livetime / duration,
            "gaps": n_gaps,
        },
        "events": {
            "files": event_files,
            "rows_in": int(sum(f["rows_in"] for f in event_files)),
            "rows_out": len(events),
            "min_energy_gev": min_energy_gev,
            "cuts": extra["cuts"],
            "lb_check": extra["lb_check"],
            "energy_range_gev": [float(events["energy"].min()), float(events["energy"].max())]
            if len(events)
            else [None, None],
        },
    }
    return IngestResult(orbit=orbit, events=events, report=report)


def write_ingest(
    result: IngestResult, orbit_path: str | Path, events_path: str | Path, report_path: str | Path
) -> None:
    """Write the normalised tables and report; each file appears whole or not at all."""
    meta = {"time_system": result.report["time_system"], "period": result.report["period"]}
    write_parquet(result.orbit, orbit_path, {**meta, "contract": "orbit"})
    write_parquet(result.events, events_path, {**meta, "contract": "events"})
    write_json(result.report, report_path)
