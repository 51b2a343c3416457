"""Sky maps of one threshold sample: counts, smoothed relative intensity and significance
(Mollweide, Galactic), with the measured dipole direction, its 1σ error circle and the named
directions (Vela) marked; and the angular power spectrum C_l / C_0 with the isotropic band."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from calet_aniso.analysis.smoothed_maps import SmoothedMaps, degrade_sum
from calet_aniso.figures.mollweide import draw_lonlat_line, mark_direction, sky_panel
from calet_aniso.figures.style import save_figure
from calet_aniso.geometry.frames import direction_lonlat, unit_vector
from calet_aniso.geometry.healpix_grid import npix2nside, nside2npix, nside2resol

#: Beyond this 1σ radius (deg) the direction is not measured and no circle is drawn.
MAX_ERROR_CIRCLE_DEG = 60.0
LEVELS = ("m2s", "m1s", "med", "p1s", "p2s")


def circle_lonlat(l_deg: float, b_deg: float, radius_deg: float, points: int = 181):
    """(l, b) in degrees of the small circle of ``radius_deg`` around (l, b)."""
    centre = unit_vector(l_deg, b_deg)
    helper = np.array([0.0, 0.0, 1.0]) if abs(centre[2]) < 0.9 else np.array([1.0, 0.0, 0.0])
    first = np.cross(centre, helper)
    first /= np.linalg.norm(first)
    second = np.cross(centre, first)
    angle = np.linspace(0.0, 2.0 * np.pi, points)[:, None]
    radius = np.radians(radius_deg)
    ring = np.cos(radius) * centre + np.sin(radius) * (
        np.cos(angle) * first + np.sin(angle) * second
    )
    return direction_lonlat(ring)


def display_nside(n_events: float, nside: int, per_pixel: float = 10.0) -> int:
    """The finest Nside (≤ ``nside``, ≥ 2) with at least ``per_pixel`` events per pixel on
    average, so that a counts map shows the sky rather than Poisson noise."""
    while nside > 2 and n_events / nside2npix(nside) < per_pixel:
        nside //= 2
    return nside


def power_bands(row: pd.Series) -> pd.DataFrame:
    """C_l / C_0 (l = 1, 2, 3) of the corrected map with its isotropic Monte Carlo quantiles;
    l = 1 from δ: C_1 / C_0 = (δ / 3)² (eq. 2.1), a monotone map of the δ quantiles."""
    rows = [
        {"l": 1, "measured": (row["delta"] / 3) ** 2}
        | {q: (row[f"mc_delta_{q}"] / 3) ** 2 for q in LEVELS}
    ]
    for ell in (2, 3):
        name = f"c{ell}_over_c0"
        rows.append({"l": ell, "measured": row[name]} | {q: row[f"mc_{name}_{q}"] for q in LEVELS})
    return pd.DataFrame(rows)


def _mark(row: pd.Series, directions: Mapping[str, Mapping[str, float]]) -> None:
    for name, direction in directions.items():
        mark_direction(
            direction["l_deg"],
            direction["b_deg"],
            name.capitalize(),
            color="w",
            marker="*",
            size=11,
        )
    if not np.isfinite(row["dipole_l_deg"]):
        return
    mark_direction(row["dipole_l_deg"], row["dipole_b_deg"], "dipole", color="r", marker="X")
    error = row.get("dipole_direction_error_deg", np.nan)
    if np.isfinite(error) and error <= MAX_ERROR_CIRCLE_DEG:
        lon, lat = circle_lonlat(row["dipole_l_deg"], row["dipole_b_deg"], error)
        draw_lonlat_line(lon, lat, color="r", lw=1.2)


def _spectrum(ax, bands: pd.DataFrame) -> None:
    ell = bands["l"].to_numpy()
    for low, high, width, label in (("m2s", "p2s", 14, "2σ"), ("m1s", "p1s", 14, "1σ")):
        ax.vlines(
            ell,
            bands[low],
            bands[high],
            colors="tab:blue",
            alpha=0.25 if label == "2σ" else 0.5,
            lw=width,
            label=f"isotropic MC: {label}",
        )
    ax.plot(ell, bands["med"], "_", color="tab:blue", ms=16, mew=2, label="isotropic MC: median")
    ax.plot(ell, bands["measured"], "ko", label="data (exposure-corrected)")
    ax.set_yscale("log")
    ax.set_xticks(ell, [f"l = {e}" for e in ell])
    ax.set_xlim(0.5, ell.max() + 0.5)
    ax.set_ylabel(r"$C_\ell\ /\ C_0$")
    ax.set_title("angular power spectrum (exposure-corrected)", fontsize=10)
    ax.grid(True, axis="y", which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2)


def skymap_figure(
    counts: np.ndarray,
    smoothed: SmoothedMaps,
    row: pd.Series,
    directions: Mapping[str, Mapping[str, float]],
    png: str | Path,
    pdf: str | Path,
    period: str = "",
) -> None:
    """Four panels for the threshold of headline-table ``row`` (module docstring)."""
    fig = plt.figure(figsize=(12.0, 8.6))
    coarse = display_nside(float(np.sum(counts)), npix2nside(np.size(counts)))
    binned = degrade_sum(counts, coarse)
    resolution = nside2resol(coarse, arcmin=True) / 60.0
    sky_panel(
        fig,
        (2, 2, 1),
        binned,
        f"events per pixel (Nside {coarse}, {resolution:.1f}° pixels)",
        "events",
        low=0,
        high=max(float(binned.max()), 1.0),
        cmap="cividis",
        tick_format="%.0f",
        integer_ticks=True,
    )
    radius = f"{smoothed.radius_deg:g}°"
    relative = smoothed.relative_intensity
    span = float(np.nanmax(np.abs(relative))) if np.isfinite(relative).any() else 1.0
    sky_panel(
        fig,
        (2, 2, 2),
        relative,
        f"relative intensity, {radius} top-hat",
        "relative intensity",
        low=-span,
        high=span,
        cmap="RdBu_r",
        tick_format="%.3f" if span < 0.1 else "%.2f",
    )
    _mark(row, directions)
    significance = smoothed.significance
    limit = (
        max(3.0, float(np.nanmax(np.abs(significance)))) if np.isfinite(significance).any() else 3.0
    )
    sky_panel(
        fig,
        (2, 2, 3),
        significance,
        f"significance, {radius} top-hat (pre-trial)",
        "σ",
        low=-limit,
        high=limit,
        cmap="RdBu_r",
        tick_format="%.1f",
    )
    _mark(row, directions)
    _spectrum(fig.add_subplot(2, 2, 4), power_bands(row))
    error = row.get("dipole_direction_error_deg", np.nan)
    direction = (
        f"dipole (red X) toward (l, b) = ({row['dipole_l_deg']:.0f}°, {row['dipole_b_deg']:.0f}°)"
        + (
            f" ± {error:.0f}°"
            if np.isfinite(error) and error <= MAX_ERROR_CIRCLE_DEG
            else ", direction not measured"
        )
        + "; stars: "
        + ", ".join(n.capitalize() for n in directions)
    )
    threshold = row["threshold_gev"]
    suffix = f" ({period})" if period else ""
    fig.suptitle(
        f"Sky above {threshold:g} GeV, {int(row['n_events'])} events, Galactic{suffix}\n"
        f"{direction}",
        fontsize=11,
    )
    fig.subplots_adjust(top=0.88, bottom=0.1, hspace=0.25)
    save_figure(fig, png, pdf)
