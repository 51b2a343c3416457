"""Compile the Monte Carlo's numba kernels into numba's on-disk cache, once, at set-up.

``make setup`` runs ``python -m calet_aniso.montecarlo.compile``: both sampling methods'
kernels (every event drawn, every pixel's count drawn) for one sky and for nested selections,
and the counts maps, on a tiny sky with
the argument types the pipeline uses, so no Snakemake job pays for the compilation (about
10 s of CPU per process otherwise, and parallel jobs would each pay it). Numba recompiles by
itself when a kernel's source changes.
"""

from __future__ import annotations

import healpy as hp
import numpy as np

from calet_aniso.montecarlo.sampler import (
    IsotropicSky,
    NestedSky,
    counts_map,
    run_nested,
    run_samples,
)


def main() -> None:
    exposure = np.ones(hp.nside2npix(4))
    for mean_count in (10.0, 10_000.0):
        sky = IsotropicSky.from_exposure(exposure, mean_count, 0.0)
        run_samples(sky, 1, 0, 0, 1)
        counts_map(sky, 1, 0, 0)
        print(f"compiled the Monte Carlo kernels drawing {sky.method}")
    nested = NestedSky.from_exposures(
        [exposure, exposure], [exposure, exposure], [10.0, 10_000.0], [(0, 1), (1,)], 0.0
    )
    run_nested(nested, 1, 0, 0, 1)
    print("compiled the nested Monte Carlo kernel")


if __name__ == "__main__":
    main()
