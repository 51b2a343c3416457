"""Config validation, the catalogue of result paths and input functions shared by all stages."""

import json
import re

from snakemake.utils import validate

from calet_aniso.config.energy_selections import selections_from_config
from calet_aniso.config.checks import check_config, expand_globs
from calet_aniso.config.coercion import coerce_config
from calet_aniso.config.period_files import check_period_files
from calet_aniso.config.paths import model_id, path, threshold_label
from calet_aniso.config.schema import schema_path
from calet_aniso.ingest.calendar_months import MONTH_PATTERN

# Each --configfile must state its period and data source (config/config.yaml is merged
# under it); command-line values get the schema's types (--config 'mc={samples: 2000}').
check_period_files(workflow.overwrite_configfiles)
config.update(coerce_config(config, str(schema_path())))
validate(config, str(schema_path()))
check_config(config)

PERIOD = config["period"]
#: How figures name the period: simulated data are said to be simulated.
PERIOD_LABEL = (
    f"{PERIOD}, SIMULATED data" if config["data"]["source"] == "simulation" else PERIOD
)
MODEL_ID = model_id(config["model"])
THRESHOLDS = [threshold_label(t) for t in config["analysis"]["thresholds_gev"]]
#: Every energy selection (thresholds, then differential bins) by its label.
SELECTIONS = {s.label: s for group in selections_from_config(config) for s in group}
BINS = [label for label, s in SELECTIONS.items() if s.kind == "bin"]
FIGURE_EXPOSURE_THRESHOLDS = [
    threshold_label(t) for t in config["figures"]["exposure_thresholds_gev"]
]
SHARDS = list(range(config["mc"]["shards"]))
ENV = "../../envs/calet.yaml"


wildcard_constraints:
    threshold=r"[0-9]+(\.[0-9]+)?",
    selection="|".join(re.escape(label) for label in SELECTIONS),
    shard=r"[0-9]+",
    month=MONTH_PATTERN,


def result(kind, **fields):
    """Path of result ``kind`` (``calet_aniso.config.paths``) of this period and model."""
    return path(kind, period=PERIOD, model=MODEL_ID, **fields)


def log(name):
    """Log file of a rule instance of this period."""
    return result("log", job=name)


def raw_files(name):
    """Raw orbit or event files of the period: simulated, or the configured globs."""
    if config["data"]["source"] == "simulation":
        return [result(f"raw_{name}", format=config["simulation"]["format"])]
    return expand_globs(f"data.{name}", config["data"][name])


def figure_outputs():
    """Every figure of the period (PNG; each has a PDF beside it)."""
    return [
        *(result(f, ext="png") for f in ("fig1_exposure", "fig2_flux_model")),
        *(result(f, ext="png") for f in ("fig3_dipole", "fig4_vela")),
        *expand(result("skymap_figure", ext="png", threshold="{t}"), t=THRESHOLDS),
        result("forecast_figure", ext="png"),
        result("validation_figure", ext="png"),
    ]


def final_outputs():
    """Everything the default target builds."""
    return [
        result("ingest_report"),
        result("headline_csv"),
        *figure_outputs(),
        result("summary_text"),
    ]


def orbit_months():
    """{'YYYY-MM': {'rows': n, 'sha256': digest}} of the period's normalised orbit table, from
    the ingest report (known once the ingest checkpoint has run)."""
    with open(checkpoints.ingest.get().output.report) as report:
        return json.load(report)["orbit"]["months"]


def month_orbit(wildcards):
    """The normalised orbit table, as an input whose time stamp does not count: a month's cube
    is rebuilt when that month's intervals change (its digest, a parameter), not whenever
    ingest rewrites the table (as it does when a month is added)."""
    orbit_months()  # waits for the checkpoint
    return ancient(checkpoints.ingest.get().output.orbit)
