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
* **Calendar months**: the report lists the calendar months (UTC) the orbit table covers,
  with each month's number of intervals and a digest of their normalised values
  (:mod:`calet_aniso.ingest.calendar_months`): the live-time cube is built month by month.
* **Bounded memory**: the orbit table is never held whole: it is read, validated, normalised
  and written window by window (:mod:`calet_aniso.ingest.orbit_stream`), with the events
  (which are few: kept in memory) located in each window as it passes. Peak memory depends
  on the window size and the number of events, not on the period's length.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from calet_aniso.config.settings import IngestSettings
from calet_aniso.errors import ConfigError, InputError
from calet_aniso.geometry.frames import angular_separation_deg, unit_vector
from calet_aniso.ingest.calendar_months import DIGEST_COLUMNS, MonthDigests
from calet_aniso.ingest.contract import EVENT_COLUMNS, ORBIT_COLUMNS, column_names
from calet_aniso.ingest.good_times import GoodTimes
from calet_aniso.ingest.orbit_stream import (
    EventLocator,
    OrbitSummary,
    midpoint_rows,
    orbit_files,
    summarise,
    validated_chunks,
    windows,
)
from calet_aniso.ingest.time_system import TimeSystem, stated_time_system
from calet_aniso.ingest.validation import fail_where, validate_events
from calet_aniso.io.contract_tables import CHUNK_ROWS, RawSource, open_raw_table
from calet_aniso.io.files import parquet_stream, write_json, write_parquet

if TYPE_CHECKING:
    from calet_aniso.instrument.response import Response

NORMALISED_EVENT_COLUMNS = [
    *column_names(EVENT_COLUMNS, required_only=True),
    "ra",
    "dec",
    "l",
    "b",
    "interval",
]
#: Largest row group of the normalised orbit table: a monthly cube job reads only the row
#: groups that overlap its month (a month at 30 s: 87 k rows; one group of 2²⁰ rows took
#: 0.1 s to decode, one of 2¹⁷ 0.01 s), and a decade at 1 s keeps 2 400 groups in the footer.
ORBIT_ROW_GROUP_ROWS = 1 << 17
#: Why an event may be dropped, as counted in the report.
DROP_REASONS = ("outside_gti", "outside_orbit_coverage", "zero_livetime")

#: Receives the normalised orbit table window by window, with the file metadata to state.
OrbitSink = Callable[[pd.DataFrame, dict], None]


@dataclass
class IngestResult:
    """Normalised orbit table (None when it was streamed to a sink), event list, the ingest
    report (JSON-ready dict) and the period's time system."""

    orbit: pd.DataFrame | None
    events: pd.DataFrame
    report: dict
    time_system: TimeSystem


def period_time_system(configured: TimeSystem | None, tables: list[RawSource]) -> TimeSystem:
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


@dataclass(frozen=True)
class EventFile:
    """One event list read whole: its source, its rows (TIMEZERO added to the times) and its
    good time intervals (TIMEZERO added; None without a GTI extension)."""

    source: RawSource
    frame: pd.DataFrame
    gti: np.ndarray | None


def read_event_file(source: RawSource, response: Response | None) -> EventFile:
    """Read and validate one event list; with a ``response``, events it cannot have seen are
    refused (:func:`check_seen_by_response`)."""
    table = source.read()
    zero = stated_time_system(source.path, source.header)[1]
    frame, gti = table.frame, table.gti
    if zero:
        frame = frame.assign(time=frame["time"] + zero)
        gti = None if gti is None else gti + zero
    validate_events(source.path, frame)
    if response is not None:
        check_seen_by_response(source.path, frame, response)
    return EventFile(source, frame, gti)


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


def check_no_event_in_two_files(paths: list[Path], identities: list[pd.DataFrame]) -> None:
    """InputError if an event kept from one file is repeated in another (overlapping event files
    would count it twice), naming the later file, its first such row and the earlier file's
    row. ``identities``: per file, the kept rows' EVENT_IDENTITY columns and ``row`` (in file)."""
    if len(paths) < 2:
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
        paths[int(later["file"])],
        f"event repeated from {paths[int(earlier['file'])]} data row {int(earlier['row'])} "
        "(the same time, energy and direction; overlapping event files)",
        column="time",
        count=int(repeated.sum()),
        first_row=int(later["row"]),
        value=float(later["time"]),
    )


