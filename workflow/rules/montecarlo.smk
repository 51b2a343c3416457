"""Isotropic Monte Carlo: expected counts, sharded samples, expectation bands per threshold."""


rule mc_expected_counts:
    input:
        maps=rules.exposure_maps.output.maps,
        response=config["response"],
        events=f"{RESULTS}/ingest/events.parquet",
        flux=(
            f"{RESULTS}/model/flux_model_reference.parquet"
            if config["mc"]["flux_source"] == "fitted_model"
            else config["mc"]["flux_table"]
        ),
    output:
        table=f"{RESULTS}/montecarlo/expected_counts.parquet",
    log:
        f"{LOGS}/mc_expected_counts.log",
    conda:
        "../../envs/calet.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        thresholds=config["analysis"]["thresholds_gev"],
        max_energy_gev=config["mc"]["max_energy_gev"],
        use=config["mc"]["expected_counts"],
        flux_source=config["mc"]["flux_source"],
    script:
        "../../scripts/mc_expected_counts.py"


rule mc_shard:
    input:
        average=f"{RESULTS}/exposure/average_exposure_{{threshold}}GeV.fits",
        expected=rules.mc_expected_counts.output.table,
    output:
        samples=f"{RESULTS}/montecarlo/{{threshold}}GeV/shard_{{shard}}.parquet",
    log:
        f"{LOGS}/mc_shard_{{threshold}}GeV_{{shard}}.log",
    group:
        "mc"
    conda:
        "../../envs/calet.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=15,
    params:
        seed=config["mc"]["seed"],
        samples=config["mc"]["samples"],
        shards=config["mc"]["shards"],
        min_relative_exposure=config["analysis"]["min_relative_exposure"],
    script:
        "../../scripts/mc_shard.py"


rule mc_summary:
    input:
        shards=expand(
            f"{RESULTS}/montecarlo/{{{{threshold}}}}GeV/shard_{{shard}}.parquet",
            shard=SHARDS,
        ),
    output:
        samples=f"{RESULTS}/montecarlo/mc_samples_{{threshold}}GeV.parquet",
        summary=f"{RESULTS}/montecarlo/mc_summary_{{threshold}}GeV.parquet",
    log:
        f"{LOGS}/mc_summary_{{threshold}}GeV.log",
    conda:
        "../../envs/calet.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../../scripts/mc_summary.py"
