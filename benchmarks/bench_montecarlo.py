#!/usr/bin/env python
"""Benchmark: isotropic Monte Carlo, 5 thresholds × 20 000 samples on a non-uniform Nside-64 exposure.

Target (issue: isotropic Monte Carlo at scale): expected counts 50 000 / 25 000 / 12 000 /
5 000 / 1 500, sample generation and estimation (C0..C3, δ, δ_UL, corrected and uncorrected)
in ≤ 10 s wall and ≤ 500 MB peak on this 2-core machine, excluding process start; and
≥ 50× faster than the naive loop (numpy Poisson per pixel + healpy.anafast with default
arguments) measured side by side on a subset in the same run.

The exposure is the average exposure map of an 80-day simulated ISS observation (more than
one orbit precession cycle), built with the pipeline's own functions (not timed).

Then the Neyman belts behind the coverage-correct limit (``montecarlo.neyman_belt``, the
default 50 skies per true amplitude and direction) for the same five thresholds, timed
beside the isotropic run: target (issue: limits with exact coverage) isotropic + belts
within 2× of the isotropic run alone.

Then the nested Monte Carlo of the default energy selections (issue: energy bins comparable
with Fermi-LAT and a global p-value): the five thresholds and the six Fermi-LAT bins above
125 GeV drawn as eleven elementary bins per sample and summed (``NestedSky``), beside the same
eleven selections drawn independently, and the whole Monte Carlo stage (isotropic skies and
belts of every selection) against today's stage before the bins (five thresholds, isotropic
and belts). Counts of the bins: log-log interpolation of the thresholds' counts above.

Then the scale of Fermi-LAT's e± sample (issue: scale): 20 000 samples at N̄ = 12 million
on the same Nside-64 exposure, where the sampler draws pixels' counts (cost flat in N), in
≤ 30 s wall on 2 cores, beside the event-by-event method timed on a subset in the same run;
the measured cost of both methods around the switch (N̄ = 4 N_pix); and Nside 128 and 256.

    python benchmarks/bench_montecarlo.py [--samples 20000] [--naive-samples 20]
        [--scale-subset 10]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import time
from pathlib import Path

import healpy as hp
import numpy as np

from calet_aniso.config.energy_selections import (
    EnergySelection,
    elementary_bins,
    energy_bins,
)
from calet_aniso.config.schema import default_config
from calet_aniso.exposure.livetime_cube import livetime_cube, orbit_batches
from calet_aniso.exposure.projection import exposure_from_cube
from calet_aniso.ingest.time_system import TimeSystem
from calet_aniso.instrument.response import read_response
from calet_aniso.montecarlo.neyman_belt import build_belt
from calet_aniso.montecarlo.sampler import (
    PIXEL_METHOD_EVENTS_PER_PIXEL,
    IsotropicSky,
    NestedSky,
    run_nested,
    run_samples,
)
from calet_aniso.simulation.observation import SimulationSettings, simulate_orbit_table
from calet_aniso.simulation.orbit import CircularOrbit, nearest_tle, read_tle_file

REPO = Path(__file__).resolve().parents[1]

COUNTS = (50_000, 25_000, 12_000, 5_000, 1_500)
THRESHOLDS = (125.0, 250.0, 500.0, 1000.0, 2000.0)
NSIDE = 64


def exposure_map() -> np.ndarray:
    config = default_config()  # the schema's defaults
    settings = dataclasses.replace(
        SimulationSettings.from_config(config["simulation"]),
        start_utc="2016-01-01T00:00:00",
        stop_utc="2016-03-21T00:00:00",
        cadence_s=60.0,
    )
    pairs = read_tle_file(REPO / "resources/orbit/iss_tle.txt")
    orbit = CircularOrbit.from_tle(*nearest_tle(pairs, 2457450.0))
    time_system = TimeSystem.from_config(config["simulation"]["time_system"])
    table = simulate_orbit_table(settings, orbit, time_system, np.random.default_rng(1))
    response = read_response(REPO / "resources/response/calet_like_aeff.fits")
    maps = exposure_from_cube(livetime_cube(orbit_batches(table), 64, 2.0), response, NSIDE)
    return maps[5]  # node at 186 GeV


def naive(expected: np.ndarray, weights: np.ndarray, n: int, rng: np.random.Generator) -> None:
    """The naive loop: Poisson counts per pixel, anafast with defaults, corrected and not."""
    for _ in range(n):
        counts = rng.poisson(expected).astype(float)
        hp.anafast(counts * weights)
        hp.anafast(counts)


def peak_rss_mb() -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--samples", type=int, default=20_000)
    parser.add_argument("--naive-samples", type=int, default=20)
    parser.add_argument("--scale-subset", type=int, default=10)
    args = parser.parse_args()
    os.chdir(REPO)  # config paths are relative to the repository
    exposure = exposure_map()
    print(
        f"exposure: Nside {NSIDE}, max/min over covered sky {exposure.max() / exposure[exposure > 0].min():.2f}"
    )
    skies = [IsotropicSky.from_exposure(exposure, n, 0.0) for n in COUNTS]
    print(f"methods: {', '.join(sky.method for sky in skies)}")
    run_samples(skies[0], 1, 0, 0, 2)  # JIT (or cache load) outside the timing
    rss_before = peak_rss_mb()

    t0 = time.perf_counter()
    per_threshold = []
    for index, sky in enumerate(skies):
        t = time.perf_counter()
        run_samples(sky, 20190724, index, 0, args.samples)
        per_threshold.append(time.perf_counter() - t)
    fast_total = time.perf_counter() - t0
    print(
        f"fast: {len(COUNTS)} thresholds x {args.samples} samples in {fast_total:.2f} s wall (target <= 10 s)"
    )
    for n, seconds in zip(COUNTS, per_threshold, strict=True):
        print(
            f"  N = {n:6d}: {seconds:5.2f} s  ({seconds / args.samples / n * 1e9:.1f} ns per event)"
        )
    print(
        f"  peak memory {peak_rss_mb():.0f} MB (before the timed run {rss_before:.0f} MB; target <= 500 MB)"
    )

    t = time.perf_counter()
    for index, n in enumerate(COUNTS):
        build_belt(exposure, n, 0.0, 20190724, index, 50)
    belts = time.perf_counter() - t
    print(
        f"Neyman belts, {len(COUNTS)} thresholds (9 600 injected-dipole skies each): "
        f"{belts:.2f} s; isotropic + belts {fast_total + belts:.2f} s = "
        f"{(fast_total + belts) / fast_total:.2f}x the isotropic run (target <= 2x)"
    )

    nested(exposure, args.samples, fast_total, belts)

    # Side by side on a subset: naive per-pixel Poisson + anafast defaults vs the fast sampler.
    rng = np.random.default_rng(5)
    weights = np.where(exposure > 0, exposure.mean() / np.where(exposure > 0, exposure, 1.0), 0.0)
    naive_time = fast_time = 0.0
    for index, (sky, n) in enumerate(zip(skies, COUNTS, strict=True)):
        expected = n * exposure / exposure.sum()
        t = time.perf_counter()
        naive(expected, weights, args.naive_samples, rng)
        naive_time += time.perf_counter() - t
        t = time.perf_counter()
        run_samples(sky, 7, index, 0, args.naive_samples)
        fast_time += time.perf_counter() - t
    per_naive = naive_time / (len(COUNTS) * args.naive_samples)
    print(
        f"subset: {args.naive_samples} samples per threshold: naive {naive_time:.2f} s, fast {fast_time:.4f} s, "
        f"ratio {naive_time / fast_time:.0f}x"
    )
    full_naive = per_naive * len(COUNTS) * args.samples
    print(
        f"naive loop per sample {per_naive * 1e3:.1f} ms -> full run {full_naive / 60:.1f} min; "
        f"full-run ratio {full_naive / fast_total:.0f}x (target >= 50x)"
    )
    scale(exposure, args.samples, args.scale_subset)


def count_above(energy_gev: float) -> float:
    """Events above an energy: log-log interpolation of COUNTS at THRESHOLDS (0 at infinity)."""
    if np.isinf(energy_gev):
        return 0.0
    return float(np.exp(np.interp(np.log(energy_gev), np.log(THRESHOLDS), np.log(COUNTS))))


def nested(exposure: np.ndarray, samples: int, isotropic_today: float, belts_today: float) -> None:
    """The default selections nested, beside independent skies, and the Monte Carlo stage
    against today's (``isotropic_today`` + ``belts_today``: five thresholds, seconds)."""
    selections = [EnergySelection(t) for t in THRESHOLDS] + energy_bins(
        "fermi_lat_2017",
        list(THRESHOLDS),
        REPO / "resources/limits/fermi_lat_7yr_dipole_ul_digitized.csv",
    )
    pieces = elementary_bins(selections)
    counts = [count_above(p.min_gev) - count_above(p.max_gev) for p in pieces.bins]
    sky = NestedSky.from_exposures(
        [exposure] * len(selections), [exposure] * len(pieces.bins), counts,
        list(pieces.members), 0.0,
    )  # fmt: skip
    run_nested(sky, 1, 0, 0, 2)  # JIT (or cache load) outside the timing
    t = time.perf_counter()
    run_nested(sky, 20190724, 0, 0, samples)
    together = time.perf_counter() - t
    alone = [
        IsotropicSky.from_exposure(exposure, count_above(s.min_gev) - count_above(s.max_gev), 0.0)
        for s in selections
    ]
    t = time.perf_counter()
    for selection, one in zip(selections, alone, strict=True):
        run_samples(one, 20190724, selection.stream_key(), 0, samples)
    independent = time.perf_counter() - t
    t = time.perf_counter()
    for selection, one in zip(selections[len(THRESHOLDS) :], alone[len(THRESHOLDS) :], strict=True):
        build_belt(exposure, one.mean_count, 0.0, 20190724, selection.stream_key(), 50)
    bin_belts = time.perf_counter() - t
    print(
        f"nested: {len(selections)} selections ({len(THRESHOLDS)} thresholds, "
        f"{len(selections) - len(THRESHOLDS)} bins) from {len(pieces.bins)} elementary bins, "
        f"{samples} samples: {together:.2f} s; the same selections drawn independently "
        f"{independent:.2f} s ({independent / together:.2f}x)"
    )
    stage = together + belts_today + bin_belts
    print(
        f"Monte Carlo stage with the bins (nested isotropic skies, belts of all "
        f"{len(selections)} selections): {stage:.2f} s = {stage / (isotropic_today + belts_today):.2f}x "
        f"today's five-threshold stage (isotropic + belts, {isotropic_today + belts_today:.2f} s) "
        f"and {stage / isotropic_today:.2f}x its isotropic run alone"
    )


