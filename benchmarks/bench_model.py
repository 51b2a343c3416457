#!/usr/bin/env python
"""Benchmark: the comparison-model stage (issue: comparison model, target ≤ 60 s).

Runs in one process what the workflow's model rules do on the default configuration — fit
both variants (reference, Vela SNR) to the CALET and AMS-02 data, tabulate their curves,
predict the Vela dipole — and prints the wall time of each step against the 60 s target.

Side by side, on the hot path of every χ² evaluation, it times the diffusion length λ²
(E, E0) for the fitted pulsars at the fitted data energies: the closed form (₂F₁) against the
baseline, direct numerical quadrature (scipy.integrate.quad) per energy, and prints the ratio.

    python benchmarks/bench_model.py
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd

from calet_aniso.comparison_model.configuration import fit_data, flux_model, propagation, vela_snr
from calet_aniso.comparison_model.constants import YR_S
from calet_aniso.comparison_model.diffusion_length import (
    lambda_squared,
    lambda_squared_quadrature,
)
from calet_aniso.comparison_model.fit import fit_flux_model
from calet_aniso.comparison_model.vela_prediction import vela_dipole, vela_dipole_above
from calet_aniso.config.schema import default_config
from calet_aniso.flux_tables import InterpolatedFlux

REPO = Path(__file__).resolve().parents[1]

TARGET_S = 60.0


def main() -> None:
    import os

    os.chdir(REPO)  # config paths are relative to the repository
    cfg = default_config()["model"]  # the schema's defaults
    fit = cfg["fit"]
    catalogue = pd.read_csv(cfg["pulsars"]["catalogue"], comment="#")
    data = fit_data(fit["electron_positron_tables"], fit["positron_tables"], fit["min_energy_gev"])
    timings = {}
    results = {}
    for variant in ("reference", "vela"):
        start = time.perf_counter()
        model = flux_model(cfg, catalogue, variant)
        result = fit_flux_model(model, data, fixed=tuple(fit["fixed"]))
        pulsars = catalogue[catalogue["psrj"].isin(result.pulsars)]
        curves = model.curves(np.geomspace(10.0, 2.0e4, 300), result.values, pulsars)
        timings[f"fit + curves, {variant}"] = time.perf_counter() - start
        results[variant] = (model, result, pulsars, curves)
        print(
            f"{variant}: chi2/ndf = {result.chi2:.1f}/{result.ndf}, {len(result.pulsars)} pulsars",
            flush=True,
        )
    start = time.perf_counter()
    per_energy = vela_dipole(
        np.geomspace(10.0, 4570.0, 400),
        InterpolatedFlux(
            results["vela"][3]["energy_gev"].to_numpy(), results["vela"][3]["total"].to_numpy()
        ),
        vela_snr(cfg),
        propagation(cfg),
    )
    vela_dipole_above(per_energy, [125, 250, 500, 1000, 2000])
    timings["Vela dipole"] = time.perf_counter() - start
    total = sum(timings.values())
    for name, seconds in timings.items():
        print(f"{name:28s} {seconds:7.2f} s")
    print(
        f"{'model stage (one process)':28s} {total:7.2f} s   target {TARGET_S:.0f} s: "
        f"{total / TARGET_S:.2f} of it"
    )

    # Side by side: λ² for one χ² evaluation (fitted pulsars × fitted energies).
    model, result, pulsars, _ = results["reference"]
    energy = data["energy_gev"].to_numpy()
    pairs = []
    for row in pulsars.itertuples():
        travel = (row.age_yr - model.settings.release_kyr * 1e3) * YR_S
        e0 = model.medium.losses.initial_energy(energy, travel)
        keep = np.isfinite(e0)
        pairs.append((energy[keep], e0[keep]))
    n_pairs = sum(len(e) for e, _ in pairs)
    start = time.perf_counter()
    repeats = 20
    for _ in range(repeats):
        closed = [
            lambda_squared(e, e0, model.medium.diffusion, model.medium.losses) for e, e0 in pairs
        ]
    closed_s = (time.perf_counter() - start) / repeats
    start = time.perf_counter()
    quad = [
        np.array(
            [
                lambda_squared_quadrature(a, b, model.medium.diffusion, model.medium.losses)
                for a, b in zip(e, e0, strict=True)
            ]
        )
        for e, e0 in pairs
    ]
    quad_s = time.perf_counter() - start
    worst = max(float(np.max(np.abs(c / q - 1))) for c, q in zip(closed, quad, strict=True))
    print(
        f"lambda^2 for one chi2 evaluation ({n_pairs} (E, E0) pairs): closed form "
        f"{closed_s * 1e3:.2f} ms vs quadrature (baseline) {quad_s * 1e3:.1f} ms: "
        f"{quad_s / closed_s:.0f}x; max relative difference {worst:.1e}"
    )


if __name__ == "__main__":
    main()
