"""Injection–recovery: an injected dipole is recovered (amplitude, direction), detected at
high amplitude, and both limits cover as stated."""

import healpy as hp
import numpy as np

from calet_aniso.montecarlo.injection import (
    AMPLITUDE_FACTORS,
    VALIDATION_DIRECTIONS,
    injection_recovery,
    summarise_injections,
)
from calet_aniso.montecarlo.neyman_belt import build_belt
from calet_aniso.montecarlo.sampler import IsotropicSky, run_samples

NSIDE = 8


def test_injected_dipoles_are_recovered_detected_and_covered():
    """N = 3000 on a non-uniform exposure, 100 skies per amplitude and direction: at 5× the
    isotropic median the mean δ̂ is within 5 % of the truth, the direction within 15°, all
    skies detected at 3σ; at 0 almost none are (expected 0.135 %); the Neyman coverage is
    95 % within 4 standard errors (600 skies per amplitude, and the belt's 1800 skies per
    point) and eq. 2.3 covers at least as often."""
    theta, phi = hp.pix2ang(NSIDE, np.arange(hp.nside2npix(NSIDE)))
    exposure = 1.0 + 0.6 * np.cos(theta) ** 2 + 0.2 * np.sin(phi) * np.sin(theta)
    isotropic = run_samples(IsotropicSky.from_exposure(exposure, 3000.0, 0.0), 4, 1, 0, 4000)
    belt = build_belt(exposure, 3000.0, 0.0, 5, 1, 150)
    table = injection_recovery(exposure, 3000.0, 0.0, 15, 1, isotropic["delta"], belt, 100, 20.0)
    assert len(table) == len(AMPLITUDE_FACTORS) * len(VALIDATION_DIRECTIONS)
    summary = summarise_injections(table).set_index("amplitude_factor")
    strongest = summary.loc[5.0]
    assert abs(strongest["delta_recovered_mean"] / strongest["delta_true"] - 1) < 0.05
    assert strongest["direction_error_median_deg"] < 15.0
    assert strongest["detected_3sigma"] == 1.0
    assert summary.loc[0.0, "detected_3sigma"] <= 0.02
    assert summary["direction_error_median_deg"].dropna().is_monotonic_decreasing
    error = 4 * np.sqrt(0.05 * 0.95 / 600 + 0.05 * 0.95 / belt.skies_per_point)
    assert np.all(np.abs(summary["coverage_neyman"] - 0.95) < error)
    assert np.all(summary["coverage_eq23"] >= summary["coverage_neyman"] - error)
