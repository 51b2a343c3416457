"""Mollweide sky panels in Galactic coordinates, shared by the exposure and sky-map figures:
a labelled graticule (l, b in degrees; l increasing to the left, as astronomers draw it), a
colour bar with ticks, and markers at sky directions."""

from __future__ import annotations

import functools

import healpix
import matplotlib.colors
import matplotlib.image
import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
from matplotlib.projections.geo import GeoAxes

from calet_aniso.geometry.healpix_grid import npix2nside

#: Image of a panel, (width, height) in samples of the Mollweide plane; 2:1 like the ellipse.
IMAGE_SIZE = (1200, 600)


class _LongitudeFormatter(GeoAxes.ThetaFormatter):
    """Galactic longitude of a mirrored axis (plot x = −l): 0°..360°, growing to the left."""

    def __call__(self, x, pos=None):
        return super().__call__((-x) % (2.0 * np.pi), pos)


@functools.cache
def _image_pixels(nside: int, size: tuple[int, int] = IMAGE_SIZE) -> np.ndarray:
    """HEALPix pixel (RING, Galactic) seen at each sample of a Mollweide panel's image
    (rows bottom to top; −1 outside the ellipse), l growing to the left.

    The samples are the centres of a (height, width) grid over the panel's axes box, which
    matplotlib's Mollweide axes map onto the ellipse's bounding box: x ∈ [−2√2, 2√2],
    y ∈ [−√2, √2]. Inverse Mollweide: sin θ = y/√2, sin b = (2θ + sin 2θ)/π,
    longitude = π x / (2√2 cos θ).
    """
    width, height = size
    x = (2.0 * (np.arange(width) + 0.5) / width - 1.0) * 2.0 * np.sqrt(2.0)
    y = (2.0 * (np.arange(height) + 0.5) / height - 1.0) * np.sqrt(2.0)
    x, y = np.meshgrid(x, y)
    inside = (x / (2.0 * np.sqrt(2.0))) ** 2 + (y / np.sqrt(2.0)) ** 2 < 1.0
    aux = np.arcsin(np.clip(y / np.sqrt(2.0), -1.0, 1.0))
    lat = np.arcsin(np.clip((2.0 * aux + np.sin(2.0 * aux)) / np.pi, -1.0, 1.0))
    lon = np.pi * x / (2.0 * np.sqrt(2.0) * np.cos(aux))
    pixels = np.full(x.shape, -1, dtype=np.int64)
    pixels[inside] = healpix.ang2pix(
        nside, np.pi / 2.0 - lat[inside], (-lon[inside]) % (2.0 * np.pi)
    )
    return pixels


def _extend(sky: np.ndarray, low: float, high: float) -> str:
    """Colour-bar arrows for values beyond [low, high]."""
    seen = sky[np.isfinite(sky)]
    below = seen.size > 0 and seen.min() < low
    above = seen.size > 0 and seen.max() > high
    return {(False, False): "neither", (True, False): "min", (False, True): "max"}.get(
        (below, above), "both"
    )


def sky_panel(
    fig: plt.Figure,
    sub: int | tuple[int, int, int],
    sky: np.ndarray,
    title: str,
    unit: str,
    *,
    low: float,
    high: float,
    cmap: str = "viridis",
    tick_format: str = "%.2f",
    integer_ticks: bool = False,
) -> plt.Axes:
    """Draw ``sky`` (a HEALPix map, RING, Galactic; NaN = unseen, grey) on a Mollweide panel
    of ``fig``, colours from ``low`` to ``high``, with round-numbered colour-bar ticks.

    The map is drawn as one image of the Mollweide plane (``IMAGE_SIZE`` samples, each the
    pixel seen at its centre), clipped to the ellipse: in the PDF it is one embedded image.
    The graticule (60° in l, 30° in b), its labels and the colour bar follow healpy's
    ``projview`` layout.
    """
    sky = np.asarray(sky, dtype=np.float64)
    ticks = matplotlib.ticker.MaxNLocator(6, integer=integer_ticks).tick_values(low, high)
    ticks = ticks[(ticks >= low - 1e-12 * abs(low)) & (ticks <= high + 1e-12 * abs(high))]
    ax = fig.add_subplot(*((sub,) if isinstance(sub, int) else sub), projection="mollweide")
    fig.subplots_adjust(left=0.04, right=0.98, top=0.95, bottom=0.05)
    pixels = _image_pixels(npix2nside(sky.size))
    image = np.ma.masked_invalid(np.where(pixels >= 0, sky[pixels], np.nan))
    colours = plt.get_cmap(cmap).with_extremes(bad="grey")
    drawn = matplotlib.image.AxesImage(
        ax,
        cmap=colours,
        norm=matplotlib.colors.Normalize(low, high),
        interpolation="nearest",
        origin="lower",
        extent=(0.0, 1.0, 0.0, 1.0),
        transform=ax.transAxes,
        zorder=0,
    )
    drawn.set_data(image)
    drawn.set_clip_path(ax.patch)
    ax.add_image(drawn)
    ax.grid(True, color="0.35")
    ax.set_longitude_grid(60)
    ax.set_latitude_grid(30)
    ax.set_longitude_grid_ends(90)
    ax.xaxis.set_major_formatter(_LongitudeFormatter(60))
    ax.set_title(title, fontsize=10)
    ax.tick_params(axis="both", labelsize=7)
    bar = fig.colorbar(
        drawn,
        ax=ax,
        orientation="horizontal",
        shrink=0.6,
        pad=0.06,
        ticks=list(ticks),
        extend=_extend(sky, low, high),
    )
    bar.ax.set_xticklabels([tick_format % t for t in ticks])
    bar.ax.xaxis.set_label_text(unit, fontsize=8)
    bar.ax.tick_params(axis="x", labelsize=7, direction="out")
    bar.ax.xaxis.labelpad = 0
    bar.solids.set_edgecolor("face")
    fig.sca(ax)
    return ax


def _projected(l_deg, b_deg) -> tuple[np.ndarray, np.ndarray]:
    """Plot coordinates of Galactic (l, b) in degrees on a sky panel (radians, longitude
    wrapped into (−π, π] and mirrored: l grows to the left)."""
    wrapped = 180.0 - (180.0 - np.asarray(l_deg, dtype=np.float64)) % 360.0
    return -np.radians(wrapped), np.radians(np.asarray(b_deg, dtype=np.float64))


def draw_lonlat_line(l_deg: np.ndarray, b_deg: np.ndarray, **style) -> None:
    """Draw a line through Galactic (l, b) points (deg) on the current sky panel, broken where it
    crosses the map's edge (l = 180°) instead of running across the map."""
    x, y = _projected(l_deg, b_deg)
    breaks = np.flatnonzero(np.abs(np.diff(x)) > np.pi) + 1
    for part in np.split(np.arange(x.size), breaks):
        plt.gca().plot(x[part], y[part], **style)


def mark_direction(
    l_deg: float, b_deg: float, label: str, *, marker: str = "*", color: str = "k", size=10
) -> None:
    """Mark the Galactic direction (l, b) in degrees on the current sky panel, labelled; the
    marker has a white edge so that it shows on any colour."""
    x, y = _projected(l_deg, b_deg)
    plt.gca().plot(
        x,
        y,
        marker=marker,
        color=color,
        markeredgecolor="white",
        markeredgewidth=0.8,
        markersize=size,
        linestyle="none",
        label=label,
    )
