"""Simulated CALET observation: the default data source."""


rule simulate_observation:
    input:
        response=config["response"],
        flux_table=config["simulation"]["flux_table"],
        tle_file=config["simulation"]["tle_file"],
    output:
        orbit=result("raw_orbit", format=config["simulation"]["format"]),
        events=result("raw_events", format=config["simulation"]["format"]),
        truth=result("simulation_truth"),
    log:
        log("simulate_observation"),
    benchmark:
        result("benchmark", job="simulate_observation")
    # The chain simulate → ingest → monthly cubes → exposure runs first when cores are scarce:
    # everything else waits for the exposure, the model fits do not.
    priority: 10
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=6000,
        runtime=30,
    params:
        simulation=config["simulation"],
    message:
        f"Simulating the CALET-like observation of period {PERIOD}: orbit, live time, events"
    script:
        "../../scripts/simulate_observation.py"
