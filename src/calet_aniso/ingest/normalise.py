"""Ingest: read raw orbit tables and event lists, validate, normalise, derive directions.

The output is one normalised orbit table and one event list (Parquet, explicit schema)
plus a JSON report.

* **Time system**: from the configuration (``time_system``) or, when it is not given, from
  what the files state (FITS MJDREF/TIMESYS/TIMEUNIT/TIMEZERO, this pipeline's Parquet
  metadata). Files that state a different system than the configuration or than each other
  are an error naming both; TIMEZERO is added to the file's times.
* **Attitude**: each orbit table's attitude holds at its intervals' starts (Fermi FT2) or
  midpoints (``contract.attitude_convention``). Event directions use the attitude
  interpolated on the rotation group between those instants. The normalised orbit table
  holds the attitude at each interval's midpoint (metadata ``attitude_at: midpoint``): for a
  start-convention table it is the rotation halfway between the interval's start and the
  next contiguous interval's start (the attitude over the interval is that of a constant
  angular velocity between the two, so its midpoint is its mean to second order), and for
  the last interval of a stretch it is extrapolated with the previous interval's rate.
* **Good times**: events outside the GTIs of their file's GTI extension are dropped and
  counted; when every event file has GTIs, each orbit interval's live time is scaled by the
  fraction of it inside their union, so the exposure covers the same time as the events.
  Events outside the orbit coverage or in intervals with zero live time are an error, or
  dropped and counted with ``ingest.outside_livetime: drop``.
* **Directions**: each event's direction is computed from its detector angles and the
  attitude at its time; (RA, Dec) and (l, b) given in the file must agree with it within a
  tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from calet_aniso.config.settings import IngestSettings
from calet_aniso.errors import ConfigError, InputError
from calet_aniso.geometry.attitude import interpolate_attitude, interval_index
from calet_aniso.geometry.frames import (
    angular_separation_deg,
    detector_to_icrs,
    detector_vector,
    icrs_to_galactic,
    lonlat,
    unit_vector,
)
from calet_aniso.ingest.contract import (
    ATTITUDE_COLUMNS,
    EVENT_COLUMNS,
    ORBIT_COLUMNS,
    attitude_convention,
    column_names,
)
from calet_aniso.ingest.good_times import GoodTimes
from calet_aniso.ingest.time_system import TimeSystem, stated_time_system
from calet_aniso.ingest.validation import (
    fail_where,
    validate_events,
    validate_orbit,
    validate_orbit_sequence,
)
from calet_aniso.io.contract_tables import RawTable, read_raw_table
from calet_aniso.io.files import write_json, write_parquet

if TYPE_CHECKING:
    from calet_aniso.instrument.response import Response

NORMALISED_ORBIT_COLUMNS = column_names(ORBIT_COLUMNS)
NORMALISED_EVENT_COLUMNS = [
    *column_names(EVENT_COLUMNS, required_only=True),
    "ra",
    "dec",
    "l",
    "b",
    "interval",
]
#: Why an event may be dropped, as counted in the report.
DROP_REASONS = ("outside_gti", "outside_orbit_coverage", "zero_livetime")


@dataclass
class IngestResult:
    """Normalised orbit table, event list and the ingest report (JSON-ready dict)."""

    orbit: pd.DataFrame
    events: pd.DataFrame
    report: dict
    time_system: TimeSystem


def period_time_system(configured: TimeSystem | None, tables: list[RawTable]) -> TimeSystem:
    """The period's time system: the configured one, else the one the files state; every file
    that states one must agree (InputError naming both)."""
    stated = [(t.path, stated_time_system(t.path, t.header)[0]) for t in tables]
    stated = [(path, system) for path, system in stated if system is not None]
    reference = ("the config's time_system", configured) if configured else None
    for path, system in stated:
        if reference is None:
            reference = (str(path), system)
        elif not system.same_as(reference[1]):
            raise InputError(
                path,
                f"the file's time system ({system.describe()}) differs from that of "
                f"{reference[0]} ({reference[1].describe()})",
            )
    if reference is None:
        raise ConfigError(
            "time_system",
            "no file states its time system (FITS MJDREF/TIMESYS keywords or this pipeline's "
            "Parquet metadata): give epoch and scale in the config",
        )
    return reference[1]


def _shift_times(table: RawTable, columns: tuple[str, ...]) -> tuple[pd.DataFrame, np.ndarray]:
    """The table's frame and GTIs with the file's TIMEZERO added to its times."""
    zero = stated_time_system(table.path, table.header)[1]
    frame = table.frame
    gti = table.gti
    if zero:
        frame = frame.copy()
        for column in columns:
            frame[column] = frame[column] + zero
        gti = None if gti is None else gti + zero
    return frame, gti


def read_orbit(tables: list[RawTable], attitude_at: str) -> tuple[pd.DataFrame, np.ndarray, list]:
    """Validated orbit tables in time order, concatenated; the attitude convention of each
    row ('start' or 'midpoint') and per-file information."""
    parts = []
    for table in tables:
        frame, _ = _shift_times(table, ("start", "stop"))
        validate_orbit(table.path, frame)
        stated = table.header.get("attitude_at", table.header.get("ATTITUDE"))
        stated = None if stated is None else str(stated).strip().lower()
        convention = attitude_convention(table.path, table.extname, stated, attitude_at)
        parts.append((str(table.path), frame, convention))
    parts.sort(key=lambda item: item[1]["start"].iloc[0])
    validate_orbit_sequence([(p, f) for p, f, _ in parts])
    orbit = pd.concat(
        [f.reindex(columns=NORMALISED_ORBIT_COLUMNS) for _, f, _ in parts], ignore_index=True
    )
    at_start = np.concatenate([np.full(len(f), c == "start") for _, f, c in parts])
    files = [{"path": p, "rows": len(f), "attitude_at": c} for p, f, c in parts]
    return orbit, at_start, files


def attitude_knots(orbit: pd.DataFrame, at_start: np.ndarray) -> np.ndarray:
    """Time (s) at which each row's attitude holds: its start or its midpoint."""
    start = orbit["start"].to_numpy()
    mid = 0.5 * (start + orbit["stop"].to_numpy())
    return np.where(at_start, start, mid)


