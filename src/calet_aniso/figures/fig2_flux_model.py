"""Figure 2 of the proceedings: the fitted e± flux model, E³-weighted, against the fitted data.

One panel per variant (reference; Vela SNR), each with its components, the model positron
flux against the positron data, and a box with the fitted parameters.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from calet_aniso.figures.style import save_figure

TITLES = {
    "reference": "reference model (isotropic flux of the Monte Carlo)",
    "vela": "Vela SNR model",
}
COMPONENTS = {  # column → (label, colour, line style)
    "total": ("total e⁺ + e⁻", "k", "-"),
    "primary": ("primary e⁻", "tab:blue", "--"),
    "secondary": ("secondary e⁺ + e⁻ (× C_s)", "tab:green", "--"),
    "pulsars": ("pulsars (sum)", "tab:orange", "--"),
    "vela": ("Vela SNR", "tab:purple", "-"),
    "positrons": ("model e⁺", "tab:red", "-."),
}
MARKERS = {"CALET": "o", "AMS-02": "s", "DAMPE": "^"}
PARAMETER_LABELS = {  # name → (mathtext label, format, scale)
    "norm": (
        r"$N_{\mathrm{100\,GeV}}$ [$10^{-4}$ m$^{-2}$ s$^{-1}$ sr$^{-1}$ GeV$^{-1}$]",
        "{:.3f}",
        1e4,
    ),
    "index": (r"$\gamma_e$", "{:.3f}", 1.0),
    "break_gev": (r"$E_b$ [GeV]", "{:.3g}", 1.0),
    "delta_index": (r"$\Delta\gamma$", "{:.3g}", 1.0),
    "softness": (r"$s$", "{:.3g}", 1.0),
    "inv_cutoff_per_tev": (r"$1/E_\mathrm{cut}$ [TeV$^{-1}$]", "{:.3f}", 1.0),
    "cs": (r"$C_s$", "{:.2f}", 1.0),
    "eta": (r"$\eta$", "{:.3f}", 1.0),
    "pulsar_index": (r"$\gamma_\mathrm{ex}$", "{:.2f}", 1.0),
    "pulsar_cutoff_gev": (r"$E_\mathrm{cut,ex}$ [TeV]", "{:.2f}", 1e-3),
}
#: Common names of the pulsars that have one (ATNF lists J-names only).
PULSAR_NAMES = {"J0633+1746": "Geminga", "J0659+1414": "Monogem"}


def parameter_text(summary: Mapping) -> str:
    """The parameter box: value ± error (fixed / at a limit marked), pulsars, χ²/ndf."""
    lines = []
    for name, (label, fmt, scale) in PARAMETER_LABELS.items():
        value = fmt.format(summary["values"][name] * scale)
        if name not in summary["free_parameters"]:
            lines.append(f"{label} = {value} (fixed)")
        elif name in summary["at_limit"]:
            bound = summary["one_sided_95_bounds"].get(name, float("nan"))
            side = "<" if bound > summary["values"][name] else ">"
            if bound == bound:  # not NaN
                lines.append(f"{label} {side} {fmt.format(bound * scale)} (95 % CL; fit at limit)")
            else:
                lines.append(f"{label} = {value} (at limit)")
        else:
            lines.append(f"{label} = {value} ± {fmt.format(summary['errors'][name] * scale)}")
    release = summary["pulsar_settings"]["release_kyr"]
    lines.append(f"pulsars: {len(summary['pulsars'])}, $T_r$ = {release:g} kyr")
    for dataset, chi2 in summary["chi2_by_dataset"].items():
        points = summary["points_by_dataset"][dataset]
        lines.append(f"$\\chi^2$ {dataset}: {chi2:.1f} for {points} points")
    lines.append(f"$\\chi^2$ / ndf = {summary['chi2']:.1f} / {summary['ndf']}")
    return "\n".join(lines)


def _panel(ax, curves: pd.DataFrame, points: pd.DataFrame, summary: Mapping) -> None:
    e = curves["energy_gev"].to_numpy()
    for column, (label, color, style) in COMPONENTS.items():
        if column in curves:
            lw = 2.0 if column == "total" else 1.3
            ax.plot(e, e**3 * curves[column], color=color, ls=style, lw=lw, label=label)
    for i, column in enumerate(c for c in curves.columns if c.startswith("pulsar ")):
        weighted = e**3 * curves[column].to_numpy()
        ax.plot(
            e,
            weighted,
            color="tab:orange",
            lw=0.6,
            alpha=0.6,
            label="single pulsars" if i == 0 else None,
        )
        peak = int(np.argmax(weighted))
        name = column.removeprefix("pulsar ")
        ax.annotate(
            PULSAR_NAMES.get(name, name),
            (e[peak], weighted[peak]),
            xytext=(0, 2 + 7 * (i % 2)),  # alternate heights: neighbours stay legible
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=5.5,
            color="saddlebrown",
        )
    for (experiment, species), group in points.groupby(["experiment", "species"], sort=False):
        x = group["energy_gev"].to_numpy()
        ax.errorbar(
            x,
            x**3 * group["flux"],
            yerr=x**3 * group["sigma"],
            fmt=MARKERS.get(experiment, "D"),
            ms=3.5,
            color="tab:red" if species == "e+" else "0.25",
            mfc="white" if experiment != "CALET" else None,
            elinewidth=0.8,
            label=f"{experiment} {species}",
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(15, 2e4)
    ax.set_ylim(1, 400)
    ax.set_ylabel("E³ J  [GeV² m⁻² s⁻¹ sr⁻¹]")
    ax.grid(True, which="both", alpha=0.25)
    ax.text(
        1.02,
        1.0,
        parameter_text(summary),
        transform=ax.transAxes,
        va="top",
        fontsize=7.5,
        linespacing=1.35,
        bbox={"boxstyle": "round", "fc": "white", "ec": "0.6"},
    )


def flux_model_figure(
    variants: Mapping[str, tuple[pd.DataFrame, pd.DataFrame, Mapping]],
    png: str | Path,
    pdf: str | Path,
) -> None:
    """Figure 2: ``variants`` maps variant → (curves, fitted points, fit summary)."""
    fig, axes = plt.subplots(
        len(variants), 1, figsize=(11.0, 4.2 * len(variants) + 0.8), sharex=True
    )
    for ax, (variant, (curves, points, summary)) in zip(
        np.atleast_1d(axes), variants.items(), strict=True
    ):
        _panel(ax, curves, points, summary)
        ax.set_title(TITLES.get(variant, variant), fontsize=10, loc="left")
    last = np.atleast_1d(axes)[-1]  # the panel with every component
    last.set_xlabel("kinetic energy E (GeV)")
    handles, labels = last.get_legend_handles_labels()
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    fig.legend(handles, labels, loc="lower center", ncol=5, fontsize=8, frameon=False)
    save_figure(fig, png, pdf)
