"""Figures of the proceedings. Each function writes PNG and PDF with deterministic bytes."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")
import healpy as hp
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

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


def _threshold_ticks(ax, thresholds: np.ndarray) -> None:
    """Log energy axis with one labelled tick per threshold and no minor labels."""
    ax.set_xscale("log")
    ax.set_xticks(thresholds, [f"{t:g}" for t in thresholds])
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())


def _band(ax, x, table: pd.DataFrame, name: str, color: str, label: str) -> None:
    """Median line and 1σ / 2σ bands of Monte Carlo statistic ``name`` against thresholds."""
    ax.fill_between(
        x,
        table[f"mc_{name}_m2s"],
        table[f"mc_{name}_p2s"],
        color=color,
        alpha=0.18,
        lw=0,
        label=f"{label}: 2σ",
    )
    ax.fill_between(
        x,
        table[f"mc_{name}_m1s"],
        table[f"mc_{name}_p1s"],
        color=color,
        alpha=0.35,
        lw=0,
        label=f"{label}: 1σ",
    )
    ax.plot(x, table[f"mc_{name}_med"], color=color, lw=1, ls="--", label=f"{label}: median")


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
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7.0, 8.0), sharex=True)
    _band(top, x, table, "delta", "tab:blue", "isotropic MC")
    top.plot(x, table["delta"], "ko", label="measured δ")
    top.set_ylabel("dipole amplitude δ")
    _band(bottom, x, table, "delta_ul95", "tab:blue", "isotropic MC")
    bottom.plot(x, table["delta_ul95"], "kv", ms=8, label="95 % CL upper limit (this analysis)")
    for i, row in enumerate(fermi.itertuples()):
        bottom.hlines(
            row.delta_ul_95,
            row.e_low_gev,
            row.e_high_gev,
            color="tab:red",
            lw=2,
            label="Fermi-LAT 7 yr, per energy bin (digitized)" if i == 0 else None,
        )
    styles = iter(["-.", ":", "--"])
    for label, e_min, limit in other_limits:
        bottom.hlines(
            limit, e_min, x.max() * 1.5, color="tab:green", ls=next(styles), lw=1.5, label=label
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
    bottom.set_xlabel("threshold energy (GeV)")
    for ax in (top, bottom):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7, loc="upper left")
    bottom.set_xlim(min(10.0, x.min() / 2), x.max() * 1.5)
    fig.suptitle(f"Dipole anisotropy vs threshold energy{f' ({period})' if period else ''}")
    fig.tight_layout()
    save_figure(fig, png, pdf)


def multipole_figure(
    table: pd.DataFrame, png: str | Path, pdf: str | Path, period: str = ""
) -> None:
    """Quadrupole and octupole (C_l / C_0) vs threshold, with and without exposure correction."""
    x = table["threshold_gev"].to_numpy()
    fig, axes = plt.subplots(1, 2, figsize=(11.0, 4.5), sharey=False)
    for ax, ell, name in zip(axes, (2, 3), ("quadrupole", "octupole"), strict=True):
        _band(ax, x, table, f"c{ell}_over_c0_uncorrected", "tab:orange", "MC, no correction")
        _band(ax, x, table, f"c{ell}_over_c0", "tab:blue", "MC, corrected")
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
        _threshold_ticks(ax, x)
        ax.set_yscale("log")
        ax.set_xlabel("threshold energy (GeV)")
        ax.set_ylabel(f"C{ell} / C0")
        ax.set_title(f"{name} (l = {ell})")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7, loc="upper left")
    fig.suptitle(f"Exposure-correction check{f' ({period})' if period else ''}")
    fig.tight_layout()
    save_figure(fig, png, pdf)


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
    for i, row in enumerate(fermi_bins.itertuples()):
        ax.hlines(
            row.delta_bin,
            row.e_low_gev,
            row.e_high_gev,
            color="tab:purple",
            lw=3,
            alpha=0.5,
            label="Vela SNR δ, flux-weighted mean in each Fermi-LAT bin" if i == 0 else None,
        )
    for i, row in enumerate(fermi.itertuples()):
        ax.hlines(
            row.delta_ul_95,
            row.e_low_gev,
            row.e_high_gev,
            color="tab:red",
            lw=2,
            label="Fermi-LAT 7 yr 95 % CL, per energy bin (digitized)" if i == 0 else None,
        )
    ax.plot(
        limits["threshold_gev"],
        limits["delta_ul95"],
        "kv",
        ms=8,
        label="95 % CL limit, this analysis (E ≥ E_thr)",
    )
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
