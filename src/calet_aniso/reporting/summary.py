"""The headline result of a period in a form to read: one record per threshold and per
differential bin with the numbers a physicist asks for first, and the global p-value, as text
(terminal), JSON (machines) and reStructuredText (the report's landing page).

Everything comes from the headline tables (``analysis.headline``) and the global p-value
(``analysis.global_significance``); a period is called SIMULATED when its results hold the
simulation's truth file.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from calet_aniso.analysis.headline import read_headline_table
from calet_aniso.config.paths import path
from calet_aniso.io.files import read_json

#: Headline-table columns of a threshold record, and their names in the summary.
RECORD_COLUMNS = {
    "threshold_gev": "threshold_gev",
    "n_events": "n_events",
    "expected_model_count": "expected_count",
    "count_deviation_sigma": "count_deviation_sigma",
    "delta": "delta",
    "delta_ul95": "delta_ul95",
    "delta_ul95_neyman": "delta_ul95_neyman",
    "mc_delta_med": "isotropic_delta_median",
    "mc_delta_m2s": "isotropic_delta_2sigma_low",
    "mc_delta_p2s": "isotropic_delta_2sigma_high",
    "delta_pvalue": "delta_pvalue",
    "delta_fc95_low": "delta_fc95_low",
    "delta_fc95_high": "delta_fc95_high",
    "delta_significance_sigma": "delta_significance_sigma",
    "dipole_l_deg": "dipole_l_deg",
    "dipole_b_deg": "dipole_b_deg",
    "dipole_direction_error_deg": "dipole_direction_error_deg",
    "c2_over_c0": "c2_over_c0",
    "c2_over_c0_pvalue": "c2_over_c0_pvalue",
    "c3_over_c0": "c3_over_c0",
    "c3_over_c0_pvalue": "c3_over_c0_pvalue",
}
FIGURES = ("fig1_exposure", "fig2_flux_model", "fig3_dipole", "fig3b_multipoles", "fig4_vela")


@dataclass
class Summary:
    """The headline result of one period."""

    period: str
    simulated: bool
    mc_samples: int
    thresholds: list[dict[str, float | None]]
    directions: list[str]
    figures: list[str] = field(default_factory=list)
    report: str | None = None
    bins: list[dict[str, float | None]] = field(default_factory=list)
    global_pvalue: dict[str, object] | None = None

    def to_json(self) -> str:
        """JSON (NaN written as null), keys sorted as declared."""
        return json.dumps(asdict(self), indent=2, allow_nan=False)


def _value(x) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def summarise(results_dir: str | Path) -> Summary:
    """The summary of the period whose results are in ``results_dir`` (results/{period})."""
    results_dir = Path(results_dir)
    period = results_dir.name
    headline = results_dir / Path(path("headline_parquet", period=period)).name
    if not headline.exists():
        raise FileNotFoundError(f"{headline}: no headline table; run the pipeline first (make run)")
    table = read_headline_table(headline)
    directions = sorted(
        c.removeprefix("delta_toward_").removesuffix("_pvalue")
        for c in table
        if c.startswith("delta_toward_") and c.endswith("_pvalue")
    )
    records = _records(table, directions)
    bins_path = results_dir / Path(path("headline_bins_parquet", period=period)).name
    bins = _records(pd.read_parquet(bins_path), directions) if bins_path.exists() else []
    global_path = results_dir / Path(path("global_pvalue", period=period)).name
    figures = sorted(
        (results_dir / "figures").glob("*.png"),
        key=lambda p: (
            p.name.startswith("skymap"),
            float(p.stem.split("_")[1][:-3] or 0) if p.name.startswith("skymap") else 0.0,
            p.name,
        ),
    )
    report = results_dir / "report.html"
    return Summary(
        period=period,
        simulated=(results_dir / "raw" / "simulation_truth.json").exists(),
        mc_samples=int(table["mc_samples"].iloc[0]) if "mc_samples" in table else 0,
        thresholds=records,
        directions=directions,
        figures=[str(f) for f in figures],
        report=str(report) if report.exists() else None,
        bins=bins,
        global_pvalue=read_json(global_path) if global_path.exists() else None,
    )


def _records(table: pd.DataFrame, directions: list[str]) -> list[dict[str, float | None]]:
    """A summary record per row of a headline table (thresholds, or bins with their edges)."""
    columns = dict(RECORD_COLUMNS)
    if "energy_min_gev" in table:
        del columns["threshold_gev"]
        columns = {
            "energy_min_gev": "energy_min_gev",
            "energy_max_gev": "energy_max_gev",
            **columns,
        }
    records = []
    for _, row in table.iterrows():
        record = {name: _value(row.get(column)) for column, name in columns.items()}
        if "energy_max_gev" in record and record["energy_max_gev"] == math.inf:
            record["energy_max_gev"] = None  # open at the top (JSON has no infinity)
        for name in directions:
            column = f"delta_toward_{name}"
            for suffix in ("", "_sigma", "_ul95", "_pvalue"):
                record[f"{column}{suffix}"] = _value(row.get(f"{column}{suffix}"))
        records.append(record)
    return records


def _fmt(x: float | None, spec: str) -> str:
    return "—" if x is None else format(x, spec)


def _direction(r: dict) -> str:
    if r["dipole_l_deg"] is None:
        return "—"
    error = r["dipole_direction_error_deg"]
    shown = f"({r['dipole_l_deg']:.0f}°, {r['dipole_b_deg']:+.0f}°)"
    if error is None or error > 60:
        return f"{shown} not measured"
    return f"{shown} ± {error:.0f}°"


def dipole_lines(summary: Summary) -> list[list[str]]:
    """Header and rows of the dipole-amplitude table (strings), for text, RST and HTML."""
    header = [
        "E ≥ (GeV)",
        "events",
        "model count (dev.)",
        "δ",
        "δ 95% UL (eq. 2.3)",
        "δ 95% UL (Neyman)",
        "isotropic δ: median [2σ]",
        "p(δ)",
    ]
    rows = [
        [
            f"{r['threshold_gev']:g}",
            f"{r['n_events']:.0f}",
            f"{_fmt(r['expected_count'], '.0f')} ({_fmt(r['count_deviation_sigma'], '+.1f')}σ)",
            _fmt(r["delta"], ".4f"),
            _fmt(r["delta_ul95"], ".4f"),
            _fmt(r["delta_ul95_neyman"], ".4f"),
            f"{_fmt(r['isotropic_delta_median'], '.4f')} "
            f"[{_fmt(r['isotropic_delta_2sigma_low'], '.4f')}, "
            f"{_fmt(r['isotropic_delta_2sigma_high'], '.4f')}]",
            _fmt(r["delta_pvalue"], ".3f"),
        ]
        for r in summary.thresholds
    ]
    return [header, *rows]


def direction_lines(summary: Summary) -> list[list[str]]:
    """Header and rows of the direction table: the dipole's direction and its component
    toward each named direction with its error, one-sided 95 % limit and p-value."""
    header = ["E ≥ (GeV)", "dipole direction (l, b)"]
    for d in summary.directions:
        header += [f"δ toward {d.capitalize()} ± σ", "95% UL", "p"]
    rows = []
    for r in summary.thresholds:
        row = [f"{r['threshold_gev']:g}", _direction(r)]
        for d in summary.directions:
            c = f"delta_toward_{d}"
            row += [
                f"{_fmt(r[c], '+.4f')} ± {_fmt(r[c + '_sigma'], '.4f')}",
                _fmt(r[c + "_ul95"], ".4f"),
                _fmt(r[c + "_pvalue"], ".3f"),
            ]
        rows.append(row)
    return [header, *rows]


def _bin_range(r: dict) -> str:
    high = r["energy_max_gev"]
    return f"{r['energy_min_gev']:g}–{high:g}" if high is not None else f"≥ {r['energy_min_gev']:g}"


def bin_lines(summary: Summary) -> list[list[str]]:
    """Header and rows of the differential bins' table (compare with Fermi-LAT's bins)."""
    header = [
        "bin (GeV)",
        "events",
        "δ",
        "δ 95% UL (eq. 2.3)",
        "δ 95% UL (Neyman)",
        "isotropic δ: median",
        "p(δ)",
        *(f"δ toward {d.capitalize()} 95% UL" for d in summary.directions),
    ]
    rows = [
        [
            _bin_range(r),
            f"{r['n_events']:.0f}",
            _fmt(r["delta"], ".4f"),
            _fmt(r["delta_ul95"], ".4f"),
            _fmt(r["delta_ul95_neyman"], ".4f"),
            _fmt(r["isotropic_delta_median"], ".4f"),
            _fmt(r["delta_pvalue"], ".3f"),
            *(_fmt(r[f"delta_toward_{d}_ul95"], ".4f") for d in summary.directions),
        ]
        for r in summary.bins
    ]
    return [header, *rows]


def global_line(summary: Summary) -> str:
    """The global p-value in a sentence."""
    g = summary.global_pvalue
    if g is None:
        return "Global p-value: not computed."
    name = {"delta": "δ", "c2_over_c0": "C2/C0", "c3_over_c0": "C3/C0"}.get(
        g["min_pvalue_statistic"], g["min_pvalue_statistic"]
    )
    return (
        f"Global p-value over {g['tests']} tests (δ, C2/C0, C3/C0 of every threshold and bin, "
        f"calibrated on the same {g['samples']} nested Monte Carlo skies): "
        f"{g['global_pvalue']:.3f}; smallest local p-value {g['min_pvalue']:.3g} "
        f"({name}, selection {g['min_pvalue_selection']} GeV)."
    )


def interval_lines(summary: Summary) -> list[list[str]]:
    """Header and rows of the Feldman–Cousins table: δ with its 95 % CL interval (an upper
    limit when it starts at 0) and its significance against the isotropic skies."""
    header = ["E ≥ (GeV)", "δ", "95% CL Feldman–Cousins", "significance (pre-trial)"]
    rows = []
    for r in summary.thresholds:
        low, high = r["delta_fc95_low"], r["delta_fc95_high"]
        shown = (
            "—"
            if low is None or high is None
            else (f"δ < {high:.4f}" if low == 0 else f"[{low:.4f}, {high:.4f}]")
        )
        rows.append(
            [
                f"{r['threshold_gev']:g}",
                _fmt(r["delta"], ".4f"),
                shown,
                _fmt(r["delta_significance_sigma"], ".1f") + "σ"
                if r["delta_significance_sigma"] is not None
                else "—",
            ]
        )
    return [header, *rows]


def multipole_lines(summary: Summary) -> list[list[str]]:
    """Header and rows of the quadrupole/octupole table."""
    header = ["E ≥ (GeV)", "C2/C0", "p(C2/C0)", "C3/C0", "p(C3/C0)"]
    rows = [
        [
            f"{r['threshold_gev']:g}",
            _fmt(r["c2_over_c0"], ".3g"),
            _fmt(r["c2_over_c0_pvalue"], ".3f"),
            _fmt(r["c3_over_c0"], ".3g"),
            _fmt(r["c3_over_c0_pvalue"], ".3f"),
        ]
        for r in summary.thresholds
    ]
    return [header, *rows]


def _aligned(lines: list[list[str]]) -> list[str]:
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    out = [
        "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
        for line in lines
    ]
    out.insert(1, "  ".join("-" * w for w in widths))
    return out


def title(summary: Summary) -> str:
    """'CALET e± anisotropy: <period> (SIMULATED data)'."""
    kind = " (SIMULATED data)" if summary.simulated else ""
    return f"CALET e± anisotropy: {summary.period}{kind}"


def text(summary: Summary) -> str:
    """The summary for a terminal."""
    lines = [
        title(summary),
        "",
        f"Dipole per threshold, exposure-corrected; p-values and bands from "
        f"{summary.mc_samples} isotropic Monte Carlo skies per threshold (pre-trial).",
        *_aligned(dipole_lines(summary)),
        "",
        "Feldman–Cousins interval (two-sided when the data ask for it) and significance:",
        *_aligned(interval_lines(summary)),
        "",
        "Direction of the dipole (Galactic) and its component toward named directions:",
        *_aligned(direction_lines(summary)),
        "",
        "Quadrupole and octupole (exposure-corrected), isotropic p-values:",
        *_aligned(multipole_lines(summary)),
        "",
        *(
            [
                "Differential energy bins (E_min ≤ E < E_max; comparable bin by bin with "
                "Fermi-LAT's limits):",
                *_aligned(bin_lines(summary)),
                "",
            ]
            if summary.bins
            else []
        ),
        global_line(summary),
        "",
        "model count: isotropic expectation from the fitted flux × exposure (dev. = (observed −"
        " model) in σ of Poisson ⊕ flux systematics).",
    ]
    if summary.figures:
        lines += ["", "Figures:", *(f"  {f}" for f in summary.figures)]
    lines += ["", f"Report: {summary.report}" if summary.report else "Report: make report"]
    return "\n".join(lines) + "\n"


def rst_table(lines: list[list[str]]) -> str:
    """A reStructuredText list-table."""
    out = [".. list-table::", "   :header-rows: 1", ""]
    for line in lines:
        out.append("   * - " + line[0])
        out.extend(f"     - {cell}" for cell in line[1:])
    return "\n".join(out) + "\n"


def rst(summary: Summary) -> str:
    """The headline numbers as reStructuredText for the report's landing page."""
    tables = [dipole_lines, interval_lines, direction_lines, multipole_lines]
    if summary.bins:
        tables.append(bin_lines)
    return (
        "\n".join(rst_table(lines(summary)) for lines in tables)
        + "\n"
        + global_line(summary)
        + "\n"
    )


def write_summary(summary: Summary, text_path, json_path, rst_path) -> None:
    """Write the three forms atomically."""
    from calet_aniso.io.files import atomic_output

    for target, content in (
        (text_path, text(summary)),
        (json_path, summary.to_json() + "\n"),
        (rst_path, rst(summary)),
    ):
        with atomic_output(target) as tmp:
            Path(tmp).write_text(content, encoding="utf-8")


def frame(lines: list[list[str]]) -> pd.DataFrame:
    """Header and rows (``dipole_lines`` …) as a DataFrame (for HTML)."""
    header, *rows = lines
    return pd.DataFrame(rows, columns=header)
