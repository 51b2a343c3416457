"""The instrument response: detector-frame effective-area maps at energy nodes.

File format (FITS): extension EFFECTIVE_AREA is a HEALPix binary table (PIXTYPE=HEALPIX,
ORDERING, NSIDE, FRAME=DETECTOR) with one column per energy node (m², all selection
efficiencies included); extension ENERGIES holds the node energies (GeV) in the same order.
Between nodes the effective area is interpolated linearly in log(energy); outside the
node range it is held at the end node.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import astropy.units as u
import numpy as np
from astropy.io import fits

from calet_aniso.errors import InputError
from calet_aniso.geometry.healpix_grid import npix2nside, nside2pixarea, nside2resol, pix2ang
from calet_aniso.io.files import atomic_output
from calet_aniso.io.healpix_maps import set_healpix_keywords


@dataclass(frozen=True)
class Response:
    """Effective area A(E, direction) in the detector frame.

    Attributes
    ----------
    energies_gev : (n_nodes,) increasing node energies in GeV.
    aeff_m2 : (n_nodes, npix) effective area in m², HEALPix RING, detector frame.
    description : free text saying what the response is (model or measured).
    """

    energies_gev: np.ndarray
    aeff_m2: np.ndarray
    description: str = ""

    @property
    def nside(self) -> int:
        """HEALPix Nside of the maps."""
        return npix2nside(self.aeff_m2.shape[1])

    def field_of_view_deg(self) -> float:
        """Largest θ (deg from the boresight) at which the detector sees anything: the
        farthest pixel with a positive effective area at any energy, plus one pixel size."""
        seen = np.flatnonzero((self.aeff_m2 > 0).any(axis=0))
        theta, _ = pix2ang(self.nside, seen)
        return float(np.degrees(theta.max()) + nside2resol(self.nside, arcmin=True) / 60.0)

    def acceptance_m2sr(self) -> np.ndarray:
        """Acceptance ∫ A dΩ (m² sr) at each node."""
        return self.aeff_m2.sum(axis=1) * nside2pixarea(self.nside)

    def node_weights(self, energy_gev: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Lower node index and weight of the upper node for each energy (log-linear)."""
        log_nodes = np.log(self.energies_gev)
        log_e = np.clip(
            np.log(np.asarray(energy_gev, dtype=np.float64)), log_nodes[0], log_nodes[-1]
        )
        lower = np.clip(np.searchsorted(log_nodes, log_e, side="right") - 1, 0, len(log_nodes) - 2)
        upper_weight = (log_e - log_nodes[lower]) / (log_nodes[lower + 1] - log_nodes[lower])
        return lower, upper_weight

    def node_weight_matrix(self, energy_gev: np.ndarray) -> np.ndarray:
        """(n, n_nodes) interpolation weights; A(E_i, ·) = weights[i] @ aeff_m2."""
        lower, upper_weight = self.node_weights(energy_gev)
        weights = np.zeros((len(lower), len(self.energies_gev)))
        rows = np.arange(len(lower))
        np.add.at(weights, (rows, lower), 1.0 - upper_weight)
        np.add.at(weights, (rows, lower + 1), upper_weight)
        return weights

    def acceptance_at(self, energy_gev: np.ndarray) -> np.ndarray:
        """Acceptance (m² sr) at arbitrary energies, interpolated like the maps."""
        return self.node_weight_matrix(np.atleast_1d(energy_gev)) @ self.acceptance_m2sr()


