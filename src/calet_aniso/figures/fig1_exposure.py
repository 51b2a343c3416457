"""Figure 1 of the proceedings: average normalised exposure maps (Mollweide, Galactic)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from calet_aniso.figures.mollweide import sky_panel
from calet_aniso.figures.style import save_figure


def panel_title(threshold_gev: float, n_events: int) -> str:
    """'E ≥ 125 GeV (40000 events)'; TeV from 1 TeV on."""
    label = f"{threshold_gev:g} GeV" if threshold_gev < 1000 else f"{threshold_gev / 1000:g} TeV"
    return f"E ≥ {label} ({n_events} events)"


def exposure_figure(
    maps: Mapping[str, np.ndarray], png: str | Path, pdf: str | Path, period: str = ""
) -> None:
    """Figure 1: average exposure maps normalised to their mean, Mollweide, Galactic.

    ``maps`` maps a panel title (e.g. 'E ≥ 125 GeV') to an average exposure map (m² s).
    One colour scale for all panels so they can be compared.
    """
    normalised = {title: sky / np.nanmean(sky) for title, sky in maps.items()}
    low = min(float(np.nanmin(m)) for m in normalised.values())
    high = max(float(np.nanmax(m)) for m in normalised.values())
    fig = plt.figure(figsize=(6.0 * len(maps), 4.2))
    for i, (title, sky) in enumerate(normalised.items(), start=1):
        sky_panel(fig, (1, len(maps), i), sky, title, "exposure / mean", low=low, high=high)
    suffix = f" ({period})" if period else ""
    fig.suptitle(f"Average normalised exposure, Galactic coordinates{suffix}", y=0.99)
    save_figure(fig, png, pdf)