def attitude_at_midpoints(orbit: pd.DataFrame, at_start: np.ndarray) -> pd.DataFrame:
    """The orbit table with start-convention attitudes moved to their intervals' midpoints
    (module docstring); midpoint rows are left exactly as they are."""
    if not at_start.any():
        return orbit
    start = orbit["start"].to_numpy()
    stop = orbit["stop"].to_numpy()
    rows = np.flatnonzero(at_start)
    axes = tuple(orbit[c].to_numpy() for c in ATTITUDE_COLUMNS)
    rotation = interpolate_attitude(
        start, stop, attitude_knots(orbit, at_start), axes, 0.5 * (start + stop)[rows], rows
    )
    ra_z, dec_z = lonlat(rotation[:, :, 2])
    ra_x, dec_x = lonlat(rotation[:, :, 0])
    out = orbit.copy()
    for column, values in zip(ATTITUDE_COLUMNS, (ra_z, dec_z, ra_x, dec_x), strict=True):
        out.loc[rows, column] = values
    return out


def event_directions(
    orbit: pd.DataFrame, knots: np.ndarray, events: pd.DataFrame, index: np.ndarray
) -> dict[str, np.ndarray]:
    """ICRS and Galactic directions (degrees) of events from detector angles and attitude."""
    if len(events) == 0:
        return {key: np.zeros(0) for key in ("ra", "dec", "l", "b")}
    axes = tuple(orbit[c].to_numpy() for c in ATTITUDE_COLUMNS)
    rotation = interpolate_attitude(
        orbit["start"].to_numpy(),
        orbit["stop"].to_numpy(),
        knots,
        axes,
        events["time"].to_numpy(),
        index,
    )
    v_icrs = detector_to_icrs(
        rotation, detector_vector(events["theta"].to_numpy(), events["phi"].to_numpy())
    )
    ra, dec = lonlat(v_icrs)
    gal_l, gal_b = icrs_to_galactic(ra, dec)
    return {"ra": ra, "dec": dec, "l": gal_l, "b": gal_b}


def _check_direction(path, frame, directions, pair, tolerance_deg, check) -> None:
    """The file's direction columns ``pair`` against the recomputed ones (within tolerance)."""
    lon, lat = pair
    if lon not in frame or len(frame) == 0:
        return
    separation = angular_separation_deg(
        unit_vector(frame[lon].to_numpy(), frame[lat].to_numpy()),
        unit_vector(directions[lon], directions[lat]),
    )
    fail_where(
        path,
        separation > tolerance_deg,
        f"({lon}, {lat}) disagrees with the direction from (theta, phi) and the attitude by "
        f"more than {tolerance_deg} deg (separation in deg shown as value)",
        column=lon,
        values=separation,
        rows=frame.index.to_numpy(),
    )
    check["rows_checked"] += len(frame)
    check["max_separation_deg"] = max(check["max_separation_deg"], float(separation.max()))


