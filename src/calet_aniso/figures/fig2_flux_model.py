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
PARAMETER_LABELS = {  # name → (label, format, scale)
    "norm": ("N(100 GeV) [1e-4/(m² s sr GeV)]", "{:.3f}", 1e4),
    "index": ("γe", "{:.3f}", 1.0),
    "break_gev": ("E_b [GeV]", "{:.3g}", 1.0),
    "delta_index": ("Δγ", "{:.3g}", 1.0),
    "softness": ("s", "{:.3g}", 1.0),
    "inv_cutoff_per_tev": ("1/E_cut [TeV⁻¹]", "{:.3f}", 1.0),
    "cs": ("C_s", "{:.2f}", 1.0),
    "eta": ("η", "{:.3f}", 1.0),
    "pulsar_index": ("γex", "{:.2f}", 1.0),
    "pulsar_cutoff_gev": ("E_cut,ex [TeV]", "{:.2f}", 1e-3),
}


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
    lines.append(f"pulsars: {len(summary['pulsars'])}, T_r = {release:g} kyr")
    for dataset, chi2 in summary["chi2_by_dataset"].items():
        lines.append(f"χ² {dataset}: {chi2:.1f} / {summary['points_by_dataset'][dataset]}")
    lines.append(f"χ²/ndf = {summary['chi2']:.1f}/{summary['ndf']}")
    return "\n".join(lines)


def _panel(ax, curves: pd.DataFrame, points: pd.DataFrame, summary: Mapping) -> None:
    e = curves["energy_gev"].to_numpy()
    for column, (label, color, style) in COMPONENTS.items():
        if column in curves:
            lw = 2.0 if column == "total" else 1.3
            ax.plot(e, e**3 * curves[column], color=color, ls=style, lw=lw, label=label)
    for i, column in enumerate(c for c in curves.columns if c.startswith("pulsar ")):
        ax.plot(
            e,
            e**3 * curves[column],
            color="tab:orange",
            lw=0.6,
            alpha=0.6,
            label="single pulsars" if i == 0 else None,
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
        fontsize=7,
        family="monospace",
        bbox={"boxstyle": "round", "fc": "white", "ec": "0.6"},
    )


def flux_model_figure(
    variants: Mapping[str, tuple[pd.DataFrame, pd.DataFrame, Mapping]],
    png: str | Path,
    pdf: str | Path,
) -> None:
    """Figure 2: ``variants`` maps variant → (curves, fitted points, fit summary)."""
    fig, axes = plt.subplots(len(variants), 1, figsize=(11.0, 4.2 * len(variants)), sharex=True)
    for ax, (variant, (curves, points, summary)) in zip(
        np.atleast_1d(axes), variants.items(), strict=True
    ):
        _panel(ax, curves, points, summary)
        ax.set_title(TITLES.get(variant, variant), fontsize=10, loc="left")
        ax.legend(fontsize=6.5, loc="lower left", ncol=3)
    np.atleast_1d(axes)[-1].set_xlabel("kinetic energy E (GeV)")
    fig.tight_layout()
    save_figure(fig, png, pdf)
