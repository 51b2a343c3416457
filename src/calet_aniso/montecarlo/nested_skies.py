"""The period's isotropic skies of every energy selection, drawn nested (``NestedSky``).

Each elementary bin (``config.energy_selections.elementary_bins``) is an isotropic sky with
expected counts λ_p = N̄_b Ā_b(p) / Σ Ā_b: N̄_b its mean count (``mc.expected_counts``), Ā_b
the average exposure of the period's events in it (``exposure.average``) — or, for a bin
with no event, the exposure at its lower edge (only the model's count can then be > 0). A
selection's sky is the sum of its bins' skies, masked and weighted like its data. With the
observed counts this is exactly the selection's own isotropic sky, N̄ Ā(p) / Σ Ā (Ā is the
event mean, so Σ_b n_b Ā_b = n Ā); and a sample's events above 250 GeV are a subset of its
events above 125 GeV, as in the data, so statistics of different selections of one sample
are correlated as the data's are (the global p-value needs this).
"""

from __future__ import annotations

import numpy as np

from calet_aniso.config.energy_selections import EnergySelection, elementary_bins
from calet_aniso.exposure.average import average_exposure
from calet_aniso.exposure.node_maps import NodeExposure
from calet_aniso.instrument.response import Response
from calet_aniso.montecarlo.sampler import NestedSky

#: Stream index of the nested isotropic skies (thresholds' own streams are their MeV, > 0).
NESTED_STREAM = 0


def bin_exposure(
    nodes: NodeExposure, response: Response, energies_gev: np.ndarray, piece: EnergySelection
) -> np.ndarray:
    """Average exposure (m² s) of the events in an elementary bin; with none, the exposure at
    the bin's lower edge."""
    inside = np.asarray(energies_gev)[piece.contains(energies_gev)]
    if len(inside):
        return average_exposure(nodes, response, inside)
    return average_exposure(nodes, response, np.array([piece.min_gev]))


def nested_sky(
    selections: list[EnergySelection],
    selection_exposures: list[np.ndarray],
    nodes: NodeExposure,
    response: Response,
    energies_gev: np.ndarray,
    bin_counts: list[float],
    min_relative_exposure: float,
) -> NestedSky:
    """The nested isotropic skies of ``selections`` (module docstring); ``selection_exposures``
    are their average exposure maps (the data's), ``bin_counts`` the mean counts of their
    elementary bins in order."""
    nested = elementary_bins(selections)
    if len(bin_counts) != len(nested.bins):
        raise ValueError(f"{len(bin_counts)} mean counts for {len(nested.bins)} elementary bins")
    exposures = [bin_exposure(nodes, response, energies_gev, piece) for piece in nested.bins]
    return NestedSky.from_exposures(
        selection_exposures, exposures, bin_counts, list(nested.members), min_relative_exposure
    )
