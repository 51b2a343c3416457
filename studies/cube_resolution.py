#!/usr/bin/env python
"""Study: how coarse may the live-time cube be? (exposure error against time, issue #13)

Builds the live-time cube of a finished period's normalised orbit table at Nside 32 and 64
(2° roll bins) and at a fine reference (Nside 128, 1° roll bins), projects each to exposure
maps at the analysis Nside, and prints, per cube, its cells, its time (cube + exposure) and
the relative error against the reference in the pixels above 10 % of the maximum, at the
lowest, middle and highest energy nodes of the response.

    python studies/cube_resolution.py results/calet_sim_2015_2018 [--nside 64] [--threads 2]
        [--cubes 32:2 64:2]   # the cubes compared (Nside:roll bin in degrees)
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numba
import numpy as np

from calet_aniso.config.schema import default_config
from calet_aniso.exposure.livetime_cube import livetime_cube, orbit_file_batches
from calet_aniso.exposure.projection import exposure_from_cube
from calet_aniso.instrument.response import read_response

#: (cube Nside, roll bin in degrees) compared by default.
CUBES = ((32, 2.0), (64, 2.0))
#: The fine cube every other is compared with.
REFERENCE = (128, 1.0)


def cube_setting(text: str) -> tuple[int, float]:
    """'32:2' -> (32, 2.0): a cube's Nside and roll bin (degrees)."""
    nside, roll = text.split(":")
    return int(nside), float(roll)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("results_dir", type=Path, help="a finished period's results folder")
    parser.add_argument("--nside", type=int, default=64, help="Nside of the exposure maps")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--response", default=default_config()["response"])
    parser.add_argument(
        "--cubes", nargs="+", type=cube_setting, default=CUBES, help="Nside:roll_deg each"
    )
    args = parser.parse_args()
    cubes = (*args.cubes, REFERENCE)
    numba.set_num_threads(args.threads)
    response = read_response(args.response)
    orbit = args.results_dir / "ingest" / "orbit.parquet"
    maps = {}
    for nside, roll in cubes:
        start = time.perf_counter()
        cube = livetime_cube(orbit_file_batches(orbit), nside, roll)
        maps[nside, roll] = exposure_from_cube(cube, response, args.nside)
        print(
            f"cube Nside {nside:3d}, {roll:g}° roll: {len(cube.livetime_s):7d} cells, "
            f"cube + exposure {time.perf_counter() - start:6.1f} s",
            flush=True,
        )
    reference = maps[REFERENCE]
    for node in (0, len(reference) // 2, len(reference) - 1):
        seen = reference[node] > 0.1 * reference[node].max()
        for cube in args.cubes:
            error = np.abs(maps[cube][node][seen] / reference[node][seen] - 1.0)
            print(
                f"node {response.energies_gev[node]:8.4g} GeV, cube Nside {cube[0]}, "
                f"{cube[1]:g}° roll: relative error max {error.max():.2e}, "
                f"rms {np.sqrt(np.mean(error**2)):.2e}"
            )


if __name__ == "__main__":
    main()