def select_events(
    files: list[EventFile], located: EventLocator, settings: IngestSettings
) -> tuple[pd.DataFrame, list[dict], dict]:
    """Select, cut and direct the validated event lists, ``located`` in the orbit table.
    Returns events, per-file info and the checks and cuts of the report. Dropped rows are
    counted per file and reason."""
    checks = {
        name: {
            "rows_checked": 0,
            "max_separation_deg": 0.0,
            "tolerance_deg": settings.lb_tolerance_deg,
        }
        for name in ("lb_check", "radec_check")
    }
    frames, infos, identities = [], [], []
    below = 0
    first = 0  # position of the file's first event in the located arrays
    for event_file in files:
        path, raw, gti = event_file.source.path, event_file.frame, event_file.gti
        rows = slice(first, first + len(raw))
        first += len(raw)
        times = raw["time"].to_numpy()
        index = located.interval[rows]
        dropped = dict.fromkeys(DROP_REASONS, 0)
        keep = np.ones(len(raw), dtype=bool)
        if gti is not None:
            keep &= GoodTimes(gti).contains(times)
            dropped["outside_gti"] = int((~keep).sum())
        for reason, bad, text in (
            ("outside_orbit_coverage", index < 0, "event time outside the orbit coverage"),
            (
                "zero_livetime",
                (index >= 0) & (located.livetime[rows] <= 0),
                "event time in an interval with zero live time",
            ),
        ):
            bad = bad & keep
            if settings.outside_livetime == "error":
                hint = " (ingest.outside_livetime: drop drops such events)"
                fail_where(path, bad, text + hint, column="time", values=times)
            dropped[reason] = int(bad.sum())
            keep &= ~bad
        frame = raw[keep]
        identities.append(frame[list(EVENT_IDENTITY)].assign(row=np.flatnonzero(keep)))
        directions = {key: values[rows][keep] for key, values in located.directions.items()}
        for pair, check in ((("ra", "dec"), "radec_check"), (("l", "b"), "lb_check")):
            _check_direction(
                path, frame, directions, pair, settings.lb_tolerance_deg, checks[check]
            )
        energetic = frame["energy"].to_numpy() >= settings.min_energy_gev
        below += int((~energetic).sum())
        out = frame[column_names(EVENT_COLUMNS, required_only=True)].copy()
        for key, values in directions.items():
            out[key] = values
        out["interval"] = index[keep].astype(np.int64)
        frames.append(out[energetic])
        infos.append(
            {
                "path": str(path),
                "rows_in": len(raw),
                "rows_out": int(energetic.sum()),
                "dropped": dropped,
                "gti": None if gti is None else len(gti),
            }
        )
    check_no_event_in_two_files([f.source.path for f in files], identities)
    events = pd.concat(frames, ignore_index=True)
    events = events.sort_values("time", kind="mergesort", ignore_index=True)
    dropped_total = {r: int(sum(f["dropped"][r] for f in infos)) for r in DROP_REASONS}
    extra = {"cuts": {"energy_below_min": below, **dropped_total}, **checks}
    return events[NORMALISED_EVENT_COLUMNS], infos, extra


def period_good_times(files: list[EventFile]) -> GoodTimes | None:
    """The union of the event files' good times when every file has a GTI extension, None
    when none has (InputError naming a file without one when only some have)."""
    with_gti = [f.gti is not None for f in files]
    if not any(with_gti):
        return None
    if not all(with_gti):
        missing = files[with_gti.index(False)].source.path
        raise InputError(missing, "no GTI extension, while other event files of the period have")
    return GoodTimes(np.concatenate([f.gti for f in files]))


