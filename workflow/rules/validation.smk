"""Validation: injection–recovery of dipoles through the analysis (target `validation`)."""


rule injection_recovery:
    input:
        averages=expand(result("average_exposure", selection="{t}"), t=THRESHOLDS),
        expected=rules.mc_expected_counts.output.table,
        samples=expand(result("mc_samples", selection="{t}"), t=THRESHOLDS),
        belts=expand(result("mc_belt", selection="{t}"), t=THRESHOLDS),
    output:
        tables=expand(result("injections", threshold="{t}"), t=THRESHOLDS),
    log:
        log("injection_recovery"),
    priority: 5  # see simulate_observation
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        skies=MC["injection_skies"],
        seed=MC["seed"],
        min_relative_exposure=config["analysis"]["min_relative_exposure"],
    message:
        "Injected dipoles recovered above every threshold"
    script:
        "../../scripts/injection_recovery.py"


rule validation:
    input:
        tables=rules.injection_recovery.output.tables,
    output:
        table=result("validation_table"),
        png=report(
            result("validation_figure", ext="png"),
            caption="../report/injection_recovery.rst",
            category="Validation",
        ),
        pdf=result("validation_figure", ext="pdf"),
    log:
        log("validation"),
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    params:
        period=PERIOD_LABEL,
    message:
        "Injection-recovery table and figure"
    script:
        "../../scripts/validation.py"
