"""Calendar months (UTC) of a data period, in its time system.

A period grows by the month: each orbit interval belongs to the calendar month (UTC) of its
start, labelled ``YYYY-MM``. Ingest reports, per month, how many intervals it holds and a
digest of their normalised values (live time, attitude), so the workflow recomputes a
month's live-time cube only when that month's intervals changed.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

import numpy as np

from calet_aniso.ingest.time_system import TimeSystem

MONTH_PATTERN = r"[0-9]{4}-(0[1-9]|1[0-2])"

#: The normalised orbit columns a month's digest covers: what its live-time cube depends on.
DIGEST_COLUMNS = ("start", "stop", "livetime", "ra_scz", "dec_scz", "ra_scx", "dec_scx")


def month_label(system: TimeSystem, seconds: float) -> str:
    """The calendar month (UTC) holding a time (s in ``system``): 'YYYY-MM', consistent with
    :func:`month_bounds` (the ISO string is rounded to the millisecond, so a time less than
    0.5 ms before a month's first instant would read as that month)."""
    label = str(system.to_iso_utc(seconds))[:7]
    return previous_month(label) if seconds < month_bounds(system, label)[0] else label


def next_month(label: str) -> str:
    """The month after 'YYYY-MM'."""
    year, month = int(label[:4]), int(label[5:7])
    return f"{year + month // 12:04d}-{month % 12 + 1:02d}"


def previous_month(label: str) -> str:
    """The month before 'YYYY-MM'."""
    year, month = int(label[:4]), int(label[5:7])
    return f"{year - (month == 1):04d}-{(month - 2) % 12 + 1:02d}"


def month_bounds(system: TimeSystem, label: str) -> tuple[float, float]:
    """First instant of the month and of the next one (s in ``system``)."""
    if not re.fullmatch(MONTH_PATTERN, label):
        raise ValueError(f"not a month 'YYYY-MM': {label!r}")
    start = system.to_seconds(f"{label}-01T00:00:00")
    return float(start), float(system.to_seconds(f"{next_month(label)}-01T00:00:00"))


@dataclass
class MonthDigests:
    """Rows and digest of each month's normalised orbit rows, fed in time order."""

    system: TimeSystem
    rows: dict[str, int] = field(default_factory=dict)
    bounds: dict[str, tuple[float, float]] = field(default_factory=dict)
    _hashes: dict[str, list] = field(default_factory=dict)
    _current: tuple[str, float, float] | None = None  # label, start, stop of the last month

    def _month_of(self, seconds: float) -> tuple[str, float, float]:
        if self._current is None or not self._current[1] <= seconds < self._current[2]:
            label = month_label(self.system, seconds)
            self._current = (label, *month_bounds(self.system, label))
        return self._current

    def add(self, columns: dict[str, np.ndarray]) -> None:
        """Add consecutive rows (``DIGEST_COLUMNS``, in time order): each column of each month
        is hashed on its own, so the digest does not depend on how the rows were cut."""
        start = columns["start"]
        begin = 0
        while begin < len(start):
            label, low, stop = self._month_of(float(start[begin]))
            end = int(np.searchsorted(start, stop, side="left"))
            self.bounds[label] = (low, stop)
            hashes = self._hashes.setdefault(label, [hashlib.sha256() for _ in DIGEST_COLUMNS])
            for digest, name in zip(hashes, DIGEST_COLUMNS, strict=True):
                digest.update(np.ascontiguousarray(columns[name][begin:end]).tobytes())
            self.rows[label] = self.rows.get(label, 0) + end - begin
            begin = end

    def report(self) -> dict[str, dict]:
        """{'YYYY-MM': {'rows': n, 'sha256': digest, 'start': s, 'stop': s}} in time order;
        start and stop are the month's bounds (s in the system), first instant of the month and
        of the next one."""
        out = {}
        for label, hashes in self._hashes.items():
            combined = hashlib.sha256(b"".join(h.digest() for h in hashes)).hexdigest()
            start, stop = self.bounds[label]
            out[label] = {
                "rows": self.rows[label],
                "sha256": combined,
                "start": start,
                "stop": stop,
            }
        return out