def ingest(
    orbit_paths: list[str],
    event_paths: list[str],
    time_system: TimeSystem | None,
    settings: IngestSettings,
    *,
    attitude_at: str,
    period: str = "",
    response: Response | None = None,
    orbit_sink: OrbitSink | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> IngestResult:
    """Validate and normalise one data period (see module docstring).

    ``time_system`` is the configured one (None: from the files); ``attitude_at`` is the
    configured attitude convention ('auto', 'start' or 'midpoint'); ``response`` (optional)
    refuses events the instrument cannot have seen. The normalised orbit table goes to
    ``orbit_sink`` window by window (``chunk_rows`` rows each; the result's ``orbit`` is then
    None), or, without a sink, is returned whole in the result.
    """
    if not orbit_paths:
        raise InputError("<orbit>", "no orbit files given")
    if not event_paths:
        raise InputError("<events>", "no event files given")
    orbit_sources = [open_raw_table(p, ORBIT_COLUMNS) for p in orbit_paths]
    event_sources = [open_raw_table(p, EVENT_COLUMNS) for p in event_paths]
    system = period_time_system(time_system, orbit_sources + event_sources)
    files = orbit_files(orbit_sources, attitude_at)
    event_files = [read_event_file(source, response) for source in event_sources]
    good_times = period_good_times(event_files)
    everything = pd.concat([f.frame for f in event_files], ignore_index=True)
    located = EventLocator(
        everything["time"].to_numpy(), everything["theta"].to_numpy(), everything["phi"].to_numpy()
    )
    summary = OrbitSummary()
    metadata = {
        "time_system": {"epoch": system.epoch, "scale": system.scale},
        "period": period,
        "contract": "orbit",
        "attitude_at": "midpoint",
    }
    kept: list[pd.DataFrame] = []
    sink = orbit_sink or (lambda frame, _: kept.append(frame))
    months = MonthDigests(system)
    for window in windows(validated_chunks(files, good_times, summary, chunk_rows)):
        located.add(window)
        summarise(window, summary)
        rows = midpoint_rows(window)
        months.add({name: rows[name].to_numpy() for name in DIGEST_COLUMNS})
        sink(rows, metadata)
    events, event_infos, extra = select_events(event_files, located, settings)
    gti_report = {"applied": good_times is not None, "livetime_removed_s": 0.0}
    if good_times is not None:
        gti_report["livetime_removed_s"] = summary.livetime_removed_s
        gti_report["intervals"] = len(good_times.intervals)
    report = {
        "period": period,
        "time_system": metadata["time_system"],
        "orbit": {
            "files": summary.files,
            "rows_in": int(sum(f["rows"] for f in summary.files)),
            "rows_out": summary.rows,
            "coverage_start_s": summary.coverage_start_s,
            "coverage_stop_s": summary.coverage_stop_s,
            "coverage_start_utc": str(system.to_iso_utc(summary.coverage_start_s)),
            "coverage_stop_utc": str(system.to_iso_utc(summary.coverage_stop_s)),
            "covered_duration_s": summary.covered_duration_s,
            "total_livetime_s": summary.total_livetime_s,
            "livetime_fraction": summary.total_livetime_s / summary.covered_duration_s,
            "gaps": summary.gaps,
            "gti": gti_report,
            "months": months.report(),
        },
        "events": {
            "files": event_infos,
            "rows_in": int(sum(f["rows_in"] for f in event_infos)),
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
    orbit = None
    if orbit_sink is None:
        orbit = kept[0] if len(kept) == 1 else pd.concat(kept, ignore_index=True)
    return IngestResult(orbit=orbit, events=events, report=report, time_system=system)


def ingest_to_files(
    orbit_paths: list[str],
    event_paths: list[str],
    time_system: TimeSystem | None,
    settings: IngestSettings,
    outputs: tuple[str | Path, str | Path, str | Path],
    **options,
) -> IngestResult:
    """:func:`ingest` writing the normalised orbit table (streamed), event list and report to
    ``outputs`` (orbit, events, report paths); each file appears whole or not at all."""
    orbit_path, events_path, report_path = outputs
    with parquet_stream(orbit_path, ORBIT_ROW_GROUP_ROWS, dictionary=False) as orbit_out:
        result = ingest(
            orbit_paths, event_paths, time_system, settings, orbit_sink=orbit_out.write, **options
        )
        meta = {"time_system": result.report["time_system"], "period": result.report["period"]}
        write_parquet(result.events, events_path, {**meta, "contract": "events"})
        write_json(result.report, report_path)
    return result
