"""Config validation, path helpers and input functions shared by all stages."""

import sys
from pathlib import Path

from snakemake.utils import validate

# The workflow itself imports the package at parse time; rule scripts do likewise.
sys.path.insert(0, str(Path(workflow.basedir) / "src"))

from calet_aniso.config import check_config, expand_globs, threshold_label  # noqa: E402

validate(config, str(Path(workflow.basedir) / "workflow/schemas/config.schema.yaml"))
check_config(config)

PERIOD = config["period"]
RESULTS = f"results/{PERIOD}"
LOGS = f"{RESULTS}/logs"
BENCH = f"{RESULTS}/benchmarks"
THRESHOLDS = [threshold_label(t) for t in config["analysis"]["thresholds_gev"]]
FIGURE_EXPOSURE_THRESHOLDS = [
    threshold_label(t) for t in config["figures"]["exposure_thresholds_gev"]
]
SHARDS = list(range(config["mc"]["shards"]))
SIM_FORMAT = config["simulation"]["format"]


wildcard_constraints:
    threshold=r"[0-9]+(\.[0-9]+)?",
    shard=r"[0-9]+",


SIM_EXT = {"parquet": "parquet", "fits": "fits", "csv": "csv"}[SIM_FORMAT]


def raw_files(name):
    """Raw orbit or event files of the period: simulated, or the configured globs."""
    if config["data"]["source"] == "simulation":
        return [f"{RESULTS}/raw/{name}.{SIM_EXT}"]
    return expand_globs(f"data.{name}", config["data"][name])


def final_outputs():
    """Everything the default target builds."""
    return [
        f"{RESULTS}/ingest/ingest_report.json",
        f"{RESULTS}/dipole_limits.csv",
        f"{RESULTS}/figures/fig1_exposure.png",
        f"{RESULTS}/figures/fig2_flux_model.png",
        f"{RESULTS}/figures/fig3_dipole.png",
        f"{RESULTS}/figures/fig4_vela.png",
    ]
