#!/usr/bin/env python
"""Build the shipped CALET-like instrument response (resources/response/calet_like_aeff.fits).

The geometric model and efficiencies are documented in ``calet_aniso.instrument.response_design``.
Energy nodes: 4 per decade from 10 GeV to 20 TeV. Run from the repository root:

    python tools/build_response.py
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from calet_aniso.instrument.response import Response, write_response
from calet_aniso.instrument.response_design import (
    Efficiency,
    effective_area_maps,
    geometric_factor_m2sr,
    separation_for_geometric_factor,
)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--output", type=Path, default=Path("resources/response/calet_like_aeff.fits")
    )
    parser.add_argument("--nside", type=int, default=64)
    args = parser.parse_args()
    energies = np.geomspace(10.0, 20_000.0, 14)
    separation = separation_for_geometric_factor()
    maps = effective_area_maps(energies, args.nside, separation, Efficiency())
    description = (
        "CALET-LIKE MODEL RESPONSE, NOT THE CALET RESPONSE. Two-square telescope CHD 450 mm "
        f"over TASC 326 mm, separation {separation:.4f} m (geometric factor "
        f"{geometric_factor_m2sr(separation):.4f} m2 sr), times an illustrative selection "
        "efficiency; see calet_aniso.instrument.response_design."
    )
    response = Response(energies_gev=energies, aeff_m2=maps, description=description)
    write_response(response, args.output)
    for energy, acc in zip(energies, response.acceptance_m2sr(), strict=True):
        print(f"{energy:10.1f} GeV  acceptance {acc:.4f} m2 sr")


if __name__ == "__main__":
    main()
