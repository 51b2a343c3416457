"""A live-time model for CALET on the ISS: South Atlantic Anomaly gaps and dead time.

Inside the South Atlantic Anomaly (modelled as an ellipse in geographic longitude and
latitude) no data are taken. Elsewhere the dead-time fraction grows towards high
geomagnetic latitude, where the trigger rate is higher: dead = base + polar·(|lat|/52°)^4,
with a small random jitter per interval. The defaults give a total live-time fraction
near the measured 84 % (Asaoka et al., Astropart. Phys. 100, 29 (2018)); the shape
parameters are model choices, not measured values.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class LiveTimeModel:
    """Parameters of the live-time model (angles in degrees)."""

    saa_lon_deg: float
    saa_lat_deg: float
    saa_half_width_lon_deg: float
    saa_half_width_lat_deg: float
    dead_base: float
    dead_polar: float
    jitter: float
    polar_reference_lat_deg: float = 52.0  # latitude of the full extra dead time (model constant)

    def in_saa(self, lat_deg: np.ndarray, lon_deg: np.ndarray) -> np.ndarray:
        """Whether the sub-satellite point is inside the SAA ellipse."""
        dlon = (np.asarray(lon_deg) - self.saa_lon_deg + 180.0) % 360.0 - 180.0
        dlat = np.asarray(lat_deg) - self.saa_lat_deg
        return (dlon / self.saa_half_width_lon_deg) ** 2 + (
            dlat / self.saa_half_width_lat_deg
        ) ** 2 <= 1.0

    def live_fraction(
        self, lat_deg: np.ndarray, lon_deg: np.ndarray, rng: np.random.Generator
    ) -> np.ndarray:
        """Live-time fraction of each interval, in [0, 1]."""
        dead = (
            self.dead_base + self.dead_polar * (np.abs(lat_deg) / self.polar_reference_lat_deg) ** 4
        )
        dead = dead + self.jitter * rng.standard_normal(len(dead))
        live = np.clip(1.0 - dead, 0.0, 1.0)
        return np.where(self.in_saa(lat_deg, lon_deg), 0.0, live)
