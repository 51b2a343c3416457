"""HEALPix maps in FITS: one binary table, one column per map, standard HEALPix keywords.

Files are readable by ``healpy.read_map(path, field=...)``. Headers carry NSIDE, ORDERING
(RING), COORDSYS (G for Galactic), INDXSCHM, OBJECT and any extra keywords given
(threshold, period, units...). No date keyword is written, so same maps give same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
from astropy.io import fits

from calet_aniso.geometry.healpix_grid import npix2nside
from calet_aniso.io.files import atomic_output


def set_healpix_keywords(header: fits.Header, nside: int) -> None:
    """The standard keywords of a full-sky, implicitly indexed RING HEALPix table."""
    header["PIXTYPE"] = ("HEALPIX", "HEALPix pixelisation")
    header["ORDERING"] = ("RING", "pixel ordering scheme")
    header["NSIDE"] = (nside, "HEALPix resolution parameter")
    header["FIRSTPIX"] = 0
    header["LASTPIX"] = 12 * nside * nside - 1
    header["INDXSCHM"] = ("IMPLICIT", "indexing: implicit or explicit")


def write_maps(
    path: str | Path,
    maps: Mapping[str, np.ndarray],
    units: Mapping[str, str] | None = None,
    header: Mapping[str, object] | None = None,
    coordsys: str = "G",
) -> None:
    """Write named maps (all the same Nside, RING) to one FITS binary table."""
    units = units or {}
    arrays = {name: np.asarray(m, dtype=np.float64) for name, m in maps.items()}
    npix = {len(a) for a in arrays.values()}
    if len(npix) != 1:
        raise ValueError("all maps must have the same number of pixels")
    nside = npix2nside(npix.pop())
    cols = [
        fits.Column(name=name.upper(), format="D", unit=units.get(name), array=a)
        for name, a in arrays.items()
    ]
    hdu = fits.BinTableHDU.from_columns(cols, name="HEALPIX")
    set_healpix_keywords(hdu.header, nside)
    hdu.header["OBJECT"] = ("FULLSKY", "sky coverage")
    hdu.header["COORDSYS"] = (coordsys, "G = Galactic")
    for key, value in (header or {}).items():
        hdu.header[key] = value
    with atomic_output(path) as tmp:
        fits.HDUList([fits.PrimaryHDU(), hdu]).writeto(tmp)


def read_maps(path: str | Path) -> tuple[dict[str, np.ndarray], fits.Header]:
    """Named maps (lower-case names) and the table header of a file written by write_maps."""
    with fits.open(path, mode="readonly", memmap=False) as hdul:
        hdu = hdul["HEALPIX"]
        maps = {c.name.lower(): np.asarray(hdu.data[c.name], dtype=np.float64) for c in hdu.columns}
        return maps, hdu.header.copy()


def read_map_stack(path: str | Path) -> np.ndarray:
    """All maps of a file as one (n_maps, npix) array, in column order (e.g. energy nodes)."""
    maps, _ = read_maps(path)
    return np.array(list(maps.values()))
