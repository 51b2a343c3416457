"""Sensitivity forecast figure: median expected limits against threshold for the period and
longer observations, with the Vela SNR prediction; and the observation time at which the
Vela dipole would be excluded at 95 % CL or seen at 3σ."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from calet_aniso.figures.style import save_figure, threshold_ticks


def sensitivity_figure(
    forecast: pd.DataFrame, png: str | Path, pdf: str | Path, period: str = ""
) -> None:
    """Two panels from ``analysis.forecast.forecast_table``."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(12.0, 5.2))
    times = sorted(forecast["years"].unique())
    colours = plt.cm.viridis([0.0, 0.35, 0.6, 0.85])
    for colour, years in zip(colours, times, strict=False):
        rows = forecast[forecast["years"] == years]
        x = rows["threshold_gev"]
        label = f"{years:.1f} yr" if years == times[0] else f"{years:g} yr"
        left.plot(x, rows["median_delta_ul95"], "v--", color=colour, ms=5, lw=1)
        left.plot(
            x, rows["median_delta_ul95_neyman"], "s-", color=colour, ms=5, lw=1.5, label=label
        )
        left.plot(x, rows["median_vela_component_ul95"], "^:", color=colour, ms=5, lw=1)
    first = forecast[forecast["years"] == times[0]]
    left.plot(
        first["threshold_gev"],
        first["vela_delta_predicted"],
        "D-",
        color="tab:purple",
        mfc="white",
        label="Vela SNR model δ(≥ E_thr)",
    )
    left.plot([], [], "kv--", label="median limit, eq. 2.3")
    left.plot([], [], "ks-", label="median limit, Neyman (exact coverage)")
    left.plot([], [], "k^:", label="median limit on the component toward Vela")
    left.set_yscale("log")
    left.set_ylabel("median expected 95 % CL limit on δ (isotropic sky)")
    left.legend(fontsize=7, loc="upper left", ncol=2)
    left.set_title("median expected limits", fontsize=10, loc="left")
    right.plot(
        first["threshold_gev"],
        first["years_to_exclude_vela_95"],
        "o-",
        color="k",
        label="Vela dipole excluded at 95 % CL (median experiment)",
    )
    right.plot(
        first["threshold_gev"],
        first["years_to_see_vela_3sigma"],
        "s-",
        color="tab:red",
        label="Vela dipole seen at 3σ (half the experiments)",
    )
    for years in times[1:]:
        right.axhline(years, color="0.6", lw=0.8, ls="--")
        right.annotate(
            f"{years:g} yr",
            (first["threshold_gev"].max(), years),
            fontsize=7,
            va="bottom",
            ha="right",
            color="0.4",
        )
    right.axhline(times[0], color="tab:blue", lw=0.8)
    right.annotate(
        f"this period ({times[0]:.1f} yr)",
        (first["threshold_gev"].max(), times[0]),
        fontsize=7,
        va="bottom",
        ha="right",
        color="tab:blue",
    )
    right.set_yscale("log")
    right.set_ylabel("observation time needed (years, period's mean exposure rate)")
    right.legend(fontsize=7, loc="upper right")
    right.set_title("when the Vela SNR prediction is reached", fontsize=10, loc="left")
    for ax in (left, right):
        threshold_ticks(ax, first["threshold_gev"].to_numpy())
        ax.set_xlabel("threshold energy E_thr (GeV)")
        ax.grid(True, which="both", alpha=0.3)
    fig.suptitle(f"Sensitivity forecast{f' ({period})' if period else ''}")
    fig.tight_layout()
    save_figure(fig, png, pdf)
