"""CALET e± anisotropy pipeline. Stages live in workflow/rules/ (included in data-flow order),
science in the installed package calet_aniso (src/calet_aniso/)."""

from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/simulate.smk"
include: "workflow/rules/ingest.smk"
include: "workflow/rules/exposure.smk"
include: "workflow/rules/statistics.smk"
include: "workflow/rules/comparison_model.smk"
include: "workflow/rules/montecarlo.smk"
include: "workflow/rules/headline.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/validation.smk"
include: "workflow/rules/summary.smk"
include: "workflow/rules/cluster.smk"


# Figures, tables, the summary and the sum of the monthly live-time cubes take seconds and
# little memory: on a cluster they run on the submitting host instead of waiting in the queue
# (every other rule is a SLURM job).
localrules:
    all,
    livetime_cube,
    mc_summary,
    dipole_limits,
    figure_exposure,
    figure_dipole,
    figure_vela,
    figure_flux_model,
    figure_skymaps,
    validation,
    summary,


rule all:
    default_target: True
    input:
        final_outputs(),