def check_seen_by_response(path: str, raw: pd.DataFrame, response: Response) -> None:
    """InputError for events the response cannot have seen: θ beyond its field of view
    (upward-going or mis-assigned events) or energies above its highest node (where the
    exposure is not defined)."""
    theta = raw["theta"].to_numpy()
    fov = response.field_of_view_deg()
    problem = f"θ beyond the response's field of view ({fov:.1f} deg from the boresight)"
    fail_where(path, theta > fov, problem, column="theta", values=theta)
    energy = raw["energy"].to_numpy()
    top = float(response.energies_gev[-1])
    problem = f"energy above the response's highest node ({top:g} GeV; exposure undefined)"
    fail_where(path, energy > top, problem, column="energy", values=energy)


#: Columns that identify an event: two rows equal in all of them are the same event.
EVENT_IDENTITY = ("time", "energy", "theta", "phi")


def check_no_event_in_two_files(tables: list[RawTable], identities: list[pd.DataFrame]) -> None:
    """InputError if an event kept from one file is repeated in another (overlapping event files
    would count it twice), naming the later file, its first such row and the earlier file's
    row. ``identities``: per file, the kept rows' EVENT_IDENTITY columns and ``row`` (in file)."""
    if len(tables) < 2:
        return
    keys = pd.concat(
        [frame.assign(file=i) for i, frame in enumerate(identities)], ignore_index=True
    )
    repeated = keys.duplicated(subset=list(EVENT_IDENTITY)).to_numpy()
    if not repeated.any():
        return
    later = keys[repeated].sort_values(["file", "row"]).iloc[0]
    same = (keys[list(EVENT_IDENTITY)] == later[list(EVENT_IDENTITY)]).all(axis=1).to_numpy()
    earlier = keys[same].iloc[0]
    raise InputError(
        tables[int(later["file"])].path,
        f"event repeated from {tables[int(earlier['file'])].path} data row {int(earlier['row'])} "
        "(the same time, energy and direction; overlapping event files)",
        column="time",
        count=int(repeated.sum()),
        first_row=int(later["row"]),
        value=float(later["time"]),
    )


def read_events(
    tables: list[RawTable],
    orbit: pd.DataFrame,
    knots: np.ndarray,
    settings: IngestSettings,
    response: Response | None = None,
) -> tuple[pd.DataFrame, list[dict], dict]:
    """Read, validate, select, cut and direct event lists. Returns events, per-file info and
    the checks and cuts of the report. Dropped rows are counted per file and reason. With a
    ``response``, events it cannot have seen are refused (:func:`check_seen_by_response`)."""
    start = orbit["start"].to_numpy()
    stop = orbit["stop"].to_numpy()
    live = orbit["livetime"].to_numpy()
    frames, files = [], []
    checks = {
        name: {
            "rows_checked": 0,
            "max_separation_deg": 0.0,
            "tolerance_deg": settings.lb_tolerance_deg,
        }
        for name in ("lb_check", "radec_check")
    }
    below = 0
    identities = []
    for table in tables:
        raw, gti = _shift_times(table, ("time",))
        validate_events(table.path, raw)
        if response is not None:
            check_seen_by_response(table.path, raw, response)
        times = raw["time"].to_numpy()
        dropped = dict.fromkeys(DROP_REASONS, 0)
        keep = np.ones(len(raw), dtype=bool)
        if gti is not None:
            keep &= GoodTimes(gti).contains(times)
            dropped["outside_gti"] = int((~keep).sum())
        index = interval_index(start, stop, times)
        for reason, bad, text in (
            ("outside_orbit_coverage", index < 0, "event time outside the orbit coverage"),
            (
                "zero_livetime",
                (index >= 0) & (live[np.maximum(index, 0)] <= 0),
                "event time in an interval with zero live time",
            ),
        ):
            bad = bad & keep
            if settings.outside_livetime == "error":
                hint = " (ingest.outside_livetime: drop drops such events)"
                fail_where(table.path, bad, text + hint, column="time", values=times)
            dropped[reason] = int(bad.sum())
            keep &= ~bad
        frame = raw[keep]
        identities.append(frame[list(EVENT_IDENTITY)].assign(row=np.flatnonzero(keep)))
        directions = event_directions(orbit, knots, frame, index[keep])
        _check_direction(
            table.path,
            frame,
            directions,
            ("ra", "dec"),
            settings.lb_tolerance_deg,
            checks["radec_check"],
        )
        _check_direction(
            table.path, frame, directions, ("l", "b"), settings.lb_tolerance_deg, checks["lb_check"]
        )
        energetic = frame["energy"].to_numpy() >= settings.min_energy_gev
        below += int((~energetic).sum())
        out = frame[column_names(EVENT_COLUMNS, required_only=True)].copy()
        for key, values in directions.items():
            out[key] = values
        out["interval"] = index[keep].astype(np.int64)
        frames.append(out[energetic])
        files.append(
            {
                "path": str(table.path),
                "rows_in": len(raw),
                "rows_out": int(energetic.sum()),
                "dropped": dropped,
                "gti": None if gti is None else len(gti),
            }
        )
    check_no_event_in_two_files(tables, identities)
    events = pd.concat(frames, ignore_index=True)
    events = events.sort_values("time", kind="mergesort", ignore_index=True)
    dropped_total = {r: int(sum(f["dropped"][r] for f in files)) for r in DROP_REASONS}
    extra = {"cuts": {"energy_below_min": below, **dropped_total}, **checks}
    return events[NORMALISED_EVENT_COLUMNS], files, extra


