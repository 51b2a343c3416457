"""Every energy selection (threshold or bin): its average exposure map, counts and
exposure-corrected sky maps, and statistics (multipoles, dipole, 95 % CL limit, corrected and
not), in one job: each selection takes a fraction of a second, less than a job's start-up.
"""


rule selection_statistics:
    input:
        maps=rules.exposure_maps.output.maps,
        events=rules.ingest.output.events,
        response=config["response"],
    output:
        averages=expand(result("average_exposure", selection="{s}"), s=SELECTIONS),
        skymaps=expand(result("skymap", selection="{s}"), s=SELECTIONS),
        rows=expand(result("multipoles", selection="{s}"), s=SELECTIONS),
    log:
        log("selection_statistics"),
    # see simulate_observation
    priority: 5
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        period=PERIOD,
        selections=list(SELECTIONS.values()),
        min_relative_exposure=config["analysis"]["min_relative_exposure"],
        directions=config["analysis"]["directions"],
    message:
        "Average exposure, sky maps and statistics of every energy selection"
    script:
        "../../scripts/selection_statistics.py"


rule smoothed_skymaps:
    input:
        skymaps=expand(result("skymap", selection="{t}"), t=THRESHOLDS),
    output:
        smoothed=expand(result("smoothed_skymap", threshold="{t}"), t=THRESHOLDS),
    log:
        log("smoothed_skymaps"),
    # see simulate_observation: with the shards' summary, before the limits, so that the
    # sky-map figures need not wait for it (last, it held them back 3 s)
    priority: 7
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
        "Top-hat smoothed relative intensity and significance maps of every threshold"
    script:
        "../../scripts/smoothed_skymaps.py"
