"""The headline table: the statistics of every threshold beside their Monte Carlo bands."""


rule dipole_limits:
    input:
        rows=expand(result("multipoles", threshold="{threshold}"), threshold=THRESHOLDS),
        bands=expand(result("mc_bands", threshold="{threshold}"), threshold=THRESHOLDS),
        counts=rules.mc_expected_counts.output.table,
        samples=expand(
            result("mc_samples", threshold="{threshold}"), threshold=THRESHOLDS
        ),
        belts=expand(result("mc_belt", threshold="{threshold}"), threshold=THRESHOLDS),
    output:
        csv=report(
            result("headline_csv"),
            caption="../report/dipole_limits.rst",
            category="Dipole and limits",
            labels={"table": "headline table (CSV download)"},
        ),
        parquet=result("headline_parquet"),
    log:
        log("dipole_limits"),
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    params:
        period=PERIOD,
    message:
        "Headline table: dipole, limits and multipoles per threshold with the isotropic bands"
    script:
        "../../scripts/dipole_limits.py"
