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
    # Cores are scarce on a workstation: the data's chain to the exposure (20, 10; everything
    # after the exposure waits for it), the model fits and what follows them (15, so that they
    # run beside the chain and are done before the exposure, which takes both cores), then
    # the Monte Carlo: the two shards first (9: the longest jobs, each on the way to the
    # limits; started beside a belt, the second shard ran late and alone), the belts (8), the
    # shards' summary and the smoothed sky maps (7), the limits before the injections (6: the
    # sky-map figures, the longest job after the Monte Carlo, wait for both), then the
    # figures (0; the sky maps first, 1). The expected counts and the selections' statistics
    # (5) are the only jobs ready after the exposure.
    priority: 20
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
