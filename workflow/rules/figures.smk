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


rule figure_dipole:
    input:
        table=rules.dipole_limits.output.parquet,
        fermi=config["figures"]["fermi_limits"],
        ams=config["figures"]["ams_limits"],
        vela=rules.vela_anisotropy.output.above,
    output:
        png=report(
            f"{RESULTS}/figures/fig3_dipole.png",
            caption="../report/fig3_dipole.rst",
            category="Figures",
        ),
        pdf=f"{RESULTS}/figures/fig3_dipole.pdf",
        multipoles_png=report(
            f"{RESULTS}/figures/fig3b_multipoles.png",
            caption="../report/fig3b_multipoles.rst",
            category="Figures",
        ),
        multipoles_pdf=f"{RESULTS}/figures/fig3b_multipoles.pdf",
    log:
        f"{LOGS}/figure_dipole.log",
    conda:
        "../../envs/calet.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        period=PERIOD,
    script:
        "../../scripts/figure_dipole.py"


rule figure_vela:
    input:
        per_energy=rules.vela_anisotropy.output.per_energy,
        above=rules.vela_anisotropy.output.above,
        fermi_bins=rules.vela_anisotropy.output.fermi_bins,
        table=rules.dipole_limits.output.parquet,
        fermi=config["figures"]["fermi_limits"],
    output:
        png=report(
            f"{RESULTS}/figures/fig4_vela.png",
            caption="../report/fig4_vela.rst",
            category="Figures",
        ),
        pdf=f"{RESULTS}/figures/fig4_vela.pdf",
    log:
        f"{LOGS}/figure_vela.log",
    conda:
        "../../envs/calet.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        period=PERIOD,
    script:
        "../../scripts/figure_vela.py"


rule figure_flux_model:
    input:
        curves=expand(
            f"{RESULTS}/model/flux_model_{{variant}}.parquet", variant=VARIANTS
        ),
        points=expand(
            f"{RESULTS}/model/flux_fit_{{variant}}_points.parquet", variant=VARIANTS
        ),
        summaries=expand(f"{RESULTS}/model/flux_fit_{{variant}}.json", variant=VARIANTS),
    output:
        png=report(
            f"{RESULTS}/figures/fig2_flux_model.png",
            caption="../report/fig2_flux_model.rst",
            category="Figures",
        ),
        pdf=f"{RESULTS}/figures/fig2_flux_model.pdf",
    log:
        f"{LOGS}/figure_flux_model.log",
    conda:
        "../../envs/calet.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        variants=list(VARIANTS),
    script:
        "../../scripts/figure_flux_model.py"
