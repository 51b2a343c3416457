"""Isotropic Monte Carlo: expected counts, sharded samples, expectation bands per threshold."""

MC = config["mc"]
#: Measured flux tables whose systematic uncertainty bounds the expected count's.
SYSTEMATICS_TABLES = (
    list(config["model"]["fit"]["electron_positron_tables"].values())
    if MC["flux_source"] == "fitted_model"
    else [MC["flux_table"]]
)


rule mc_expected_counts:
    input:
        maps=rules.exposure_maps.output.maps,
        response=config["response"],
        events=rules.ingest.output.events,
        flux=(
            result("flux_curves", variant="reference")
            if MC["flux_source"] == "fitted_model"
            else MC["flux_table"]
        ),
        systematics=SYSTEMATICS_TABLES,
    output:
        table=result("expected_counts"),
    log:
        log("mc_expected_counts"),
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        thresholds=config["analysis"]["thresholds_gev"],
        flux_source=MC["flux_source"],
        max_energy_gev=MC["max_energy_gev"],
        mean_count_from=MC["expected_counts"],
        count_tolerance_sigma=MC["count_tolerance_sigma"],
        systematics=SYSTEMATICS_TABLES,
    message:
        "Expected isotropic event counts above each threshold: flux x absolute exposure"
    script:
        "../../scripts/mc_expected_counts.py"


rule mc_shard:
    input:
        average=rules.average_exposure.output.average,
        expected=rules.mc_expected_counts.output.table,
    output:
        samples=result("mc_shard"),
    log:
        log("mc_shard_{threshold}GeV_{shard}"),
    group:
        "mc"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=20,
    params:
        samples=MC["samples"],
        shards=MC["shards"],
        seed=MC["seed"],
        directions=config["analysis"]["directions"],
        min_relative_exposure=config["analysis"]["min_relative_exposure"],
    message:
        "Isotropic skies above {wildcards.threshold} GeV, shard {wildcards.shard}"
    script:
        "../../scripts/mc_shard.py"


rule mc_summary:
    input:
        shards=expand(
            result("mc_shard", threshold="{{threshold}}", shard="{shard}"),
            shard=SHARDS,
        ),
    output:
        samples=result("mc_samples"),
        summary=result("mc_bands"),
    log:
        log("mc_summary_{threshold}GeV"),
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        samples=MC["samples"],
    message:
        "Gathering the isotropic skies above {wildcards.threshold} GeV; their 1 and 2 sigma bands"
    script:
        "../../scripts/mc_summary.py"


rule mc_belt:
    input:
        average=rules.average_exposure.output.average,
        expected=rules.mc_expected_counts.output.table,
    output:
        belt=result("mc_belt"),
    log:
        log("mc_belt_{threshold}GeV"),
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=20,
    params:
        skies_per_direction=MC["belt_skies_per_direction"],
        seed=MC["seed"],
        min_relative_exposure=config["analysis"]["min_relative_exposure"],
    message:
        "Neyman belt of the dipole amplitude above {wildcards.threshold} GeV (injected dipoles)"
    script:
        "../../scripts/mc_belt.py"
