"""Figures of the proceedings."""


rule figure_exposure:
    input:
        averages=expand(
            f"{RESULTS}/exposure/average_exposure_{{threshold}}GeV.fits",
            threshold=FIGURE_EXPOSURE_THRESHOLDS,
        ),
    output:
        png=report(
            f"{RESULTS}/figures/fig1_exposure.png",
            caption="../report/fig1_exposure.rst",
            category="Figures",
        ),
        pdf=f"{RESULTS}/figures/fig1_exposure.pdf",
    log:
        f"{LOGS}/figure_exposure.log",
    conda:
        "../../envs/calet.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        period=PERIOD,
        thresholds=config["figures"]["exposure_thresholds_gev"],
    script:
        "../../scripts/figure_exposure.py"
