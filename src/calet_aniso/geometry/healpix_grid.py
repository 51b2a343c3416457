"""HEALPix grid sizes without importing healpy.

healpy takes most of a second to import (it loads matplotlib and astropy); jobs that only
read, write or draw maps need no more than these, which compute exactly what healpy's
functions of the same names compute (a test compares them bit for bit).
"""

from __future__ import annotations

import math

import numpy as np


def nside2npix(nside: int) -> int:
    """Number of pixels of a HEALPix map of ``nside``: 12 Nside²."""
    return 12 * nside * nside


def npix2nside(npix: int) -> int:
    """Nside of a HEALPix map of ``npix`` pixels; ValueError if ``npix`` is not 12 Nside²."""
    nside = math.isqrt(max(int(npix), 0) // 12)
    if npix <= 0 or nside2npix(nside) != npix:
        raise ValueError("Wrong pixel number (it is not 12*nside**2)")
    return nside


def nside2pixarea(nside: int) -> float:
    """Solid angle of one pixel (sr): 4π / N_pix."""
    return 4 * np.pi / nside2npix(nside)


def nside2resol(nside: int, arcmin: bool = False) -> float:
    """Pixel size: the square root of its solid angle (rad, or arcmin)."""
    resol = np.sqrt(nside2pixarea(nside))
    return np.rad2deg(resol) * 60 if arcmin else resol
