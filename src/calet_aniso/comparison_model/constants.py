"""Physical constants and unit conversions (CGS + GeV), from astropy."""

from __future__ import annotations

import astropy.constants as const
import astropy.units as u

C_CM_S = const.c.to(u.cm / u.s).value
KPC_CM = (1 * u.kpc).to(u.cm).value
YR_S = (1 * u.yr).to(u.s).value  # Julian year
KYR_S = 1e3 * YR_S
GEV_PER_ERG = (1 * u.erg).to(u.GeV).value
EV_PER_CM3_IN_GEV = 1e-9
ELECTRON_MASS_GEV = (const.m_e * const.c**2).to(u.GeV).value
SIGMA_T_CM2 = const.sigma_T.to(u.cm**2).value
