"""Comparison model: predicted dipole anisotropy of the Vela SNR (seed section 4)."""


rule vela_anisotropy:
    input:
        total_flux=config["model"]["total_flux_table"],
    output:
        per_energy=f"{RESULTS}/model/vela_dipole.parquet",
        above=f"{RESULTS}/model/vela_dipole_thresholds.parquet",
    log:
        f"{LOGS}/vela_anisotropy.log",
    conda:
        "../../envs/calet.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        model=config["model"],
        thresholds=config["analysis"]["thresholds_gev"],
    script:
        "../../scripts/vela_anisotropy.py"