def ingest(
    orbit_paths: list[str],
    event_paths: list[str],
    time_system: TimeSystem | None,
    settings: IngestSettings,
    *,
    attitude_at: str,
    period: str = "",
    response: Response | None = None,
) -> IngestResult:
    """Validate and normalise one data period (see module docstring).

    ``time_system`` is the configured one (None: from the files); ``attitude_at`` is the
    configured attitude convention ('auto', 'start' or 'midpoint'); ``response`` (optional)
    refuses events the instrument cannot have seen.
    """
    if not orbit_paths:
        raise InputError("<orbit>", "no orbit files given")
    if not event_paths:
        raise InputError("<events>", "no event files given")
    orbit_tables = [read_raw_table(p, ORBIT_COLUMNS) for p in orbit_paths]
    event_tables = [read_raw_table(p, EVENT_COLUMNS) for p in event_paths]
    system = period_time_system(time_system, orbit_tables + event_tables)
    orbit, at_start, orbit_files = read_orbit(orbit_tables, attitude_at)
    gti_files = [t.gti is not None for t in event_tables]
    gti_report = {"applied": all(gti_files), "livetime_removed_s": 0.0}
    if any(gti_files) and not all(gti_files):
        missing = event_tables[gti_files.index(False)].path
        raise InputError(missing, "no GTI extension, while other event files of the period have")
    if all(gti_files):
        good = GoodTimes(np.concatenate([_shift_times(t, ())[1] for t in event_tables]))
        start = orbit["start"].to_numpy()
        stop = orbit["stop"].to_numpy()
        length = stop - start
        fraction = np.divide(
            good.overlap(start, stop), length, out=np.zeros_like(length), where=length > 0
        )
        scaled = orbit["livetime"].to_numpy() * np.clip(fraction, 0.0, 1.0)
        gti_report["livetime_removed_s"] = float(orbit["livetime"].sum() - scaled.sum())
        gti_report["intervals"] = len(good.intervals)
        orbit = orbit.assign(livetime=scaled)
    knots = attitude_knots(orbit, at_start)
    events, event_files, extra = read_events(event_tables, orbit, knots, settings, response)
    orbit = attitude_at_midpoints(orbit, at_start)
    start = orbit["start"].to_numpy()
    stop = orbit["stop"].to_numpy()
    duration = float(np.sum(stop - start))
    livetime = float(orbit["livetime"].sum())
    n_gaps = int(np.count_nonzero(start[1:] - stop[:-1] > 1e-3))
    report = {
        "period": period,
        "time_system": {"epoch": system.epoch, "scale": system.scale},
        "orbit": {
            "files": orbit_files,
            "rows_in": int(sum(f["rows"] for f in orbit_files)),
            "rows_out": len(orbit),
            "coverage_start_s": float(start[0]),
            "coverage_stop_s": float(stop[-1]),
            "coverage_start_utc": str(system.to_iso_utc(start[0])),
            "coverage_stop_utc": str(system.to_iso_utc(stop[-1])),
            "covered_duration_s": duration,
            "total_livetime_s": livetime,
            "livetime_fraction": livetime / duration,
            "gaps": n_gaps,
            "gti": gti_report,
        },
        "events": {
            "files": event_files,
            "rows_in": int(sum(f["rows_in"] for f in event_files)),
            "rows_out": len(events),
            "min_energy_gev": settings.min_energy_gev,
            "outside_livetime": settings.outside_livetime,
            "cuts": extra["cuts"],
            "lb_check": extra["lb_check"],
            "radec_check": extra["radec_check"],
            "energy_range_gev": [float(events["energy"].min()), float(events["energy"].max())]
            if len(events)
            else [None, None],
        },
    }
    return IngestResult(orbit=orbit, events=events, report=report, time_system=system)


def write_ingest(
    result: IngestResult, orbit_path: str | Path, events_path: str | Path, report_path: str | Path
) -> None:
    """Write the normalised tables and report; each file appears whole or not at all."""
    meta = {"time_system": result.report["time_system"], "period": result.report["period"]}
    orbit_meta = {**meta, "contract": "orbit", "attitude_at": "midpoint"}
    write_parquet(result.orbit, orbit_path, orbit_meta)
    write_parquet(result.events, events_path, {**meta, "contract": "events"})
    write_json(result.report, report_path)
