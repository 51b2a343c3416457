"""Validation: injection–recovery of dipoles through the analysis (target `validation`)."""


rule injection_recovery:
    input:
        average=result("average_exposure", selection="{threshold}"),
        expected=rules.mc_expected_counts.output.table,
        samples=result("mc_samples", selection="{threshold}"),
        belt=result("mc_belt", selection="{threshold}"),
    output:
        table=result("injections"),
    log:
        log("injection_recovery_{threshold}GeV"),
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
        "Injected dipoles recovered above {wildcards.threshold} GeV"
    script:
        "../../scripts/injection_recovery.py"


rule validation:
    input:
        tables=expand(
            result("injections", threshold="{threshold}"), threshold=THRESHOLDS
        ),
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
