"""The live-time cube: the orbit table's live time binned by attitude (Fermi's gtltcube idea).

Intervals are binned by boresight direction (HEALPix pixel at ``cube_nside``, Galactic) and
roll angle (angle of detector +x from Galactic north at the boresight, ``roll_bin_deg``
bins). Each cell keeps its live time (s) and the live-time-weighted mean boresight and +x
axis, so using one attitude per cell errs only to second order in the spread of attitudes
within the cell. For the ISS (local-vertical attitude) a boresight direction is visited
with only two roll angles (ascending and descending passes), so 9.6 M intervals collapse
to ~10⁵ cells. The cube is accumulated batch by batch.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import healpy as hp
import numpy as np
import pandas as pd

from calet_aniso.geometry.frames import icrs_to_galactic_matrix, unit_vector
from calet_aniso.io.files import read_parquet_metadata, write_parquet


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
        frame = pd.DataFrame(
            {
                "zx": self.boresight[:, 0],
                "zy": self.boresight[:, 1],
                "zz": self.boresight[:, 2],
                "xx": self.x_axis[:, 0],
                "xy": self.x_axis[:, 1],
                "xz": self.x_axis[:, 2],
                "livetime": self.livetime_s,
            }
        )
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
        frame = pd.read_parquet(path)
        return cls(
            boresight=frame[["zx", "zy", "zz"]].to_numpy(),
            x_axis=frame[["xx", "xy", "xz"]].to_numpy(),
            livetime_s=frame["livetime"].to_numpy(),
            cube_nside=int(meta["cube_nside"]),
            roll_bin_deg=float(meta["roll_bin_deg"]),
            period=str(meta.get("period", "")),
        )


def galactic_axes(orbit: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Detector +z and +x (N, 3) in Galactic coordinates, x orthogonalised against z."""
    to_gal = icrs_to_galactic_matrix()
    z = unit_vector(orbit["ra_scz"].to_numpy(), orbit["dec_scz"].to_numpy()) @ to_gal.T
    x = unit_vector(orbit["ra_scx"].to_numpy(), orbit["dec_scx"].to_numpy()) @ to_gal.T
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


def _accumulate(cells: np.ndarray, weights: np.ndarray, columns: list[np.ndarray]):
    """Unique cells and the weighted sums of each column per cell (deterministic order)."""
    unique, inverse = np.unique(cells, return_inverse=True)
    sums = [np.bincount(inverse, weights=weights, minlength=len(unique))]
    sums += [np.bincount(inverse, weights=weights * c, minlength=len(unique)) for c in columns]
    return unique, np.stack(sums, axis=1)


def livetime_cube(
    batches: Iterable[pd.DataFrame], cube_nside: int, roll_bin_deg: float, period: str = ""
) -> LivetimeCube:
    """Bin orbit intervals (batches of the normalised orbit table) into a live-time cube."""
    n_roll = round(360.0 / roll_bin_deg)
    partial_cells, partial_sums = [], []
    for batch in batches:
        live = batch["livetime"].to_numpy()
        keep = live > 0
        if not keep.any():
            continue
        batch = batch[keep]
        z, x = galactic_axes(batch)
        pix = hp.vec2pix(cube_nside, z[:, 0], z[:, 1], z[:, 2])
        roll_bin = np.minimum(
            (roll_angle_deg(z, x) / (360.0 / n_roll)).astype(np.int64), n_roll - 1
        )
        cells, sums = _accumulate(pix * n_roll + roll_bin, live[keep], [*z.T, *x.T])
        partial_cells.append(cells)
        partial_sums.append(sums)
    if not partial_cells:
        raise ValueError("no interval with live time > 0")
    cells = np.concatenate(partial_cells)
    sums = np.concatenate(partial_sums)
    unique, inverse = np.unique(cells, return_inverse=True)
    total = np.stack(
        [np.bincount(inverse, weights=s, minlength=len(unique)) for s in sums.T], axis=1
    )
    live = total[:, 0]
    z = total[:, 1:4] / np.linalg.norm(total[:, 1:4], axis=1, keepdims=True)
    x = total[:, 4:7] - np.sum(total[:, 4:7] * z, axis=1, keepdims=True) * z
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return LivetimeCube(z, x, live, cube_nside, roll_bin_deg, period)


def orbit_batches(orbit: pd.DataFrame, size: int = 1_000_000) -> Iterable[pd.DataFrame]:
    """Consecutive row batches of an in-memory orbit table."""
    for begin in range(0, len(orbit), size):
        yield orbit.iloc[begin : begin + size]
