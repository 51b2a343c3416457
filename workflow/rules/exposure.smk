"""Exposure: live-time cube and exposure maps at every energy node (the average map of each
energy selection: rule selection_statistics)."""


rule livetime_cube_month:
    input:
        orbit=month_orbit,
    output:
        cube=result("livetime_month"),
    log:
        log("livetime_cube_month_{month}"),
    benchmark:
        result("benchmark", job="livetime_cube_month_{month}")
    # see simulate_observation
    priority: 10
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=2000,
        runtime=20,
    params:
        exposure=config["exposure"],
        period=PERIOD,
        month=lambda wildcards: orbit_months()[wildcards.month],
    message:
        "Binning the live time of {wildcards.month} by attitude (boresight x roll)"
    script:
        "../../scripts/livetime_cube_month.py"


rule livetime_cube:
    input:
        months=lambda wildcards: [
            result("livetime_month", month=m) for m in orbit_months()
        ],
    output:
        cube=result("livetime_cube"),
    log:
        log("livetime_cube"),
    benchmark:
        result("benchmark", job="livetime_cube")
    # see simulate_observation
    priority: 10
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        period=PERIOD,
    message:
        f"Summing the monthly live-time cubes of {PERIOD}"
    script:
        "../../scripts/livetime_cube.py"


rule exposure_maps:
    input:
        cube=rules.livetime_cube.output.cube,
        response=config["response"],
    output:
        maps=result("exposure_nodes"),
    log:
        log("exposure_maps"),
    benchmark:
        result("benchmark", job="exposure_maps")
    # see simulate_observation
    priority: 10
    # A failure here is the input's (raw files, response): resubmitting cannot help.
    retries: 0
    conda:
        ENV
    threads: 2
    resources:
        mem_mb=4000,
        runtime=30,
    params:
        nside=config["analysis"]["nside"],
        period=PERIOD,
    message:
        "Projecting the effective area on the sky: exposure at every energy node"
    script:
        "../../scripts/exposure_maps.py"
