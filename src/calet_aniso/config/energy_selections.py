"""Energy selections: the integral samples above each threshold and the differential bins.

A *threshold* selection holds the events with E ≥ E_min (the proceedings' samples); a *bin*
holds E_min ≤ E < E_max (E_max may be ∞), as Fermi-LAT reports its limits (PRL 118 091103,
2017). Every product of a sample (average exposure, sky maps, statistics, Monte Carlo, belt)
exists per selection, named by its :attr:`EnergySelection.label` (``125``, ``133.154-177.784``,
``1998.05-inf``).

The Monte Carlo is nested (:func:`elementary_bins`): the edges of all selections cut the
energy axis into elementary bins, each sample draws every elementary bin once, and a
selection's sky is the sum of its elementary bins' skies, so a sample's events above 250 GeV
are a subset of its events above 125 GeV, as in the data.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from calet_aniso.errors import ConfigError

#: ``analysis.energy_bins_gev`` value meaning: the Fermi-LAT 2017 bin edges above the lowest
#: threshold, then one bin to the highest energy.
FERMI_BINS = "fermi_lat_2017"


def _edge_label(energy_gev: float) -> str:
    return "inf" if math.isinf(energy_gev) else f"{float(energy_gev):g}"


@dataclass(frozen=True, order=True)
class EnergySelection:
    """Events with ``min_gev`` ≤ E (< ``max_gev`` for a bin); energies in GeV."""

    min_gev: float
    max_gev: float = math.inf
    kind: str = "threshold"  # "threshold" (E ≥ min) or "bin" (min ≤ E < max)

    def __post_init__(self) -> None:
        if self.kind not in ("threshold", "bin"):
            raise ValueError(f"selection kind must be 'threshold' or 'bin', not {self.kind!r}")
        if self.kind == "threshold" and not math.isinf(self.max_gev):
            raise ValueError("a threshold selection has no upper energy")
        if not self.min_gev < self.max_gev:
            raise ValueError(f"empty energy range [{self.min_gev}, {self.max_gev})")

    @property
    def label(self) -> str:
        """File-name label: '125' for a threshold, '133.154-177.784' or '1998.05-inf' for a bin."""
        if self.kind == "threshold":
            return _edge_label(self.min_gev)
        return f"{_edge_label(self.min_gev)}-{_edge_label(self.max_gev)}"

    def describe(self) -> str:
        """Human-readable range, e.g. 'E >= 125 GeV', '133.154 <= E < 177.784 GeV'."""
        if math.isinf(self.max_gev):
            return f"E >= {self.min_gev:g} GeV"
        return f"{self.min_gev:g} <= E < {self.max_gev:g} GeV"

    def contains(self, energies_gev: np.ndarray) -> np.ndarray:
        """Boolean mask of the energies in the selection."""
        energies = np.asarray(energies_gev)
        return (energies >= self.min_gev) & (energies < self.max_gev)

    def stream_key(self) -> int:
        """Integer key of the selection's own random streams (belts, injections): a threshold's
        is its energy in MeV (as before bins existed); a bin's has bit 62 set and both edges."""
        low = round(self.min_gev * 1000.0)
        if self.kind == "threshold":
            return low
        high = 0xFFFFFFF if math.isinf(self.max_gev) else round(self.max_gev * 1000.0)
        return (1 << 62) | (low << 31) ^ high


def fermi_bin_edges(fermi_limits: str | Path) -> np.ndarray:
    """Bin edges (GeV) of the Fermi-LAT limits table (columns e_low_gev, e_high_gev)."""
    table = pd.read_csv(fermi_limits, comment="#")
    return np.unique(np.concatenate([table["e_low_gev"], table["e_high_gev"]]))


def energy_bins(
    setting: str | list[float], thresholds_gev: list[float], fermi_limits: str | Path
) -> list[EnergySelection]:
    """The differential bins of ``analysis.energy_bins_gev``: consecutive edges of a list
    (the last may be ∞), or for ``fermi_lat_2017`` the Fermi-LAT edges at or above the lowest
    threshold, then one bin from the last edge to ∞."""
    if setting == FERMI_BINS:
        edges = fermi_bin_edges(fermi_limits)
        edges = [*edges[edges >= min(thresholds_gev)], math.inf]
    else:
        edges = [float(e) for e in setting]
    return [EnergySelection(lo, hi, "bin") for lo, hi in itertools.pairwise(edges)]


def selections_from_config(config: dict) -> tuple[list[EnergySelection], list[EnergySelection]]:
    """The configuration's threshold selections and differential bins."""
    analysis = config["analysis"]
    thresholds = [EnergySelection(float(t)) for t in analysis["thresholds_gev"]]
    bins = energy_bins(
        analysis["energy_bins_gev"], analysis["thresholds_gev"], config["figures"]["fermi_limits"]
    )
    return thresholds, bins


def check_energy_bins(setting: str | list[float]) -> None:
    """ConfigError naming ``analysis.energy_bins_gev`` unless its edges increase strictly and
    only the last is infinite."""
    if setting == FERMI_BINS:
        return
    edges = [float(e) for e in setting]
    key = "analysis.energy_bins_gev"
    if len(edges) == 1:
        raise ConfigError(key, "one edge makes no bin: give two or more, or [] for none")
    if any(not math.isfinite(e) for e in edges[:-1]) or any(math.isnan(e) for e in edges):
        raise ConfigError(key, "every edge but the last must be a finite number (GeV)")
    if any(b <= a for a, b in itertools.pairwise(edges)):
        raise ConfigError(key, f"edges must increase strictly: {edges}")


@dataclass(frozen=True)
class NestedBins:
    """The elementary bins of a set of selections and which of them each selection sums.

    ``bins``: elementary bins in increasing energy, covering [lowest edge, ∞) but only where
    some selection needs them; ``members[s]``: indices of the bins summed by selection s.
    """

    bins: tuple[EnergySelection, ...]
    members: tuple[tuple[int, ...], ...]


def elementary_bins(selections: list[EnergySelection]) -> NestedBins:
    """Cut the energy axis at every selection edge (see the module docstring)."""
    edges = sorted({s.min_gev for s in selections} | {s.max_gev for s in selections})
    pieces = [EnergySelection(lo, hi, "bin") for lo, hi in itertools.pairwise(edges)]
    inside = [
        [i for i, piece in enumerate(pieces) if s.min_gev <= piece.min_gev < s.max_gev]
        for s in selections
    ]
    used = sorted({i for members in inside for i in members})
    renumber = {old: new for new, old in enumerate(used)}
    return NestedBins(
        tuple(pieces[i] for i in used),
        tuple(tuple(renumber[i] for i in members) for members in inside),
    )
