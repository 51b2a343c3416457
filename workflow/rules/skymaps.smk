"""Sky maps per energy selection: counts and exposure-corrected (weighted) maps; smoothed maps
per threshold."""


rule skymap:
    input:
        average=rules.average_exposure.output.average,
        maps=rules.exposure_maps.output.maps,
        events=rules.ingest.output.events,
        response=config["response"],
    output:
        skymap=result("skymap"),
    log:
        log("skymap_{selection}GeV"),
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        min_relative_exposure=config["analysis"]["min_relative_exposure"],
    message:
        "Counts and exposure-corrected sky maps of selection {wildcards.selection} GeV"
    script:
        "../../scripts/skymap.py"


rule smoothed_skymap:
    input:
        skymap=result("skymap", selection="{threshold}"),
    output:
        smoothed=result("smoothed_skymap"),
    log:
        log("smoothed_skymap_{threshold}GeV"),
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        radius_deg=config["figures"]["skymap_smoothing_deg"],
        min_relative_exposure=config["analysis"]["min_relative_exposure"],
    message:
        "Smoothed relative intensity and significance above {wildcards.threshold} GeV"
    script:
        "../../scripts/smoothed_skymap.py"
