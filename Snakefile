"""CALET e± anisotropy pipeline. Stages live in workflow/rules/, science in src/calet_aniso/."""

from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/simulate.smk"
include: "workflow/rules/ingest.smk"
include: "workflow/rules/exposure.smk"
include: "workflow/rules/skymaps.smk"
include: "workflow/rules/multipoles.smk"
include: "workflow/rules/montecarlo.smk"
include: "workflow/rules/model.smk"
include: "workflow/rules/figures.smk"


rule all:
    default_target: True
    input:
        final_outputs(),
