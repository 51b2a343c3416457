"""Shared style of the figures: deterministic PNG/PDF output and the Monte Carlo bands."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from calet_aniso.io.files import atomic_output

PDF_METADATA = {"CreationDate": None, "Producer": None, "Creator": "calet_aniso"}
PNG_METADATA = {"Software": "calet_aniso"}


def save_figure(fig: plt.Figure, png: str | Path, pdf: str | Path) -> None:
    """Save a figure as PNG (150 dpi) and PDF without timestamps, atomically."""
    with atomic_output(png) as tmp:
        fig.savefig(tmp, format="png", dpi=150, metadata=PNG_METADATA)
    with atomic_output(pdf) as tmp:
        fig.savefig(tmp, format="pdf", metadata=PDF_METADATA)
    plt.close(fig)


def threshold_ticks(ax, thresholds: np.ndarray) -> None:
    """Log energy axis with one labelled tick per threshold and no minor labels."""
    ax.set_xscale("log")
    ax.set_xticks(thresholds, [f"{t:g}" for t in thresholds])
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())


def mc_band(
    ax, x, table: pd.DataFrame, name: str, color: str, label: str, filled: bool = True
) -> None:
    """Median line and 1σ / 2σ bands of Monte Carlo statistic ``name`` against thresholds.

    ``filled=False`` draws the bands as outlines (1σ solid, 2σ dotted), so that a second set
    of bands stays readable where it overlaps a filled one.
    """
    for level, alpha, outline in (("2s", 0.18, ":"), ("1s", 0.35, "-")):
        low, high = table[f"mc_{name}_m{level}"], table[f"mc_{name}_p{level}"]
        band_label = f"{label}: {level[0]}σ"
        if filled:
            ax.fill_between(x, low, high, color=color, alpha=alpha, lw=0, label=band_label)
        else:
            ax.plot(x, low, color=color, lw=1.2, ls=outline, label=band_label)
            ax.plot(x, high, color=color, lw=1.2, ls=outline)
    ax.plot(x, table[f"mc_{name}_med"], color=color, lw=1, ls="--", label=f"{label}: median")


def vela_component_limits(ax, table: pd.DataFrame) -> None:
    """The 95 % CL limits on the dipole's component toward Vela against threshold (open
    orange triangles), when the headline table has them."""
    if "delta_toward_vela_ul95" not in table:
        return
    ax.plot(
        table["threshold_gev"],
        table["delta_toward_vela_ul95"],
        "v",
        color="darkorange",
        mfc="white",
        ms=8,
        label="95 % CL limit on the component toward Vela (E ≥ E_thr)",
    )


def bin_bars(ax, bins: pd.DataFrame, column: str, label: str, **style) -> None:
    """One horizontal bar per energy bin (e_low_gev to e_high_gev) at ``column``, labelled once."""
    for i, row in enumerate(bins.itertuples()):
        ax.hlines(
            getattr(row, column),
            row.e_low_gev,
            row.e_high_gev,
            label=label if i == 0 else None,
            **style,
        )
