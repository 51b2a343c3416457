#!/usr/bin/env python
"""Benchmark: exposure maps for 1115 days at 10 s cadence (9.6 M intervals), Nside 64, with the
live-time cube of the configuration's defaults (``exposure.cube_nside``, ``roll_bin_deg``).

Target (issue: analysis core): all energy nodes in ≤ 60 s wall and ≤ 4 GB peak memory on
a 2-core machine, and ≥ 20× faster than the brute-force reference (every interval, every
sky pixel, healpy lookup of the response) measured side by side on the same subset.

The full-period orbit table is simulated and written to Parquet first (not timed); the
exposure is then computed in a fresh process that reads it, as the pipeline's rules do
(live-time cube + projection), and its wall time and peak RSS are reported.

    python benchmarks/bench_exposure.py [--days 1115] [--cadence 10] [--subset-hours 6]
        [--nside 64] [--cube-nside N]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from astropy.time import Time, TimeDelta

from calet_aniso.config.schema import default_config
from calet_aniso.exposure.livetime_cube import livetime_cube, orbit_batches
from calet_aniso.exposure.projection import brute_force_exposure, exposure_from_cube
from calet_aniso.ingest.time_system import TimeSystem
from calet_aniso.instrument.response import read_response
from calet_aniso.io.files import write_parquet
from calet_aniso.simulation.observation import SimulationSettings, simulate_orbit_table
from calet_aniso.simulation.orbit import CircularOrbit, nearest_tle, read_tle_file

REPO = Path(__file__).resolve().parents[1]
RESPONSE = REPO / "resources/response/calet_like_aeff.fits"
NSIDE = 64

CHILD = """
import sys, time, resource
import pyarrow.parquet as pq
from calet_aniso.exposure.livetime_cube import livetime_cube
from calet_aniso.exposure.projection import exposure_from_cube
from calet_aniso.instrument.response import read_response
import numpy as np
response = read_response({response!r})
exposure_from_cube(livetime_cube([pq.read_table({orbit!r}).slice(0, 10).to_pandas()], {cube_nside}, {roll}), response, {nside})  # JIT warm-up
t0 = time.perf_counter()
pf = pq.ParquetFile({orbit!r})
batches = (b.to_pandas() for b in pf.iter_batches(batch_size=1_000_000, columns=
           ["livetime", "ra_scz", "dec_scz", "ra_scx", "dec_scx"]))
cube = livetime_cube(batches, {cube_nside}, {roll})
t1 = time.perf_counter()
maps = exposure_from_cube(cube, response, {nside})
t2 = time.perf_counter()
np.save({out!r}, maps)
# VmHWM (not ru_maxrss, which Linux carries over from the forking parent across exec)
hwm_kb = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
peak_mb = hwm_kb / 1024
print(f"{{len(cube.livetime_s)}} {{t1 - t0:.3f}} {{t2 - t1:.3f}} {{peak_mb:.0f}}")
"""


def simulate(days: float, cadence: float):
    start = Time("2015-10-13T00:00:00", scale="utc")
    config = default_config()  # the schema's defaults
    settings = dataclasses.replace(
        SimulationSettings.from_config(config["simulation"]),
        start_utc=start.isot,
        stop_utc=(start + TimeDelta(days, format="jd")).isot,
        cadence_s=cadence,
    )
    pairs = read_tle_file(REPO / "resources/orbit/iss_tle.txt")
    orbit = CircularOrbit.from_tle(
        *nearest_tle(pairs, (start + TimeDelta(days / 2, format="jd")).jd)
    )
    time_system = TimeSystem.from_config(config["simulation"]["time_system"])
    return simulate_orbit_table(settings, orbit, time_system, np.random.default_rng(1))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--days", type=float, default=1115.0)
    parser.add_argument("--cadence", type=float, default=10.0)
    parser.add_argument("--subset-hours", type=float, default=6.0)
    parser.add_argument("--nside", type=int, default=NSIDE, help="sky map Nside (64, 128, 256)")
    cube_defaults = default_config()["exposure"]
    parser.add_argument("--cube-nside", type=int, default=cube_defaults["cube_nside"])
    args = parser.parse_args()
    cube_nside, roll = args.cube_nside, float(cube_defaults["roll_bin_deg"])
    os.chdir(REPO)  # config paths are relative to the repository
    response = read_response(RESPONSE)
    n_nodes = len(response.energies_gev)

    with tempfile.TemporaryDirectory() as tmp:
        orbit = simulate(args.days, args.cadence)
        orbit_path = Path(tmp) / "orbit.parquet"
        write_parquet(orbit, orbit_path, {})
        n_total = len(orbit)
        subset = orbit.iloc[: int(args.subset_hours * 3600 / args.cadence)]
        del orbit
        out = Path(tmp) / "maps.npy"
        code = CHILD.format(
            response=str(RESPONSE),
            orbit=str(orbit_path),
            nside=args.nside,
            cube_nside=cube_nside,
            roll=roll,
            out=str(out),
        )
        t0 = time.perf_counter()
        line = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
        child_wall = time.perf_counter() - t0
        n_cells, t_cube, t_project, peak_mb = line.split()
        full_maps = np.load(out)

    fast_total = float(t_cube) + float(t_project)
    print(
        f"full period: {n_total:,} intervals ({args.days:g} d at {args.cadence:g} s), Nside {args.nside}, "
        f"{n_nodes} energy nodes"
    )
    print(
        f"  live-time cube: Nside {cube_nside}, {roll:g}° roll bins, {int(n_cells):,} cells in "
        f"{float(t_cube):.1f} s (incl. Parquet read)"
    )
    print(f"  projection:     {float(t_project):.1f} s")
    print(
        f"  fast total:     {fast_total:.1f} s wall  (target <= 60 s)   "
        f"[child process incl. start and JIT warm-up: {child_wall:.1f} s]"
    )
    print(f"  peak memory:    {float(peak_mb):.0f} MB  (target <= 4096 MB)")
    print(
        f"  total exposure at node 0: {full_maps[0].sum() * 4 * np.pi / full_maps.shape[1]:.4e} m2 s sr"
    )

    # Side by side on the same subset: fast (cube + projection) vs brute force, all nodes.
    nside = args.nside
    exposure_from_cube(livetime_cube([subset.iloc[:10]], cube_nside, roll), response, nside)
    t0 = time.perf_counter()
    cube = livetime_cube(orbit_batches(subset), cube_nside, roll)
    fast = exposure_from_cube(cube, response, nside)
    t_fast = time.perf_counter() - t0
    t0 = time.perf_counter()
    brute = brute_force_exposure(subset, response, nside)
    t_brute = time.perf_counter() - t0
    mask = brute > 0.1 * brute.max(axis=1, keepdims=True)
    dev = np.abs(fast[mask] / brute[mask] - 1).max()
    per_interval = t_brute / len(subset)
    print(f"subset: {len(subset):,} intervals ({args.subset_hours:g} h), all {n_nodes} nodes")
    print(
        f"  brute force:    {t_brute:.2f} s   fast: {t_fast:.3f} s   ratio {t_brute / t_fast:.0f}x  "
        f"(target >= 20x)"
    )
    print(f"  max |fast/brute - 1| in pixels above 10 % of max: {dev:.2e}  (target <= 5e-3)")
    print(
        f"brute force extrapolated to the full period: {per_interval * n_total / 3600:.1f} h "
        f"= {per_interval * n_total / fast_total:.0f}x the fast total"
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"(benchmark driver peak, incl. simulating the orbit table: {rss:.0f} MB)")


if __name__ == "__main__":
    main()
