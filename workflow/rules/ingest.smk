"""Ingest: validate raw files and normalise them to Parquet with a QA report."""


rule ingest:
    input:
        orbit=raw_files("orbit"),
        events=raw_files("events"),
    output:
        orbit=f"{RESULTS}/ingest/orbit.parquet",
        events=f"{RESULTS}/ingest/events.parquet",
        report=f"{RESULTS}/ingest/ingest_report.json",
    log:
        f"{LOGS}/ingest.log",
    benchmark:
        f"{BENCH}/ingest.tsv"
    conda:
        "../../envs/calet.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=20,
    params:
        ingest=config["ingest"],
        time_system=config["time_system"],
        period=PERIOD,
    script:
        "../../scripts/ingest.py"
