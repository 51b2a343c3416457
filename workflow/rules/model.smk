"""Comparison model (seed section 4): e± flux fit (two variants) and the Vela SNR anisotropy."""

from calet_aniso.model.setup import VARIANTS  # seed Figure 2, upper and lower panel

MODEL = config["model"]
FIT = MODEL["fit"]


wildcard_constraints:
    variant="|".join(VARIANTS),


rule fit_flux_model:
    input:
        catalogue=MODEL["pulsars"]["catalogue"],
        tables=list(FIT["electron_positron_tables"].values())
        + list(FIT["positron_tables"].values()),
    output:
        summary=f"{RESULTS}/model/flux_fit_{{variant}}.json",
        parameters=f"{RESULTS}/model/flux_fit_{{variant}}_parameters.parquet",
        points=f"{RESULTS}/model/flux_fit_{{variant}}_points.parquet",
        curves=f"{RESULTS}/model/flux_model_{{variant}}.parquet",
    log:
        f"{LOGS}/fit_flux_model_{{variant}}.log",
    conda:
        "../../envs/calet.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        model=MODEL,
        curve_range_gev=[10.0, config["mc"]["max_energy_gev"]],
    script:
        "../../scripts/fit_flux_model.py"


rule vela_anisotropy:
    input:
        curves=f"{RESULTS}/model/flux_model_vela.parquet",
        fit=f"{RESULTS}/model/flux_fit_vela.json",
        catalogue=MODEL["pulsars"]["catalogue"],
        tables=list(FIT["electron_positron_tables"].values()),
        fermi=config["figures"]["fermi_limits"],
    output:
        per_energy=f"{RESULTS}/model/vela_dipole.parquet",
        above=f"{RESULTS}/model/vela_dipole_thresholds.parquet",
        fermi_bins=f"{RESULTS}/model/vela_dipole_fermi_bins.parquet",
    log:
        f"{LOGS}/vela_anisotropy.log",
    conda:
        "../../envs/calet.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        model=MODEL,
        thresholds=config["analysis"]["thresholds_gev"],
    script:
        "../../scripts/vela_anisotropy.py"
