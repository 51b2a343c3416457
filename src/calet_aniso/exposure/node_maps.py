"""Exposure maps at the energy nodes of the response: the product of rule ``exposure_maps``.

File format (FITS, ``io.healpix_maps``): one HEALPix binary table (Galactic, RING) with one
column per node, EXPOSURE_00, EXPOSURE_01, … in m² s; keyword ENERGkkk holds the energy (GeV)
of column k, NNODES their number, BUNIT the unit and PERIOD the data period. On read the
columns are put in node order and, given a response, the node energies are checked against
it: exposure maps and response must describe the same nodes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from calet_aniso.geometry.healpix_grid import npix2nside, nside2pixarea
from calet_aniso.instrument.response import Response
from calet_aniso.io.healpix_maps import read_maps, write_maps

UNIT = "m2 s"


@dataclass(frozen=True)
class NodeExposure:
    """Exposure (m² s) at each energy node, (n_nodes, npix), Galactic, RING."""

    energies_gev: np.ndarray
    maps_m2s: np.ndarray
    period: str = ""

    @property
    def nside(self) -> int:
        """HEALPix Nside of the maps."""
        return npix2nside(self.maps_m2s.shape[1])

    def total_m2ssr(self) -> np.ndarray:
        """∫ exposure dΩ (m² s sr) at each node."""
        return self.maps_m2s.sum(axis=1) * nside2pixarea(self.nside)

    def check_nodes(self, response: Response, path: str | Path = "exposure maps") -> None:
        """ValueError unless the maps are at the response's node energies, in its order."""
        if len(self.energies_gev) != len(response.energies_gev) or not np.allclose(
            self.energies_gev, response.energies_gev, rtol=1e-12, atol=0.0
        ):
            raise ValueError(
                f"{path}: exposure maps at nodes {self.energies_gev.tolist()} GeV, the "
                f"response at {response.energies_gev.tolist()} GeV: recompute the exposure"
            )

    def write(self, path: str | Path) -> None:
        """Write to FITS (format in the module docstring)."""
        names = {f"exposure_{i:02d}": m for i, m in enumerate(self.maps_m2s)}
        header = {
            f"ENERG{i:03d}": (float(e), f"GeV, node of column EXPOSURE_{i:02d}")
            for i, e in enumerate(self.energies_gev)
        }
        header.update(PERIOD=self.period, BUNIT=(UNIT, "exposure"), NNODES=len(self.maps_m2s))
        write_maps(path, names, dict.fromkeys(names, UNIT), header)

    @classmethod
    def read(cls, path: str | Path, response: Response | None = None) -> NodeExposure:
        """Read a file written by :meth:`write`; checked against ``response`` if given."""
        maps, header = read_maps(path)
        if "NNODES" not in header or header.get("BUNIT") != UNIT:
            raise ValueError(f"{path}: not an exposure-node file (no NNODES / BUNIT = {UNIT})")
        n_nodes = int(header["NNODES"])
        try:
            stack = np.array([maps[f"exposure_{i:02d}"] for i in range(n_nodes)])
            energies = np.array([float(header[f"ENERG{i:03d}"]) for i in range(n_nodes)])
        except KeyError as exc:
            raise ValueError(f"{path}: node {exc} of {n_nodes} missing") from exc
        out = cls(energies, stack, str(header.get("PERIOD", "")))
        if response is not None:
            out.check_nodes(response, path)
        return out
