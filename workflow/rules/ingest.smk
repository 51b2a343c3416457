"""Ingest: validate raw files and normalise them to Parquet with a QA report.

A checkpoint: its report lists the calendar months the orbit table covers, with a digest of
each month's intervals, from which the live-time cube is built month by month."""


checkpoint ingest:
    input:
        orbit=raw_files("orbit"),
        events=raw_files("events"),
        # the instrument: events it cannot have seen are refused
        response=config["response"],
    output:
        orbit=result("orbit"),
        events=result("events"),
        report=result("ingest_report"),
    log:
        log("ingest"),
    benchmark:
        result("benchmark", job="ingest")
    # see simulate_observation
    priority: 20
    # A failure here is the input's (raw files, response): resubmitting cannot help.
    retries: 0
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=8000,
        runtime=30,
    params:
        ingest=config["ingest"],
        time_system=config.get("time_system"),
        attitude_at=config["data"]["attitude_at"],
        period=PERIOD,
    message:
        f"Validating and normalising the raw orbit tables and event lists of {PERIOD}"
    script:
        "../../scripts/ingest.py"
