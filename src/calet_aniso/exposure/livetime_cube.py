"""The live-time cube: the orbit table's live time binned by attitude (Fermi's gtltcube idea).

Intervals are binned by boresight direction (HEALPix pixel at ``cube_nside``, Galactic) and
roll angle (angle of detector +x from Galactic north at the boresight, ``roll_bin_deg``
bins). Each cell keeps its live time (s) and the live-time-weighted mean boresight and +x
axis, so using one attitude per cell errs only to second order in the spread of attitudes
within the cell. For the ISS (local-vertical attitude) a boresight direction is visited
with only two roll angles (ascending and descending passes), so 9.6 M intervals collapse
to ~10⁵ cells.

The monthly jobs import only numpy, pyarrow and the light ``healpix`` package (whose
``vec2pix`` is the HEALPix library's, as healpy's: a test checks they agree pixel for pixel):
healpy's import alone (it loads matplotlib and astropy) would take a second per month.

The cube is accumulated batch by batch into a :class:`PartialCube`: per cell the live time
and the live-time-weighted axes, summed in 64-bit integers of 2⁻³² s (each interval's terms
rounded to 2.3 × 10⁻¹⁰ s). Integer sums are exact, so a cube is the same bytes however its
intervals were cut — into batches, or into calendar months whose partial cubes are computed
apart (one job each) and summed (:func:`sum_partial_cubes`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import healpix
import numpy as np
import pyarrow.parquet as pq

from calet_aniso.geometry.frames import icrs_to_galactic_matrix, unit_vector
from calet_aniso.ingest.contract import ATTITUDE_COLUMNS
from calet_aniso.io.files import column_values, read_parquet_metadata, write_parquet

if TYPE_CHECKING:
    import pandas as pd

#: Orbit intervals: the live time and attitude columns of the normalised orbit table, as a
#: DataFrame or as 1-d arrays by name.
Intervals = Mapping[str, np.ndarray]


@dataclass(frozen=True)
class LivetimeCube:
    """Live time binned by attitude: per cell, live time (s) and mean axes (Galactic)."""

    boresight: np.ndarray  # (C, 3) unit vectors, detector +z in Galactic coordinates
    x_axis: np.ndarray  # (C, 3) unit vectors orthogonal to boresight, detector +x
    livetime_s: np.ndarray  # (C,)
    cube_nside: int
    roll_bin_deg: float
    period: str = ""

    def write(self, path: str | Path) -> None:
        """Write to Parquet: columns zx, zy, zz (boresight), xx, xy, xz (+x axis), livetime (s);
        metadata cube_nside, roll_bin_deg, frame (galactic), period, units."""
        frame = {
            "zx": self.boresight[:, 0],
            "zy": self.boresight[:, 1],
            "zz": self.boresight[:, 2],
            "xx": self.x_axis[:, 0],
            "xy": self.x_axis[:, 1],
            "xz": self.x_axis[:, 2],
            "livetime": self.livetime_s,
        }
        meta = {
            "cube_nside": self.cube_nside,
            "roll_bin_deg": self.roll_bin_deg,
            "frame": "galactic",
            "period": self.period,
            "units": {"livetime": "s", "axes": "unit vectors, Galactic Cartesian"},
        }
        write_parquet(frame, path, meta)

    @classmethod
    def read(cls, path: str | Path) -> LivetimeCube:
        """Read a cube written by :meth:`write`; ValueError naming the file if it is not one."""
        meta = read_parquet_metadata(path)
        if not {"cube_nside", "roll_bin_deg", "frame"} <= set(meta) or meta["frame"] != "galactic":
            raise ValueError(f"{path}: not a live-time cube (metadata keys {sorted(meta)})")
        frame = _read_columns(path)
        return cls(
            boresight=np.column_stack([frame["zx"], frame["zy"], frame["zz"]]),
            x_axis=np.column_stack([frame["xx"], frame["xy"], frame["xz"]]),
            livetime_s=frame["livetime"],
            cube_nside=int(meta["cube_nside"]),
            roll_bin_deg=float(meta["roll_bin_deg"]),
            period=str(meta.get("period", "")),
        )


def _read_columns(path: str | Path) -> dict[str, np.ndarray]:
    """Every column of a Parquet table as a numpy array (read by ``ParquetFile``: the same
    table as ``pq.read_table``, without importing pyarrow.dataset and pandas, 0.3 s)."""
    table = pq.ParquetFile(path).read()
    return {name: column_values(table.column(name)) for name in table.column_names}


def galactic_axes(orbit: Intervals) -> tuple[np.ndarray, np.ndarray]:
    """Detector +z and +x (N, 3) in Galactic coordinates, x orthogonalised against z."""
    to_gal = icrs_to_galactic_matrix()
    z = unit_vector(np.asarray(orbit["ra_scz"]), np.asarray(orbit["dec_scz"])) @ to_gal.T
    x = unit_vector(np.asarray(orbit["ra_scx"]), np.asarray(orbit["dec_scx"])) @ to_gal.T
    x -= np.sum(x * z, axis=1, keepdims=True) * z
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return z, x


def roll_angle_deg(z: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Angle (deg, [0, 360)) of +x from the local Galactic north at the boresight, towards east."""
    pole = np.array([0.0, 0.0, 1.0])
    east = np.cross(pole, z)
    norm = np.linalg.norm(east, axis=1, keepdims=True)
    at_pole = norm[:, 0] < 1e-12
    east[at_pole] = [0.0, 1.0, 0.0]  # any tangent reference at the exact poles
    east /= np.where(at_pole[:, None], 1.0, norm)
    north = np.cross(z, east)
    return np.degrees(np.arctan2(np.sum(x * east, axis=1), np.sum(x * north, axis=1))) % 360.0


