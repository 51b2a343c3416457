"""Typed settings of the configuration sections the rules read as plain numbers.

Each is built from its validated section (defaults filled in by the schema, the only place
defaults live) with ``from_config``; a key the type does not know, or a missing one, is an
error, so the types and the schema cannot drift apart silently. Sections with behaviour have
their type beside the code that uses it: ``ingest.time_system.TimeSystem``,
``simulation.observation.SimulationSettings``, ``comparison_model.configuration``.
"""

from __future__ import annotations

import dataclasses
from typing import Self


@dataclasses.dataclass(frozen=True)
class _Section:
    @classmethod
    def from_config(cls, section: dict) -> Self:
        """Settings from the validated config section (every key, nothing else)."""
        names = [f.name for f in dataclasses.fields(cls)]
        unknown = sorted(set(section) - set(names))
        if unknown:
            raise ValueError(f"{cls.__name__}: unknown keys {unknown}")
        return cls(**{name: section[name] for name in names})


@dataclasses.dataclass(frozen=True)
class IngestSettings(_Section):
    """``ingest``: energy cut (GeV) and tolerance of the file's (l, b) check (deg)."""

    min_energy_gev: float
    lb_tolerance_deg: float


@dataclasses.dataclass(frozen=True)
class ExposureSettings(_Section):
    """``exposure``: live-time cube binning (boresight Nside, roll bin in deg)."""

    cube_nside: int
    roll_bin_deg: float


@dataclasses.dataclass(frozen=True)
class MonteCarloSettings(_Section):
    """``mc``: isotropic skies per threshold, their split into jobs, the random seed, where the
    mean count and the flux come from, and the top of the count integral (GeV)."""

    samples: int
    shards: int
    seed: int
    expected_counts: str
    flux_source: str
    flux_table: str
    max_energy_gev: float
