"""Injection–recovery figure: against the injected amplitude (in units of the isotropic median
δ̂), per threshold, averaged over the injected directions: recovered/true δ, the direction's
median error, the coverage of both limits, and the fraction detected at 3σ."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from calet_aniso.figures.style import save_figure


def validation_figure(
    summary: pd.DataFrame, png: str | Path, pdf: str | Path, period: str = ""
) -> None:
    """Four panels from ``montecarlo.injection.summarise_injections``."""
    fig, axes = plt.subplots(2, 2, figsize=(11.0, 8.0), sharex=True)
    (ratio, angle), (coverage, detected) = axes
    thresholds = sorted(summary["threshold_gev"].unique())
    colours = plt.cm.plasma(np.linspace(0.0, 0.85, len(thresholds)))
    for colour, threshold in zip(colours, thresholds, strict=True):
        rows = summary[summary["threshold_gev"] == threshold]
        f = rows["amplitude_factor"]
        label = f"E ≥ {threshold:g} GeV"
        signal = rows["delta_true"] > 0
        ratio.plot(
            f[signal],
            (rows["delta_recovered_mean"] / rows["delta_true"])[signal],
            "o-",
            color=colour,
            label=label,
        )
        angle.plot(
            f[signal], rows["direction_error_median_deg"][signal], "o-", color=colour, label=label
        )
        coverage.plot(f, rows["coverage_neyman"], "s-", color=colour, label=f"{label}, Neyman")
        coverage.plot(f, rows["coverage_eq23"], "v--", color=colour, mfc="white")
        detected.plot(f, rows["detected_3sigma"], "o-", color=colour, label=label)
    ratio.axhline(1.0, color="k", lw=0.8)
    ratio.set_ylabel("mean recovered δ̂ / true δ")
    angle.set_ylabel("median direction error (deg)")
    coverage.axhline(0.95, color="k", lw=0.8)
    coverage.plot([], [], "ks-", label="Neyman belt (solid)")
    coverage.plot([], [], "kv--", mfc="white", label="eq. 2.3 (dashed)")
    coverage.set_ylabel("coverage of the 95 % CL limit")
    coverage.set_ylim(0.85, 1.005)
    detected.set_ylabel("fraction detected at 3σ (pre-trial)")
    detected.set_ylim(-0.02, 1.02)
    for ax in axes.flat:
        ax.grid(True, alpha=0.3)
        ax.set_xlabel("injected δ / isotropic median δ̂")
    ratio.legend(fontsize=7)
    handles, labels = coverage.get_legend_handles_labels()
    coverage.legend(handles[-2:], labels[-2:], fontsize=7, loc="lower right")
    fig.suptitle(
        f"Injection–recovery, averaged over six directions{f' ({period})' if period else ''}"
    )
    fig.tight_layout()
    save_figure(fig, png, pdf)
