"""Simulated CALET observation: the default data source."""


rule simulate_observation:
    input:
        response=config["response"],
        flux_table=config["simulation"]["flux_table"],
        tle_file=config["simulation"]["tle_file"],
    output:
        orbit=f"{RESULTS}/raw/orbit.{SIM_EXT}",
        events=f"{RESULTS}/raw/events.{SIM_EXT}",
        truth=f"{RESULTS}/raw/simulation_truth.json",
    log:
        f"{LOGS}/simulate_observation.log",
    benchmark:
        f"{BENCH}/simulate_observation.tsv"
    conda:
        "../../envs/calet.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=30,
    params:
        simulation=config["simulation"],
        time_system=config["time_system"],
    script:
        "../../scripts/simulate_observation.py"
