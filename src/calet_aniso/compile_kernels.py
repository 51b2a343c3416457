"""Compile every numba kernel of the pipeline into numba's on-disk cache, once, at set-up.

``make setup`` runs ``python -m calet_aniso.compile_kernels``: the Monte Carlo's kernels (both
sampling methods — every event drawn, every pixel's count drawn — for one sky and for nested
selections, the belts' dipole-only kernel and the counts maps), the exposure's projection and
the smoothed maps' disc sums, on tiny inputs with the argument types the pipeline uses, so no
Snakemake job pays for the compilation (about 10 s of CPU per process otherwise, and parallel
jobs would each pay it). Numba recompiles by itself when a kernel's source changes.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor

import healpy as hp
import numpy as np

from calet_aniso.analysis.smoothed_maps import disc_sums
from calet_aniso.exposure.livetime_cube import LivetimeCube
from calet_aniso.exposure.projection import exposure_from_cube
from calet_aniso.instrument.response import Response
from calet_aniso.montecarlo.sampler import (
    IsotropicSky,
    NestedSky,
    counts_map,
    run_dipole_amplitudes,
    run_nested,
    run_samples,
)


def compile_single_sky() -> None:
    """The Monte Carlo's kernels of one sky (belts, injections, checks), both methods."""
    exposure = np.ones(hp.nside2npix(4))
    for mean_count in (10.0, 10_000.0):
        sky = IsotropicSky.from_exposure(exposure, mean_count, 0.0)
        run_samples(sky, 1, 0, 0, 1)
        run_dipole_amplitudes(sky, 1, 0, 0, 1)
        counts_map(sky, 1, 0, 0)
        print(f"compiled the Monte Carlo kernels drawing {sky.method}")


def compile_nested() -> None:
    """The nested Monte Carlo kernel (the isotropic skies of every selection)."""
    exposure = np.ones(hp.nside2npix(4))
    nested = NestedSky.from_exposures(
        [exposure, exposure], [exposure, exposure], [10.0, 10_000.0], [(0, 1), (1,)], 0.0
    )
    run_nested(nested, 1, 0, 0, 1)
    print("compiled the nested Monte Carlo kernel")


#: Response components the exposure kernel is compiled for at set-up (the default response
#: has 2; another number compiles once, in the exposure job, at its first call).
EXPOSURE_COMPONENTS = (1, 2, 3, 4)


def compile_exposure() -> None:
    """The exposure's projection, for one attitude cell and responses seeing a 60° cone with
    1 to 4 independent energy components (the kernel is compiled per count)."""
    theta, _ = hp.pix2ang(4, np.arange(hp.nside2npix(4)))
    area = np.where(theta < np.radians(60.0), 1.0, 0.0)
    cube = LivetimeCube(
        np.array([[0.0, 0.0, 1.0]]), np.array([[1.0, 0.0, 0.0]]), np.array([1.0]), 4, 2.0
    )
    for count in EXPOSURE_COMPONENTS:
        maps = [area * (1.0 + np.cos(theta) ** k) for k in range(count)]
        if count == 1:
            maps.append(0.5 * area)  # two nodes (a response has at least two), one component
        response = Response(np.geomspace(10.0, 1000.0, len(maps)), np.stack(maps))
        exposure_from_cube(cube, response, 4)
    print(f"compiled the exposure kernel for {EXPOSURE_COMPONENTS} response components")


def compile_disc_sums() -> None:
    """The top-hat smoothing's run-by-run disc sums."""
    disc_sums(np.ones((3, hp.nside2npix(2))), 30.0)
    print("compiled the disc sums")


#: The compilations, longest first. Different signatures of one kernel stay in one task:
#: numba keeps them in one index file, which two processes could overwrite in turn.
TASKS = (compile_single_sky, compile_nested, compile_exposure, compile_disc_sums)


def main() -> None:
    """Every task in its own process, as many at once as there are CPUs (numba compiles a
    kernel on one core): 33 s instead of 53 s on 2 cores."""
    with ProcessPoolExecutor(max_workers=min(len(TASKS), os.cpu_count() or 1)) as pool:
        for done in [pool.submit(task) for task in TASKS]:
            done.result()


if __name__ == "__main__":
    main()
