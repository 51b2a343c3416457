"""The headline tables: the statistics of every threshold and differential bin beside their
Monte Carlo bands; the global p-value of the search."""


rule dipole_limits:
    input:
        rows=expand(result("multipoles", selection="{s}"), s=SELECTIONS),
        bands=expand(result("mc_bands", selection="{s}"), s=SELECTIONS),
        counts=rules.mc_expected_counts.output.table,
        samples=expand(result("mc_samples", selection="{s}"), s=SELECTIONS),
        belts=expand(result("mc_belt", selection="{s}"), s=SELECTIONS),
    output:
        csv=report(
            result("headline_csv"),
            caption="../report/dipole_limits.rst",
            category="Dipole and limits",
            labels={"table": "headline table (CSV download)"},
        ),
        parquet=result("headline_parquet"),
        bins_csv=report(
            result("headline_bins_csv"),
            caption="../report/dipole_limits_bins.rst",
            category="Dipole and limits",
            labels={"table": "differential bins (CSV download)"},
        ),
        bins_parquet=result("headline_bins_parquet"),
        global_pvalue=result("global_pvalue"),
    log:
        log("dipole_limits"),
    # see simulate_observation
    priority: 6
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        period=PERIOD,
        selections=list(SELECTIONS.values()),
    message:
        "Headline tables: dipole, limits and multipoles per threshold and bin; global p-value"
    script:
        "../../scripts/dipole_limits.py"
