"""Expected number of isotropic events above a threshold: model flux × absolute exposure.

N(≥ E_thr) = ∫_{E_thr}^{E_max} J(E) X(E) dE, with J the flux model ((m² s sr GeV)⁻¹) and
X(E) = ∫ exposure(E, n) dΩ (m² s sr) from the exposure maps at the response's energy nodes,
interpolated log-linearly in energy like the response. The integral uses the trapezoid
rule in ln E on a fine grid. The threshold applies to the model's (true) energy: with
CALET's ~2 % energy resolution the migration across a threshold changes N by about a per cent
on a spectrum of index ~3, which is neglected here.
"""

from __future__ import annotations

from collections.abc import Callable

import healpy as hp
import numpy as np

from .response import Response


def total_exposure(node_maps: np.ndarray) -> np.ndarray:
    """∫ exposure dΩ (m² s sr) at each node, from maps (n_nodes, npix)."""
    npix = node_maps.shape[1]
    return node_maps.sum(axis=1) * hp.nside2pixarea(hp.npix2nside(npix))


def expected_counts(
    flux: Callable[[np.ndarray], np.ndarray],
    node_maps: np.ndarray,
    response: Response,
    thresholds_gev: np.ndarray,
    max_energy_gev: float,
    n_grid: int = 4000,
) -> np.ndarray:
    """Expected isotropic event counts above each threshold."""
    exposure = total_exposure(node_maps)
    out = []
    for threshold in np.atleast_1d(thresholds_gev):
        energies = np.geomspace(threshold, max_energy_gev, n_grid)
        integrand = flux(energies) * (response.node_weight_matrix(energies) @ exposure) * energies
        out.append(
            float(np.sum(0.5 * (integrand[1:] + integrand[:-1]) * np.diff(np.log(energies))))
        )
    return np.array(out)
