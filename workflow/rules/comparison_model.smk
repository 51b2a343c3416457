"""Comparison model (proceedings section 4): e± flux fit (two variants), shared by every period
with the same model configuration, and the Vela SNR anisotropy for this period's thresholds.
"""

from calet_aniso.comparison_model.variants import VARIANTS

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
        summary=result("fit_summary"),
        parameters=result("fit_parameters"),
        points=result("fit_points"),
        curves=result("flux_curves"),
    log:
        result("model_log", job="fit_flux_model_{variant}"),
    # see simulate_observation
    priority: 15
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        model=MODEL,
    message:
        "Fitting the {wildcards.variant} e± flux model to the measured fluxes (iminuit)"
    script:
        "../../scripts/fit_flux_model.py"


rule vela_anisotropy:
    input:
        curves=result("flux_curves", variant="vela"),
        fit=result("fit_summary", variant="vela"),
        catalogue=MODEL["pulsars"]["catalogue"],
        tables=list(FIT["electron_positron_tables"].values()),
        fermi=config["figures"]["fermi_limits"],
    output:
        per_energy=result("vela_per_energy"),
        above=result("vela_thresholds"),
        fermi_bins=result("vela_fermi_bins"),
    log:
        log("vela_anisotropy"),
    priority: 15  # see simulate_observation
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        model=MODEL,
        thresholds=config["analysis"]["thresholds_gev"],
    message:
        "Predicting the dipole of the Vela SNR model per energy, threshold and Fermi-LAT bin"
    script:
        "../../scripts/vela_anisotropy.py"
