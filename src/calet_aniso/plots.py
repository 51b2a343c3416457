"""Figures of the proceedings. Each function writes PNG and PDF with deterministic bytes."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import healpy as hp
import matplotlib.pyplot as plt
import numpy as np

from .tables import atomic_output

PDF_METADATA = {"CreationDate": None, "Producer": None, "Creator": "calet_aniso"}
PNG_METADATA = {"Software": "calet_aniso"}


def save_figure(fig: plt.Figure, png: str | Path, pdf: str | Path) -> None:
    """Save a figure as PNG (150 dpi) and PDF without timestamps, atomically."""
    with atomic_output(png) as tmp:
        fig.savefig(tmp, format="png", dpi=150, metadata=PNG_METADATA)
    with atomic_output(pdf) as tmp:
        fig.savefig(tmp, format="pdf", metadata=PDF_METADATA)
    plt.close(fig)


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
        hp.mollview(
            sky,
            fig=fig.number,
            sub=(1, len(maps), i),
            title=title,
            unit="exposure / mean",
            cmap="viridis",
            min=low,
            max=high,
            format="%.2f",
            cbar=True,
        )
        hp.graticule(dpar=30, dmer=60, alpha=0.4)
    suffix = f" ({period})" if period else ""
    fig.suptitle(f"Average normalised exposure, Galactic coordinates{suffix}", y=0.99)
    save_figure(fig, png, pdf)
