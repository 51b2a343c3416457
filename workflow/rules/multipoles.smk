"""Multipoles, dipole and 95 % CL limits per threshold, and the headline table."""


rule multipoles:
    input:
        skymap=rules.skymap.output.skymap,
    output:
        row=f"{RESULTS}/multipoles/multipoles_{{threshold}}GeV.parquet",
    log:
        f"{LOGS}/multipoles_{{threshold}}GeV.log",
    conda:
        "../../envs/calet.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    script:
        "../../scripts/multipoles.py"


rule dipole_limits:
    input:
        rows=expand(
            f"{RESULTS}/multipoles/multipoles_{{threshold}}GeV.parquet",
            threshold=THRESHOLDS,
        ),
        bands=expand(
            f"{RESULTS}/montecarlo/mc_summary_{{threshold}}GeV.parquet",
            threshold=THRESHOLDS,
        ),
    output:
        csv=report(
            f"{RESULTS}/dipole_limits.csv",
            caption="../report/dipole_limits.rst",
            category="Results",
        ),
        parquet=f"{RESULTS}/dipole_limits.parquet",
    log:
        f"{LOGS}/dipole_limits.log",
    conda:
        "../../envs/calet.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    params:
        period=PERIOD,
    script:
        "../../scripts/dipole_limits.py"
