"""Self-contained HTML pages for the Snakemake report (it shows HTML inline, CSV only as a
download): the headline table, and the ingest QA report."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from calet_aniso.io.files import atomic_output
from calet_aniso.reporting.summary import (
    Summary,
    bin_lines,
    dipole_lines,
    direction_lines,
    frame,
    global_line,
    interval_lines,
    multipole_lines,
    title,
)

STYLE = """
body { font-family: system-ui, sans-serif; font-size: 14px; margin: 1em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; white-space: nowrap; }
th { background: #eef; } td.key { text-align: left; font-weight: 600; }
.wide { overflow-x: auto; max-width: 100%; }
p.note { color: #555; max-width: 60em; }
"""


def _page(heading: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n<html><head><meta charset='utf-8'>"
        f"<title>{html.escape(heading)}</title><style>{STYLE}</style></head>"
        f"<body><h2>{html.escape(heading)}</h2>{body}</body></html>\n"
    )


def _write(path: str | Path, content: str) -> None:
    with atomic_output(path) as tmp:
        Path(tmp).write_text(content, encoding="utf-8")


def headline_page(summary: Summary, table: pd.DataFrame, path: str | Path) -> None:
    """The headline table: the summary's columns, the multipoles, then every column of
    ``dipole_limits.csv`` (scrollable)."""
    body = (
        "<p class='note'>Exposure-corrected dipole per threshold (events with E ≥ E_thr); "
        "limits at 95 % CL; isotropic bands and p-values (pre-trial) from "
        f"{summary.mc_samples} Monte Carlo skies per threshold.</p>"
        + frame(dipole_lines(summary)).to_html(index=False, border=0)
        + "<h3>Feldman–Cousins 95 % CL interval and significance</h3>"
        + frame(interval_lines(summary)).to_html(index=False, border=0)
        + "<h3>Dipole direction and its component toward named directions</h3>"
        + frame(direction_lines(summary)).to_html(index=False, border=0)
        + "<h3>Quadrupole and octupole</h3>"
        + frame(multipole_lines(summary)).to_html(index=False, border=0)
        + (
            "<h3>Differential energy bins (compare with Fermi-LAT's per-bin limits)</h3>"
            + frame(bin_lines(summary)).to_html(index=False, border=0)
            if summary.bins
            else ""
        )
        + f"<p class='note'>{html.escape(global_line(summary))}</p>"
        + "<h3>Every column of dipole_limits.csv</h3><div class='wide'>"
        + table.to_html(index=False, border=0, float_format=lambda x: f"{x:.6g}")
        + "</div>"
    )
    _write(path, _page(title(summary), body))


def _rows(prefix: str, value) -> list[tuple[str, str]]:
    if isinstance(value, Mapping):
        out = []
        for key, item in value.items():
            out += _rows(f"{prefix}.{key}" if prefix else str(key), item)
        return out
    if isinstance(value, list) and value and isinstance(value[0], Mapping):
        out = []
        for i, item in enumerate(value):
            out += _rows(f"{prefix}[{i}]", item)
        return out
    shown = value if isinstance(value, str) else json.dumps(value)
    return [(prefix, shown)]


def ingest_page(report: Mapping, path: str | Path) -> None:
    """The ingest QA report (rows in and out, cuts, coverage, live time, direction checks)
    as a two-column table of its flattened keys."""
    cells = "".join(
        f"<tr><td class='key'>{html.escape(k)}</td><td>{html.escape(v)}</td></tr>"
        for k, v in _rows("", report)
    )
    body = (
        "<p class='note'>What ingest read, kept and dropped, per file and in total "
        "(ingest/ingest_report.json).</p>"
        f"<table><tr><th>quantity</th><th>value</th></tr>{cells}</table>"
    )
    _write(path, _page(f"Ingest QA: {report.get('period', '')}", body))
