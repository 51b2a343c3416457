"""Figure 3b: the exposure-correction check, C2/C0 and C3/C0 against threshold energy with and
without exposure correction, with the isotropic Monte Carlo bands."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from calet_aniso.figures.style import mc_band, save_figure, threshold_ticks


def multipole_figure(
    table: pd.DataFrame, png: str | Path, pdf: str | Path, period: str = ""
) -> None:
    """Quadrupole and octupole (C_l / C_0) vs threshold, with and without exposure correction."""
    x = table["threshold_gev"].to_numpy()
    fig, axes = plt.subplots(1, 2, figsize=(11.0, 5.2), sharey=False)
    for ax, ell, name in zip(axes, (2, 3), ("quadrupole", "octupole"), strict=True):
        mc_band(
            ax,
            x,
            table,
            f"c{ell}_over_c0_uncorrected",
            "tab:orange",
            "MC, no correction",
            filled=False,
        )
        mc_band(ax, x, table, f"c{ell}_over_c0", "tab:blue", "MC, corrected")
        ax.plot(
            x,
            table[f"c{ell}_over_c0_uncorrected"],
            "s",
            mfc="none",
            mec="tab:orange",
            ms=7,
            label="measured, no correction",
        )
        ax.plot(x, table[f"c{ell}_over_c0"], "ko", label="measured, corrected")
        threshold_ticks(ax, x)
        ax.set_yscale("log")
        ax.set_xlabel("threshold energy (GeV)")
        ax.set_ylabel(f"C{ell} / C0")
        ax.set_title(f"{name} (l = {ell})")
        ax.grid(True, which="both", alpha=0.3)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.suptitle(f"Exposure-correction check{f' ({period})' if period else ''}")
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    fig.legend(handles, labels, loc="lower center", ncol=4, fontsize=8, frameon=False)
    save_figure(fig, png, pdf)
