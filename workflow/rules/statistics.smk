"""Each energy selection (threshold or bin): its average exposure map, counts and
exposure-corrected sky maps, and statistics (multipoles, dipole, 95 % CL limit, corrected and
not), in one job: the three are quick and always needed together."""


rule selection_statistics:
    input:
        maps=rules.exposure_maps.output.maps,
        events=rules.ingest.output.events,
        response=config["response"],
    output:
        average=result("average_exposure"),
        skymap=result("skymap"),
        row=result("multipoles"),
    log:
        log("selection_{selection}GeV"),
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        period=PERIOD,
        selection=selection_of,
        min_relative_exposure=config["analysis"]["min_relative_exposure"],
        directions=config["analysis"]["directions"],
    message:
        "Average exposure, sky maps and statistics of selection {wildcards.selection} GeV"
    script:
        "../../scripts/selection_statistics.py"
