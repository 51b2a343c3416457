"""Exposure: live-time cube, exposure maps at every energy node, average map per threshold."""


rule livetime_cube:
    input:
        orbit=f"{RESULTS}/ingest/orbit.parquet",
    output:
        cube=f"{RESULTS}/exposure/livetime_cube.parquet",
    log:
        f"{LOGS}/livetime_cube.log",
    benchmark:
        f"{BENCH}/livetime_cube.tsv"
    conda:
        "../../envs/calet.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=20,
    params:
        cube_nside=config["exposure"]["cube_nside"],
        roll_bin_deg=config["exposure"]["roll_bin_deg"],
    script:
        "../../scripts/livetime_cube.py"


rule exposure_maps:
    input:
        cube=rules.livetime_cube.output.cube,
        response=config["response"],
    output:
        maps=f"{RESULTS}/exposure/exposure_nodes.fits",
    log:
        f"{LOGS}/exposure_maps.log",
    benchmark:
        f"{BENCH}/exposure_maps.tsv"
    conda:
        "../../envs/calet.yaml"
    threads: 2
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        nside=config["analysis"]["nside"],
        period=PERIOD,
    script:
        "../../scripts/exposure_maps.py"


rule average_exposure:
    input:
        maps=rules.exposure_maps.output.maps,
        events=f"{RESULTS}/ingest/events.parquet",
        response=config["response"],
    output:
        average=f"{RESULTS}/exposure/average_exposure_{{threshold}}GeV.fits",
    log:
        f"{LOGS}/average_exposure_{{threshold}}GeV.log",
    conda:
        "../../envs/calet.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        period=PERIOD,
    script:
        "../../scripts/average_exposure.py"