#: An orbit table without rows (the partial cube of no interval).
_NO_ROWS = {c: np.zeros(0) for c in ("livetime", *ATTITUDE_COLUMNS)}
#: Fixed-point unit of the cube's sums: 2⁻³² s.
FIXED_POINT = 2.0**32
#: Largest live time (s) one cell may sum before its fixed-point sums could overflow: 2³⁰ s
#: (34 years), far beyond any mission.
MAX_CELL_LIVETIME_S = 2.0**30


@dataclass(frozen=True)
class PartialCube:
    """Live time binned by attitude before normalisation: sorted cell numbers (boresight
    pixel × roll bin) and per cell the fixed-point sums (units of 2⁻³² s) of live time,
    live time × boresight (3) and live time × +x axis (3), shape (C, 7)."""

    cells: np.ndarray
    sums: np.ndarray
    cube_nside: int
    roll_bin_deg: float

    @classmethod
    def of_intervals(cls, batch: Intervals, cube_nside: int, roll_bin_deg: float):
        """The partial cube of orbit intervals (live time, attitude columns)."""
        live = np.asarray(batch["livetime"])
        keep = live > 0
        live = live[keep]
        z, x = galactic_axes({c: np.asarray(batch[c])[keep] for c in ATTITUDE_COLUMNS})
        n_roll = round(360.0 / roll_bin_deg)
        pix = healpix.vec2pix(cube_nside, z[:, 0], z[:, 1], z[:, 2])
        roll_bin = np.minimum(
            (roll_angle_deg(z, x) / (360.0 / n_roll)).astype(np.int64), n_roll - 1
        )
        terms = np.column_stack([live, live[:, None] * z, live[:, None] * x])
        fixed = np.rint(terms * FIXED_POINT).astype(np.int64)
        return _reduce(pix * n_roll + roll_bin, fixed, cube_nside, roll_bin_deg)

    def cube(self, period: str = "") -> LivetimeCube:
        """The live-time cube: live time (s) and mean axes per cell."""
        if len(self.cells) == 0:
            raise ValueError("no interval with live time > 0")
        total = self.sums.astype(np.float64)
        live = total[:, 0] / FIXED_POINT
        z = total[:, 1:4] / np.linalg.norm(total[:, 1:4], axis=1, keepdims=True)
        x = total[:, 4:7] - np.sum(total[:, 4:7] * z, axis=1, keepdims=True) * z
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        return LivetimeCube(z, x, live, self.cube_nside, self.roll_bin_deg, period)

    def write(self, path: str | Path, metadata: dict) -> None:
        """Write to Parquet: column cell and the seven sums s0..s6 (int64, 2⁻³² s);
        metadata cube_nside, roll_bin_deg, fixed_point and ``metadata``."""
        frame = {"cell": self.cells} | {f"s{k}": self.sums[:, k] for k in range(self.sums.shape[1])}
        meta = {"cube_nside": self.cube_nside, "roll_bin_deg": self.roll_bin_deg}
        write_parquet(frame, path, {**meta, "fixed_point": FIXED_POINT, **metadata})

    @classmethod
    def read(cls, path: str | Path) -> PartialCube:
        """Read a partial cube written by :meth:`write`."""
        meta = read_parquet_metadata(path)
        frame = _read_columns(path)
        sums = np.column_stack([frame[f"s{k}"] for k in range(7)])
        return cls(frame["cell"], sums, meta["cube_nside"], meta["roll_bin_deg"])


