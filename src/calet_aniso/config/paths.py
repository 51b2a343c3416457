"""The catalogue of result paths: every file the workflow writes, named once.

Rules, scripts, tests and the README's results layout all take paths from here. A pattern
holds ``{period}`` (the data period), ``{model}`` (the comparison-model identifier, see
:func:`model_id`) and the workflow's wildcards ``{selection}`` (an energy selection's label:
a threshold or a bin, ``config.energy_selections``), ``{threshold}``, ``{shard}``,
``{variant}``, ``{month}`` (a calendar month, 'YYYY-MM').
:func:`path` fills the fields it is given and leaves the others as wildcards.

Per-period results live under ``results/{period}/``; the comparison-model fits depend only on
the model configuration and live under ``results/comparison_model/{model}/``, shared by every
period with the same model configuration.
"""

from __future__ import annotations

import hashlib
import json

PERIOD_DIR = "results/{period}"
MODEL_DIR = "results/comparison_model/{model}"

PATTERNS = {
    # simulated raw files (simulation periods only)
    "raw_orbit": f"{PERIOD_DIR}/raw/orbit.{{format}}",
    "raw_events": f"{PERIOD_DIR}/raw/events.{{format}}",
    "simulation_truth": f"{PERIOD_DIR}/raw/simulation_truth.json",
    # ingest
    "orbit": f"{PERIOD_DIR}/ingest/orbit.parquet",
    "events": f"{PERIOD_DIR}/ingest/events.parquet",
    "ingest_report": f"{PERIOD_DIR}/ingest/ingest_report.json",
    # exposure
    "livetime_month": f"{PERIOD_DIR}/exposure/livetime_months/livetime_{{month}}.parquet",
    "livetime_cube": f"{PERIOD_DIR}/exposure/livetime_cube.parquet",
    "exposure_nodes": f"{PERIOD_DIR}/exposure/exposure_nodes.fits",
    "average_exposure": f"{PERIOD_DIR}/exposure/average_exposure_{{selection}}GeV.fits",
    # sky maps and statistics
    "skymap": f"{PERIOD_DIR}/skymaps/skymap_{{selection}}GeV.fits",
    "smoothed_skymap": f"{PERIOD_DIR}/skymaps/smoothed_{{threshold}}GeV.fits",
    "multipoles": f"{PERIOD_DIR}/multipoles/multipoles_{{selection}}GeV.parquet",
    "headline_csv": f"{PERIOD_DIR}/dipole_limits.csv",
    "headline_parquet": f"{PERIOD_DIR}/dipole_limits.parquet",
    "headline_bins_csv": f"{PERIOD_DIR}/dipole_limits_bins.csv",
    "headline_bins_parquet": f"{PERIOD_DIR}/dipole_limits_bins.parquet",
    "global_pvalue": f"{PERIOD_DIR}/global_pvalue.json",
    # isotropic Monte Carlo
    "expected_counts": f"{PERIOD_DIR}/montecarlo/expected_counts.parquet",
    "mc_shard": f"{PERIOD_DIR}/montecarlo/shards/shard_{{shard}}.parquet",
    "mc_samples": f"{PERIOD_DIR}/montecarlo/mc_samples_{{selection}}GeV.parquet",
    "mc_bands": f"{PERIOD_DIR}/montecarlo/mc_summary_{{selection}}GeV.parquet",
    "mc_belt": f"{PERIOD_DIR}/montecarlo/neyman_belt_{{selection}}GeV.parquet",
    # comparison model: fits shared by periods, Vela prediction per period (its thresholds)
    "fit_summary": f"{MODEL_DIR}/flux_fit_{{variant}}.json",
    "fit_parameters": f"{MODEL_DIR}/flux_fit_{{variant}}_parameters.parquet",
    "fit_points": f"{MODEL_DIR}/flux_fit_{{variant}}_points.parquet",
    "flux_curves": f"{MODEL_DIR}/flux_model_{{variant}}.parquet",
    "vela_per_energy": f"{PERIOD_DIR}/model/vela_dipole.parquet",
    "vela_thresholds": f"{PERIOD_DIR}/model/vela_dipole_thresholds.parquet",
    "vela_fermi_bins": f"{PERIOD_DIR}/model/vela_dipole_fermi_bins.parquet",
    # figures of the proceedings (each also as .pdf)
    "fig1_exposure": f"{PERIOD_DIR}/figures/fig1_exposure.{{ext}}",
    "fig2_flux_model": f"{PERIOD_DIR}/figures/fig2_flux_model.{{ext}}",
    "fig3_dipole": f"{PERIOD_DIR}/figures/fig3_dipole.{{ext}}",
    "fig3b_multipoles": f"{PERIOD_DIR}/figures/fig3b_multipoles.{{ext}}",
    "fig4_vela": f"{PERIOD_DIR}/figures/fig4_vela.{{ext}}",
    # sky maps and angular power spectrum per threshold (each also as .pdf)
    "skymap_figure": f"{PERIOD_DIR}/figures/skymap_{{threshold}}GeV.{{ext}}",
    # injection–recovery (rule validation)
    "injections": f"{PERIOD_DIR}/validation/injections_{{threshold}}GeV.parquet",
    "validation_table": f"{PERIOD_DIR}/validation/injection_recovery.csv",
    "validation_figure": f"{PERIOD_DIR}/figures/injection_recovery.{{ext}}",
    # sensitivity forecast (median expected limits for longer observations)
    "forecast": f"{PERIOD_DIR}/forecast/sensitivity.parquet",
    "forecast_figure": f"{PERIOD_DIR}/figures/sensitivity.{{ext}}",
    # what a physicist reads: the summary, and the pages of the Snakemake report
    "summary_text": f"{PERIOD_DIR}/summary.txt",
    "summary_json": f"{PERIOD_DIR}/summary.json",
    "summary_rst": f"{PERIOD_DIR}/report/summary.rst",
    "headline_html": f"{PERIOD_DIR}/report/dipole_limits.html",
    "ingest_html": f"{PERIOD_DIR}/report/ingest_report.html",
    "report": f"{PERIOD_DIR}/report.html",
    # logs and benchmarks of the rules
    "log": f"{PERIOD_DIR}/logs/{{job}}.log",
    "benchmark": f"{PERIOD_DIR}/benchmarks/{{job}}.tsv",
    "model_log": f"{MODEL_DIR}/logs/{{job}}.log",
}


class _KeepMissing(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def path(kind: str, **fields: object) -> str:
    """The path of result ``kind`` with ``fields`` filled in; fields not given stay wildcards.

    >>> path("skymap", period="p")
    'results/p/skymaps/skymap_{selection}GeV.fits'
    """
    return PATTERNS[kind].format_map(_KeepMissing(fields))


def model_id(model_config: dict) -> str:
    """Identifier of a comparison-model configuration: 12 hex digits of the SHA-256 of its
    canonical JSON. Same configuration, same identifier, same shared fit results."""
    canonical = json.dumps(model_config, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def threshold_label(threshold_gev: float) -> str:
    """File-name label of a threshold energy, e.g. 125 -> '125', 177.8 -> '177.8'."""
    return f"{float(threshold_gev):g}"