def write_response(response: Response, path: str | Path) -> None:
    """Write a response to FITS (format in the module docstring)."""
    nside = response.nside
    cols = [
        fits.Column(
            name=f"AEFF_{i:02d}",
            format="E",
            unit="m2",
            array=response.aeff_m2[i].astype(np.float32),
        )
        for i in range(len(response.energies_gev))
    ]
    maps = fits.BinTableHDU.from_columns(cols, name="EFFECTIVE_AREA")
    header = maps.header
    set_healpix_keywords(header, nside)
    header["FRAME"] = ("DETECTOR", "theta from +z (boresight), phi from +x to +y")
    header["BUNIT"] = ("m2", "effective area incl. selection efficiency")
    energies = fits.BinTableHDU.from_columns(
        [fits.Column(name="ENERGY", format="D", unit="GeV", array=response.energies_gev)],
        name="ENERGIES",
    )
    primary = fits.PrimaryHDU()
    primary.header["DESCRIPT"] = response.description  # long string: CONTINUE cards
    with atomic_output(path) as tmp:
        fits.HDUList([primary, maps, energies]).writeto(tmp)


def _unit_factor(path: str | Path, unit: object, target: str, column: str) -> float:
    """Factor from a FITS unit string to ``target``; InputError if missing or unconvertible."""
    if unit is None or not str(unit).strip():
        raise InputError(
            path, f"no unit (TUNIT) given; expected one convertible to {target}", column=column
        )
    try:
        return float(u.Unit(str(unit).strip()).to(target))
    except (ValueError, u.UnitConversionError) as exc:
        raise InputError(
            path, f"unit '{unit}' cannot be converted to {target}", column=column
        ) from exc


def read_response(path: str | Path) -> Response:
    """Read a response written by :func:`write_response` (or by hand in that format).

    Units are required and honoured: the ENERGY column's TUNIT (any energy unit, e.g. MeV)
    and the effective-area columns' TUNIT or, failing that, the table's BUNIT (any area unit,
    e.g. cm2).
    """
    try:
        with fits.open(path, mode="readonly", memmap=False) as hdul:
            table = hdul["EFFECTIVE_AREA"]
            energy_column = hdul["ENERGIES"].columns["ENERGY"]
            energies = np.asarray(hdul["ENERGIES"].data["ENERGY"], dtype=np.float64)
            ordering = str(table.header.get("ORDERING", "RING")).upper()
            nside_keyword = table.header.get("NSIDE")
            maps = np.array(
                [np.asarray(table.data[c.name], dtype=np.float64) for c in table.columns]
            )
            area_units = {c.name: c.unit or table.header.get("BUNIT") for c in table.columns}
            description = str(hdul[0].header.get("DESCRIPT", ""))
    except (OSError, KeyError, ValueError, TypeError) as exc:
        raise InputError(path, f"cannot read the instrument response ({exc})") from exc
    energies = energies * _unit_factor(path, energy_column.unit, "GeV", "ENERGY")
    factors = [_unit_factor(path, unit, "m2", name) for name, unit in area_units.items()]
    maps = maps * np.asarray(factors)[:, None]
    if len(energies) != len(maps):
        raise InputError(path, f"{len(maps)} effective-area maps but {len(energies)} node energies")
    if len(energies) < 2 or np.any(np.diff(energies) <= 0):
        raise InputError(
            path, "node energies must be at least two and strictly increasing", column="ENERGY"
        )
    n_pix = maps.shape[1]
    try:
        nside = npix2nside(n_pix)
    except ValueError:
        raise InputError(
            path, f"{n_pix} pixels per map is not a HEALPix size (12 Nside^2)"
        ) from None
    if nside_keyword is not None and int(nside_keyword) != nside:
        raise InputError(
            path,
            f"NSIDE keyword {nside_keyword} disagrees with the {n_pix} pixels per map "
            f"(Nside {nside})",
        )
    if ordering == "NESTED":
        import healpy as hp

        maps = np.array([hp.reorder(m, n2r=True) for m in maps])
    if not np.all(np.isfinite(maps)) or np.any(maps < 0):
        raise InputError(path, "effective area must be finite and non-negative")
    if not np.any(maps > 0):
        raise InputError(path, "effective area is zero everywhere")
    return Response(energies_gev=energies, aeff_m2=maps, description=description)
