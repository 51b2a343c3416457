"""Isotropic Monte Carlo: expected counts, sharded nested samples of every energy selection,
expectation bands and Neyman belts per selection."""

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
    # see simulate_observation
    priority: 5
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        selections=list(SELECTIONS.values()),
        flux_source=MC["flux_source"],
        max_energy_gev=MC["max_energy_gev"],
        mean_count_from=MC["expected_counts"],
        count_tolerance_sigma=MC["count_tolerance_sigma"],
        systematics=SYSTEMATICS_TABLES,
    message:
        "Expected isotropic event counts of each energy selection: flux x absolute exposure"
    script:
        "../../scripts/mc_expected_counts.py"


rule mc_shard:
    input:
        averages=expand(result("average_exposure", selection="{s}"), s=SELECTIONS),
        maps=rules.exposure_maps.output.maps,
        events=rules.ingest.output.events,
        response=config["response"],
        expected=rules.mc_expected_counts.output.table,
    output:
        samples=result("mc_shard"),
    log:
        log("mc_shard_{shard}"),
    # see simulate_observation
    priority: 9
    group:
        "mc"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=20,
    params:
        selections=list(SELECTIONS.values()),
        samples=MC["samples"],
        shards=MC["shards"],
        seed=MC["seed"],
        directions=config["analysis"]["directions"],
        min_relative_exposure=config["analysis"]["min_relative_exposure"],
    message:
        "Isotropic skies of every energy selection (nested), shard {wildcards.shard}"
    script:
        "../../scripts/mc_shard.py"


rule mc_summary:
    input:
        shards=expand(result("mc_shard", shard="{shard}"), shard=SHARDS),
    output:
        samples=expand(result("mc_samples", selection="{s}"), s=SELECTIONS),
        summary=expand(result("mc_bands", selection="{s}"), s=SELECTIONS),
    log:
        log("mc_summary"),
    # see simulate_observation
    priority: 7
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        samples=MC["samples"],
        selections=list(SELECTIONS.values()),
    message:
        "Gathering the isotropic skies of every energy selection; their 1 and 2 sigma bands"
    script:
        "../../scripts/mc_summary.py"


# The belts in two jobs, the thresholds' and the bins' (about 8 and 7 s of CPU): after the two
# Monte Carlo shards they keep both cores busy, where one job of all eleven ran alone for 6 s.
BELT_GROUPS = {
    "thresholds": [label for label, s in SELECTIONS.items() if s.kind == "threshold"],
    "bins": BINS,
}


for belt_group, belt_members in BELT_GROUPS.items():
    if not belt_members:
        continue

    rule:
        name:
            f"mc_belt_{belt_group}"
        input:
            averages=[result("average_exposure", selection=s) for s in belt_members],
            expected=rules.mc_expected_counts.output.table,
        output:
            belts=[result("mc_belt", selection=s) for s in belt_members],
        log:
            log(f"mc_belt_{belt_group}"),
        # see simulate_observation
        priority: 8
        conda:
            ENV
        # One thread: each sky's 50 samples are too few to share (2 threads: 9.3 s wall for
        # 18.4 s CPU, 1 thread: 10.1 s), and the other core works meanwhile.
        threads: 1
        resources:
            mem_mb=1000,
            runtime=20,
        params:
            skies_per_direction=MC["belt_skies_per_direction"],
            seed=MC["seed"],
            min_relative_exposure=config["analysis"]["min_relative_exposure"],
        message:
            f"Neyman belts of the dipole amplitude of the {belt_group}"
        script:
            "../../scripts/mc_belt.py"