def timed(sky: IsotropicSky, count: int) -> float:
    t = time.perf_counter()
    run_samples(sky, 20190724, 0, 0, count)
    return time.perf_counter() - t


def scale(exposure: np.ndarray, samples: int, subset: int) -> None:
    """Fermi-scale counts: pixels' counts drawn vs every event drawn; the switch; Nside."""
    npix = len(exposure)
    fermi = IsotropicSky.from_exposure(exposure, 12_000_000, 0.0)
    by_events = dataclasses.replace(fermi, method="events")
    run_samples(fermi, 1, 0, 0, 2)  # JIT outside the timing
    pixels = timed(fermi, samples)
    events = timed(by_events, subset) / subset * samples
    print(
        f"N = 12 000 000, Nside {NSIDE}: {samples} samples drawing pixels' counts {pixels:.1f} s "
        f"wall (target <= 30 s); drawing every event {events / 60:.1f} min (from {subset} "
        f"samples); ratio {events / pixels:.0f}x"
    )
    print(f"switch at N = {PIXEL_METHOD_EVENTS_PER_PIXEL:g} N_pix; per sample (ms):")
    for factor in (1.0, 2.0, 4.0, 8.0):
        sky = IsotropicSky.from_exposure(exposure, factor * npix, 0.0)
        each = {
            method: timed(dataclasses.replace(sky, method=method), 500) / 500 * 1e3
            for method in ("events", "pixels")
        }
        print(
            f"  N = {factor:g} N_pix = {factor * npix:8.0f}: events {each['events']:.2f}, "
            f"pixels {each['pixels']:.2f} (chosen: {sky.method})"
        )
    for nside in (128, 256):
        fine = hp.ud_grade(exposure, nside)
        for n in (50_000, 12_000_000):
            sky = IsotropicSky.from_exposure(fine, n, 0.0)
            count = 2000
            seconds = timed(sky, count)
            print(
                f"Nside {nside}, N = {n:>10,}: {sky.method:6s} {seconds / count * 1e3:.2f} ms per "
                f"sample -> {seconds / count * samples:.0f} s for {samples}"
            )


if __name__ == "__main__":
    main()
