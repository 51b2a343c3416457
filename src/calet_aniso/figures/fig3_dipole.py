"""Figure 3 of the proceedings: measured δ and its 95 % CL limit against threshold energy, with
the isotropic Monte Carlo bands, other experiments' limits and the Vela SNR model's δ."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from calet_aniso.figures.style import (
    bin_bars,
    mc_band,
    save_figure,
    threshold_ticks,
    vela_component_limits,
)


def integral_limits(ams: pd.DataFrame) -> list[tuple[str, float, float]]:
    """(label, E_min GeV, δ_UL) of integral limits above E_min from an AMS-02 limit table."""
    return [
        (f"AMS-02 {r.species}, integral above {r.e_min_gev:g} GeV", r.e_min_gev, r.delta_ul_95)
        for r in ams.itertuples()
    ]


def dipole_figure(
    table: pd.DataFrame,
    fermi: pd.DataFrame,
    other_limits: list[tuple[str, float, float]],
    png: str | Path,
    pdf: str | Path,
    period: str = "",
    vela: pd.DataFrame | None = None,
) -> None:
    """Figure 3: measured δ (top) and 95 % CL limit (bottom) vs threshold, isotropic bands.

    ``fermi``: Fermi-LAT 7-year limits per differential energy bin (e_low_gev, e_high_gev,
    delta_ul_95), drawn as horizontal bars over each bin. ``other_limits``: (label,
    E_min GeV, δ_UL) integral limits above E_min, drawn as lines from E_min. ``vela``: the
    predicted Vela SNR δ above each threshold (threshold_gev, delta_above), in both panels.
    """
    x = table["threshold_gev"].to_numpy()
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7.5, 10.0), sharex=True)
    mc_band(top, x, table, "delta", "tab:blue", "isotropic MC")
    top.plot(x, table["delta"], "ko", label="δ of the data (E ≥ E_thr)")
    if "delta_detected_3sigma" in table and table["delta_detected_3sigma"].any():
        seen = table[table["delta_detected_3sigma"]]  # a detection: its two-sided interval
        top.errorbar(
            seen["threshold_gev"],
            seen["delta"],
            yerr=[seen["delta"] - seen["delta_fc95_low"], seen["delta_fc95_high"] - seen["delta"]],
            fmt="none",
            ecolor="tab:red",
            elinewidth=2,
            capsize=4,
            label="≥ 3σ: Feldman–Cousins 95 % CL interval",
        )
    top.set_ylabel("dipole amplitude δ")
    mc_band(bottom, x, table, "delta_ul95", "tab:blue", "isotropic MC")
    bottom.plot(
        x, table["delta_ul95"], "kv", ms=8, label="95 % CL limit on δ, eq. 2.3 (this analysis)"
    )
    if "delta_ul95_neyman" in table:  # coverage-correct limit, with its isotropic median
        bottom.plot(
            x,
            table["delta_ul95_neyman"],
            "s",
            color="k",
            mfc="white",
            ms=6,
            label="95 % CL limit on δ, Neyman belt (exact coverage)",
        )
        bottom.plot(
            x,
            table["mc_delta_ul95_neyman_med"],
            color="0.3",
            lw=1,
            ls=":",
            label="isotropic MC: median Neyman limit",
        )
    vela_component_limits(bottom, table)
    fermi_label = "Fermi-LAT 7 yr, 95 % CL per differential bin (digitized)"
    bin_bars(bottom, fermi, "delta_ul_95", fermi_label, color="tab:red", lw=2)
    low = 0.8 * min(x.min(), float(fermi["e_low_gev"].min()) if len(fermi) else x.min())
    high = x.max() * 1.5
    styles = iter(["-.", ":", "--"])
    for label, e_min, limit in other_limits:
        bottom.hlines(
            limit, max(e_min, low), high, color="tab:green", ls=next(styles), lw=1.5, label=label
        )
    if vela is not None:
        for ax in (top, bottom):
            ax.plot(
                vela["threshold_gev"],
                vela["delta_above"],
                "D-",
                color="tab:purple",
                mfc="white",
                label="Vela SNR model, δ(≥ E_thr)",
            )
    bottom.set_ylabel("δ upper limit (95 % CL)")
    bottom.set_xlabel("threshold energy E_thr (GeV); for Fermi-LAT, the bin's energy range")
    for ax in (top, bottom):
        ax.set_yscale("log")
        ax.grid(True, which="both", alpha=0.3)
    top.legend(fontsize=7, loc="upper left")
    # Below the panel: inside, the legend would hide the limits.
    bottom.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2)
    threshold_ticks(bottom, x)
    bottom.set_xlim(low, high)
    fig.suptitle(f"Dipole anisotropy vs threshold energy{f' ({period})' if period else ''}")
    fig.tight_layout()
    save_figure(fig, png, pdf)
