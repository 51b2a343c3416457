"""Sky maps per threshold: counts and exposure-corrected (weighted) maps."""


rule skymap:
    input:
        maps=rules.exposure_maps.output.maps,
        events=f"{RESULTS}/ingest/events.parquet",
        response=config["response"],
    output:
        skymap=f"{RESULTS}/skymaps/skymap_{{threshold}}GeV.fits",
    log:
        f"{LOGS}/skymap_{{threshold}}GeV.log",
    conda:
        "../../envs/calet.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        period=PERIOD,
        min_relative_exposure=config["analysis"]["min_relative_exposure"],
    script:
        "../../scripts/skymap.py"
