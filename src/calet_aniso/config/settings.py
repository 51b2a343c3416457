"""Typed settings of configuration sections a rule takes whole.

Each is built from its validated section (defaults filled in by the schema, the only place
defaults live) with ``from_config``; a key the type does not know, or a missing one, is an
error, so the types and the schema cannot drift apart silently. Sections with behaviour have
their type beside the code that uses it: ``ingest.time_system.TimeSystem``,
``simulation.observation.SimulationSettings``, ``comparison_model.configuration``. Rules that
need a few keys of a section take just those as parameters (a parameter that changes reruns
the rule, so a rule takes no key it does not use).
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
    """``ingest``: energy cut (GeV), tolerance of the check of the file's (RA, Dec) and (l, b)
    (deg), and what to do with events outside the orbit coverage or live time ('error' or
    'drop')."""

    min_energy_gev: float
    lb_tolerance_deg: float
    outside_livetime: str


@dataclasses.dataclass(frozen=True)
class ExposureSettings(_Section):
    """``exposure``: live-time cube binning (boresight Nside, roll bin in deg)."""

    cube_nside: int
    roll_bin_deg: float
