"""Figure 4 of the proceedings: the Vela SNR model's predicted dipole against the limits."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from calet_aniso.figures.style import bin_bars, save_figure, vela_component_limits


def vela_figure(
    per_energy: pd.DataFrame,
    above: pd.DataFrame,
    fermi_bins: pd.DataFrame,
    limits: pd.DataFrame,
    fermi: pd.DataFrame,
    png: str | Path,
    pdf: str | Path,
    period: str = "",
) -> None:
    """Figure 4: predicted Vela SNR dipole (differential, in the Fermi-LAT bins, above
    thresholds) vs limits."""
    fig, ax = plt.subplots(figsize=(7.0, 5.0))
    e = per_energy["energy_gev"]
    ax.plot(
        e,
        per_energy["delta_analytic"],
        color="tab:purple",
        lw=2,
        label="Vela SNR δ(E), analytic gradient",
    )
    ax.plot(
        e,
        per_energy["delta_finite_difference"],
        color="k",
        lw=1,
        ls=":",
        label="Vela SNR δ(E), finite difference (eq. 4.2)",
    )
    ax.plot(
        above["threshold_gev"],
        above["delta_above"],
        "D-",
        color="tab:purple",
        mfc="white",
        label="Vela SNR δ(≥ E_thr)",
    )
    ax.plot(
        e,
        per_energy["delta_all_sources"],
        color="0.3",
        lw=1.2,
        ls="--",
        label="Vela SNR + pulsars (vector sum) δ(E)",
    )
    ax.plot(
        above["threshold_gev"],
        above["delta_above_all_sources"],
        "s--",
        color="0.3",
        mfc="white",
        ms=5,
        label="Vela SNR + pulsars δ(≥ E_thr)",
    )
    bin_label = "Vela SNR δ, flux-weighted mean in each Fermi-LAT bin"
    bin_bars(ax, fermi_bins, "delta_bin", bin_label, color="tab:purple", lw=3, alpha=0.5)
    fermi_label = "Fermi-LAT 7 yr 95 % CL, per energy bin (digitized)"
    bin_bars(ax, fermi, "delta_ul_95", fermi_label, color="tab:red", lw=2)
    ax.plot(
        limits["threshold_gev"],
        limits["delta_ul95"],
        "kv",
        ms=8,
        label="95 % CL limit on δ, this analysis (E ≥ E_thr)",
    )
    vela_component_limits(ax, limits)  # the prediction points to Vela: like for like
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(30, 2.5e4)
    ax.set_ylim(1e-4, 3)
    ax.set_xlabel("energy / threshold energy (GeV)")
    ax.set_ylabel("dipole amplitude δ")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="lower right")
    ax.set_title(f"Predicted Vela SNR anisotropy{f' ({period})' if period else ''}")
    fig.tight_layout()
    save_figure(fig, png, pdf)
