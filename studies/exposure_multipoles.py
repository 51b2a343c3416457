#!/usr/bin/env python
"""Why the uncorrected octupole band exceeds the corrected one (issue: the octupole finding).

Prints, for each threshold of a finished period, the angular power C_l/C_0 (l = 1…6) of the
average exposure map normalised to its mean, the fraction of that power in m = 0 in
equatorial coordinates (a zonal pattern: the exposure depends on declination only after the
orbit's precession), and beside it the isotropic Monte Carlo medians of C3/C0 without and with
exposure correction. An isotropic sky counted without correction follows the exposure, so its
C3/C0 is about the shot noise plus the exposure's own C3/C0.

    python studies/exposure_multipoles.py results/calet_sim_2015_2018
"""

from __future__ import annotations

import argparse
from pathlib import Path

import healpy as hp
import numpy as np
import pandas as pd

from calet_aniso.exposure.average import AverageExposure


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("results_dir", type=Path)
    args = parser.parse_args()
    table = pd.read_parquet(args.results_dir / "dipole_limits.parquet")
    rotate = hp.Rotator(coord=["G", "C"])
    for row in table.itertuples():
        path = args.results_dir / f"exposure/average_exposure_{row.threshold_gev:g}GeV.fits"
        exposure = AverageExposure.read(path).exposure_m2s
        relative = exposure / exposure.mean()
        cl = hp.anafast(relative, lmax=6, iter=0)
        equatorial = rotate.rotate_map_pixel(relative)
        alm = hp.map2alm(equatorial, lmax=6, iter=0)
        cl_eq = hp.alm2cl(alm)
        zonal = [
            abs(alm[hp.Alm.getidx(6, ell, 0)]) ** 2 / ((2 * ell + 1) * cl_eq[ell])
            for ell in range(1, 7)
        ]
        print(f"E >= {row.threshold_gev:g} GeV ({row.n_events} events):")
        print("  exposure C_l/C_0, l = 1..6:", np.array2string(cl[1:] / cl[0], precision=2))
        print(
            "  zonal (m = 0, equatorial) fraction:", np.array2string(np.array(zonal), precision=3)
        )
        print(
            f"  isotropic MC median C3/C0: corrected {row.mc_c3_over_c0_med:.3g}, "
            f"uncorrected {row.mc_c3_over_c0_uncorrected_med:.3g}; corrected + exposure's "
            f"{row.mc_c3_over_c0_med + cl[3] / cl[0]:.3g}"
        )


if __name__ == "__main__":
    main()
