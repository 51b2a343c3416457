"""Figures of the proceedings."""


rule figure_exposure:
    input:
        averages=expand(
            result("average_exposure", selection="{threshold}"),
            threshold=FIGURE_EXPOSURE_THRESHOLDS,
        ),
    output:
        png=report(
            result("fig1_exposure", ext="png"),
            caption="../report/fig1_exposure.rst",
            category="Exposure",
        ),
        pdf=result("fig1_exposure", ext="pdf"),
    log:
        log("figure_exposure"),
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        period=PERIOD_LABEL,
        thresholds=config["figures"]["exposure_thresholds_gev"],
    message:
        "Figure 1: average normalised exposure maps"
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
            result("fig3_dipole", ext="png"),
            caption="../report/fig3_dipole.rst",
            category="Dipole and limits",
        ),
        pdf=result("fig3_dipole", ext="pdf"),
        multipoles_png=report(
            result("fig3b_multipoles", ext="png"),
            caption="../report/fig3b_multipoles.rst",
            category="Multipoles",
        ),
        multipoles_pdf=result("fig3b_multipoles", ext="pdf"),
    log:
        log("figure_dipole"),
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        period=PERIOD_LABEL,
    message:
        "Figure 3: dipole and limits against threshold; the multipole check"
    script:
        "../../scripts/figure_dipole.py"


rule figure_vela:
    input:
        per_energy=rules.vela_anisotropy.output.per_energy,
        above=rules.vela_anisotropy.output.above,
        fermi_bins=rules.vela_anisotropy.output.fermi_bins,
        table=rules.dipole_limits.output.parquet,
        bins=rules.dipole_limits.output.bins_parquet,
        fermi=config["figures"]["fermi_limits"],
    output:
        png=report(
            result("fig4_vela", ext="png"),
            caption="../report/fig4_vela.rst",
            category="Model",
        ),
        pdf=result("fig4_vela", ext="pdf"),
    log:
        log("figure_vela"),
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        period=PERIOD_LABEL,
    message:
        "Figure 4: predicted Vela SNR dipole against the limits"
    script:
        "../../scripts/figure_vela.py"


rule figure_flux_model:
    input:
        curves=expand(result("flux_curves", variant="{variant}"), variant=VARIANTS),
        points=expand(result("fit_points", variant="{variant}"), variant=VARIANTS),
        summaries=expand(result("fit_summary", variant="{variant}"), variant=VARIANTS),
    output:
        png=report(
            result("fig2_flux_model", ext="png"),
            caption="../report/fig2_flux_model.rst",
            category="Model",
        ),
        pdf=result("fig2_flux_model", ext="pdf"),
    log:
        log("figure_flux_model"),
    priority: 15  # see simulate_observation
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        variants=list(VARIANTS),
    message:
        "Figure 2: the fitted e± flux model against the data"
    script:
        "../../scripts/figure_flux_model.py"


# One job draws every threshold's figure: matplotlib, pandas and astropy are imported once
# (1.1 s of each job's 2.5 s when each had its own).
rule figure_skymaps:
    input:
        skymaps=expand(result("skymap", selection="{t}"), t=THRESHOLDS),
        smoothed=expand(result("smoothed_skymap", threshold="{t}"), t=THRESHOLDS),
        table=rules.dipole_limits.output.parquet,
    output:
        png=[
            report(
                result("skymap_figure", ext="png", threshold=t),
                caption="../report/skymap.rst",
                category="Sky maps",
                subcategory=f"E ≥ {t} GeV",
            )
            for t in THRESHOLDS
        ],
        pdf=expand(result("skymap_figure", ext="pdf", threshold="{t}"), t=THRESHOLDS),
    log:
        log("figure_skymaps"),
    # The longest of the figures after the limits: first, so that the others fill the second
    # core beside it (last, it ran alone for 7 s).
    priority: 1
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        period=PERIOD_LABEL,
        directions=config["analysis"]["directions"],
    message:
        "Sky maps and angular power spectra of every threshold"
    script:
        "../../scripts/figure_skymaps.py"


rule sensitivity_forecast:
    input:
        table=rules.dipole_limits.output.parquet,
        vela=rules.vela_anisotropy.output.above,
        ingest_report=rules.ingest.output.report,
    output:
        table=result("forecast"),
        png=report(
            result("forecast_figure", ext="png"),
            caption="../report/sensitivity.rst",
            category="Dipole and limits",
        ),
        pdf=result("forecast_figure", ext="pdf"),
    log:
        log("sensitivity_forecast"),
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    params:
        period=PERIOD_LABEL,
    message:
        "Sensitivity forecast: median limits for longer observations against the Vela SNR"
    script:
        "../../scripts/sensitivity_forecast.py"
