"""Mollweide sky panels in Galactic coordinates, shared by the exposure and sky-map figures:
a labelled graticule (l, b in degrees; l increasing to the left, as astronomers draw it), a
colour bar with ticks, and markers at sky directions."""

from __future__ import annotations

import healpy as hp
import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np


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
    """Draw ``sky`` (a HEALPix map, RING, Galactic; NaN = unseen) on a Mollweide panel of
    ``fig``, colours from ``low`` to ``high``, with round-numbered colour-bar ticks."""
    ticks = matplotlib.ticker.MaxNLocator(6, integer=integer_ticks).tick_values(low, high)
    ticks = ticks[(ticks >= low - 1e-12 * abs(low)) & (ticks <= high + 1e-12 * abs(high))]
    hp.projview(
        np.where(np.isfinite(sky), sky, hp.UNSEEN),
        fig=fig.number,
        sub=sub,
        title=title,
        unit=unit,
        cmap=cmap,
        min=low,
        max=high,
        format=tick_format,
        cbar_ticks=list(ticks),
        graticule=True,
        graticule_labels=True,
        graticule_color="0.35",
        fontsize={
            "title": 10,
            "xtick_label": 7,
            "ytick_label": 7,
            "cbar_label": 8,
            "cbar_tick_label": 7,
        },
    )
    return plt.gca()


def _projected(l_deg, b_deg) -> tuple[np.ndarray, np.ndarray]:
    """Plot coordinates of Galactic (l, b) in degrees on a ``projview`` Mollweide panel
    (radians, longitude wrapped into (−π, π] and mirrored: l grows to the left)."""
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
