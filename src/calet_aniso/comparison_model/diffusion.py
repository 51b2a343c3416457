"""Diffusion coefficient with a gradual change of slope (proceedings eq. 4.1).

D(R) = D0 (R/R0)^δl (1 + (R/Rb)^((δl − δh)/s))^(−s), in cm²/s, R in GV (R = E/e for
ultra-relativistic e±, so E in GeV is used directly). Defaults are the proceedings': δl = 0.6,
δh = 0.33, R0 = 4 GV, Rb = 300 GV, D0 = 1.3e28 cm²/s, s = 0.2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Diffusion:
    """Proceedings eq. 4.1 (rigidities in GV, D in cm²/s)."""

    d0_cm2_s: float
    r0_gv: float
    rb_gv: float
    delta_low: float
    delta_high: float
    softness: float

    @property
    def break_exponent(self) -> float:
        """k = (δl − δh)/s."""
        return (self.delta_low - self.delta_high) / self.softness

    def __call__(self, rigidity_gv: np.ndarray) -> np.ndarray:
        r = np.asarray(rigidity_gv, dtype=np.float64)
        return (
            self.d0_cm2_s
            * (r / self.r0_gv) ** self.delta_low
            * (1.0 + (r / self.rb_gv) ** self.break_exponent) ** (-self.softness)
        )