def _reduce(cells: np.ndarray, fixed: np.ndarray, cube_nside: int, roll_bin_deg: float):
    """Sum fixed-point rows per cell (exact integer arithmetic: any order, same sums)."""
    if len(cells) == 0:
        return PartialCube(cells.astype(np.int64), fixed[:0], cube_nside, roll_bin_deg)
    order = np.argsort(cells, kind="stable")
    cells = cells[order]
    first = np.flatnonzero(np.concatenate([[True], cells[1:] != cells[:-1]]))
    sums = np.add.reduceat(fixed[order], first, axis=0)
    if sums[:, 0].max() > MAX_CELL_LIVETIME_S * FIXED_POINT:
        raise ValueError("a cube cell sums more than 2^30 s of live time: fixed point overflow")
    return PartialCube(cells[first], sums, cube_nside, roll_bin_deg)


def sum_partial_cubes(partials: Iterable[PartialCube]) -> PartialCube:
    """The partial cube of the union of the partials' intervals (exact: the same bytes in any
    order and however the intervals were split), folded one partial at a time (memory: two
    partials, whatever their number). The partials share Nside and roll bins."""
    total = None
    for part in partials:
        if total is None:
            total = part
            continue
        if (part.cube_nside, part.roll_bin_deg) != (total.cube_nside, total.roll_bin_deg):
            raise ValueError("partial cubes of different cube_nside or roll_bin_deg")
        total = _reduce(
            np.concatenate([total.cells, part.cells]),
            np.concatenate([total.sums, part.sums]),
            total.cube_nside,
            total.roll_bin_deg,
        )
    if total is None:
        raise ValueError("no partial cube to sum")
    return total


def partial_cube(batches: Iterable[Intervals], cube_nside: int, roll_bin_deg: float) -> PartialCube:
    """The partial cube of orbit intervals given in batches (live time, attitude columns),
    folded batch by batch: memory is that of one batch and the cells, whatever the period."""
    parts = (PartialCube.of_intervals(batch, cube_nside, roll_bin_deg) for batch in batches)
    none = PartialCube.of_intervals(_NO_ROWS, cube_nside, roll_bin_deg)
    return sum_partial_cubes(itertools.chain([none], parts))


def livetime_cube(
    batches: Iterable[Intervals], cube_nside: int, roll_bin_deg: float, period: str = ""
) -> LivetimeCube:
    """Bin orbit intervals (batches of the normalised orbit table) into a live-time cube."""
    return partial_cube(batches, cube_nside, roll_bin_deg).cube(period)


def month_batches(
    path: str | Path,
    bounds: tuple[float, float],
    counted: list[int] | None = None,
) -> Iterator[dict[str, np.ndarray]]:
    """The live time and attitude of the intervals starting in [low, high) (s, the table's time
    system: a calendar month's bounds, as the ingest report gives them) in a normalised orbit
    table (Parquet), one row group at a time; row groups whose start statistics exclude the
    range are not read. Each batch's row count is appended to ``counted``."""
    low, high = bounds
    columns = ["start", "livetime", *ATTITUDE_COLUMNS]
    reader = pq.ParquetFile(path, pre_buffer=False)  # bounded memory: see io.contract_tables
    start_index = reader.schema_arrow.get_field_index("start")
    for group in range(reader.num_row_groups):
        stats = reader.metadata.row_group(group).column(start_index).statistics
        if stats is not None and stats.has_min_max and (stats.max < low or stats.min >= high):
            continue
        table = reader.read_row_group(group, columns=columns)
        start = column_values(table.column("start"))
        keep = (start >= low) & (start < high)
        if keep.any():
            if counted is not None:
                counted.append(int(keep.sum()))
            yield {c: column_values(table.column(c))[keep] for c in columns[1:]}


def orbit_file_batches(path: str | Path, size: int = 1_000_000) -> Iterator[dict[str, np.ndarray]]:
    """The live time and attitude columns of a normalised orbit table (Parquet), ``size``
    rows at a time: the cube never holds the table whole."""
    columns = ["livetime", *ATTITUDE_COLUMNS]
    reader = pq.ParquetFile(path, pre_buffer=False)  # bounded memory: see io.contract_tables
    for batch in reader.iter_batches(batch_size=size, columns=columns):
        yield {c: column_values(batch.column(c)) for c in columns}


def orbit_batches(orbit: pd.DataFrame, size: int = 1_000_000) -> Iterable[pd.DataFrame]:
    """Consecutive row batches of an in-memory orbit table."""
    for begin in range(0, len(orbit), size):
        yield orbit.iloc[begin : begin + size]
