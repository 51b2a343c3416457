"""Figure 4 of the proceedings: the Vela SNR model's predicted dipole against the limits.

Two panels, because differential and integral anisotropies are different quantities:
left, δ at energy E (the model, its mean in each Fermi-LAT bin, Fermi-LAT's per-bin limits
and this analysis' limits in its differential bins); right, δ of all events above a threshold
(the model and this analysis' limits).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from calet_aniso.figures.style import (
    bin_bars,
    save_figure,
    threshold_ticks,
    vela_component_limits,
)

VELA = "tab:purple"
ALL_SOURCES = "0.35"


def _bin_limits(ax, bins: pd.DataFrame, right_edge_gev: float) -> None:
    """This analysis' limits per differential bin (a bin open at the top drawn to the panel's
    right edge): eq. 2.3, the coverage-correct (Neyman) one and the component toward Vela."""
    if bins is None or bins.empty:
        return
    drawn = bins.rename(columns={"energy_min_gev": "e_low_gev", "energy_max_gev": "e_high_gev"})
    drawn["e_high_gev"] = np.minimum(drawn["e_high_gev"], right_edge_gev)
    bin_bars(ax, drawn, "delta_ul95", "this analysis, 95 % CL per bin (eq. 2.3)", color="k", lw=2)
    if "delta_ul95_neyman" in drawn:
        label = "this analysis, 95 % CL per bin (Neyman, exact coverage)"
        bin_bars(ax, drawn, "delta_ul95_neyman", label, color="k", lw=1.2, ls="--")
    if "delta_toward_vela_ul95" in drawn:
        label = "this analysis, 95 % CL on the component toward Vela per bin"
        bin_bars(ax, drawn, "delta_toward_vela_ul95", label, color="darkorange", lw=2)


def _differential_panel(
    ax,
    per_energy: pd.DataFrame,
    fermi_bins: pd.DataFrame,
    fermi: pd.DataFrame,
    bins: pd.DataFrame | None = None,
) -> None:
    e = per_energy["energy_gev"]
    ax.plot(e, per_energy["delta_analytic"], color=VELA, lw=2, label="Vela SNR")
    ax.plot(
        e,
        per_energy["delta_finite_difference"],
        color="k",
        lw=0.8,
        ls=":",
        label="Vela SNR, eq. 4.2 (finite difference)",
    )
    ax.plot(
        e,
        per_energy["delta_all_sources"],
        color=ALL_SOURCES,
        lw=1.2,
        ls="--",
        label="Vela SNR + pulsars (vector sum)",
    )
    bin_bars(
        ax,
        fermi_bins,
        "delta_bin",
        "Vela SNR, mean in each Fermi-LAT bin",
        color=VELA,
        lw=4,
        alpha=0.35,
    )
    bin_bars(
        ax,
        fermi,
        "delta_ul_95",
        "Fermi-LAT 7 yr, 95 % CL per bin (digitized)",
        color="tab:red",
        lw=2,
    )
    low = min(float(fermi["e_low_gev"].min()), float(fermi_bins["e_low_gev"].min()))
    high = max(float(e.max()), float(fermi["e_high_gev"].max()))
    _bin_limits(ax, bins, high * 1.3)
    ax.set_xscale("log")
    ax.set_xlim(low / 1.3, high * 1.3)
    ax.set_xlabel("energy E (GeV)")
    ax.set_ylabel("dipole amplitude δ")
    ax.set_title("differential: δ at energy E", fontsize=10, loc="left")


def _integral_panel(ax, above: pd.DataFrame, limits: pd.DataFrame) -> None:
    ax.plot(
        above["threshold_gev"],
        above["delta_above"],
        "D-",
        color=VELA,
        mfc="white",
        label="Vela SNR",
    )
    ax.plot(
        above["threshold_gev"],
        above["delta_above_all_sources"],
        "s--",
        color=ALL_SOURCES,
        mfc="white",
        ms=5,
        label="Vela SNR + pulsars",
    )
    ax.plot(
        limits["threshold_gev"],
        limits["delta_ul95"],
        "kv",
        ms=8,
        label="95 % CL limit on δ (eq. 2.3)",
    )
    vela_component_limits(ax, limits)  # the prediction points to Vela: like for like
    thresholds = np.union1d(above["threshold_gev"], limits["threshold_gev"])
    threshold_ticks(ax, thresholds)
    ax.set_xlim(thresholds.min() / 1.4, thresholds.max() * 1.4)
    ax.set_xlabel("threshold energy E_thr (GeV)")
    ax.set_title("integral: δ of all events with E ≥ E_thr", fontsize=10, loc="left")


def vela_figure(
    per_energy: pd.DataFrame,
    above: pd.DataFrame,
    fermi_bins: pd.DataFrame,
    limits: pd.DataFrame,
    fermi: pd.DataFrame,
    png: str | Path,
    pdf: str | Path,
    period: str = "",
    bins: pd.DataFrame | None = None,
) -> None:
    """Figure 4: predicted Vela SNR dipole, differential (left) and integral (right), against
    the Fermi-LAT per-bin limits and this analysis' limits per differential bin (``bins``, the
    bins' headline table) and above each threshold."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(11.0, 6.6), sharey=True)
    _differential_panel(left, per_energy, fermi_bins, fermi, bins)
    _integral_panel(right, above, limits)
    for ax in (left, right):
        ax.set_yscale("log")
        ax.set_ylim(1e-4, 3)
        ax.grid(True, which="both", alpha=0.3)
        # below the panel: the limits fill the upper half
        ax.legend(fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=1)
    fig.suptitle(f"Predicted Vela SNR anisotropy{f' ({period})' if period else ''}")
    fig.tight_layout()
    save_figure(fig, png, pdf)
