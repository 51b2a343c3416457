"""Pulsars from the ATNF catalogue (psrcat database format) as e± sources.

Derived quantities, as psrcat derives them: period P and derivative Ṗ from P0/P1 or F0/F1;
characteristic age τ = P / (2Ṗ); spin-down power Ė = 4π² I Ṗ / P³ with I = 10⁴⁵ g cm²;
distance DIST_A (independent estimate) if given, else from the parallax PX (1/PX), else
DIST_DM (dispersion measure with the catalogue's electron-density model). Positions from
RAJ/DECJ, or ecliptic ELONG/ELAT (J2000), converted to Galactic with astropy.

Energy budget (magnetic-dipole spin-down, braking index n):
L(t) = L0 / (1 + t/τ0)^((n+1)/(n−1)), so the total rotational energy released is
W0 = L0 τ0 (n − 1)/2 with L0 = Ė (1 + T/τ0)^((n+1)/(n−1)) for true age T; e± carry
η W0, confined in the nebula and released at T_r after birth.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from calet_aniso.comparison_model.constants import YR_S

MOMENT_OF_INERTIA_G_CM2 = 1e45
TABLE_COLUMNS = [
    "psrj",
    "gal_l_deg",
    "gal_b_deg",
    "dist_kpc",
    "dist_source",
    "p0_s",
    "p1",
    "age_yr",
    "edot_erg_s",
]


def read_psrcat(path: str | Path) -> list[dict[str, str]]:
    """Records of a psrcat .db file: one dict per pulsar, parameter name -> value string."""
    records, current = [], {}
    for line in Path(path).read_text(errors="replace").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        if line.startswith("@"):
            if current:
                records.append(current)
            current = {}
            continue
        parts = line.split()
        if len(parts) >= 2:
            current[parts[0]] = parts[1]
    if current:
        records.append(current)
    return records


def _float(record: dict[str, str], key: str) -> float:
    try:
        return float(record[key])
    except (KeyError, ValueError):
        return np.nan


def _spin(record: dict[str, str]) -> tuple[float, float]:
    p0, p1 = _float(record, "P0"), _float(record, "P1")
    if np.isnan(p0):
        f0, f1 = _float(record, "F0"), _float(record, "F1")
        p0 = 1.0 / f0
        p1 = -f1 / f0**2
    return p0, p1


def _distance(record: dict[str, str]) -> tuple[float, str]:
    if not np.isnan(_float(record, "DIST_A")):
        return _float(record, "DIST_A"), "DIST_A"
    px = _float(record, "PX")
    if px > 0:
        return 1.0 / px, "PX"
    return _float(record, "DIST_DM"), "DIST_DM"


def _galactic(records: list[dict[str, str]]) -> tuple[np.ndarray, np.ndarray]:
    # Imported here: the model's jobs use this module for the spin-down energy alone, and
    # astropy.coordinates takes 0.3 s to import.
    import astropy.units as u
    from astropy.coordinates import BarycentricMeanEcliptic, SkyCoord

    equatorial = [("RAJ" in r and "DECJ" in r) for r in records]
    l_deg = np.full(len(records), np.nan)
    b_deg = np.full(len(records), np.nan)
    eq = [r for r, e in zip(records, equatorial, strict=True) if e]
    if eq:
        coords = SkyCoord(
            [r["RAJ"] for r in eq], [r["DECJ"] for r in eq], unit=(u.hourangle, u.deg), frame="icrs"
        )
        idx = np.flatnonzero(equatorial)
        l_deg[idx], b_deg[idx] = coords.galactic.l.deg, coords.galactic.b.deg
    ec = [i for i, r in enumerate(records) if not equatorial[i] and "ELONG" in r and "ELAT" in r]
    if ec:
        coords = SkyCoord(
            [float(records[i]["ELONG"]) for i in ec] * u.deg,
            [float(records[i]["ELAT"]) for i in ec] * u.deg,
            frame=BarycentricMeanEcliptic(equinox="J2000"),
        )
        l_deg[ec], b_deg[ec] = coords.galactic.l.deg, coords.galactic.b.deg
    return l_deg, b_deg


def pulsar_table(records: list[dict[str, str]]) -> pd.DataFrame:
    """Pulsars with a position, distance and spin-down (Ṗ > 0): derived table, sorted by name."""
    rows = []
    l_deg, b_deg = _galactic(records)
    for record, gal_l, gal_b in zip(records, l_deg, b_deg, strict=True):
        p0, p1 = _spin(record)
        dist, source = _distance(record)
        if not (p0 > 0 and p1 > 0 and dist > 0 and np.isfinite(gal_l)):
            continue
        rows.append(
            {
                "psrj": record.get("PSRJ", record.get("PSRB", "?")),
                "gal_l_deg": gal_l,
                "gal_b_deg": gal_b,
                "dist_kpc": dist,
                "dist_source": source,
                "p0_s": p0,
                "p1": p1,
                "age_yr": p0 / (2.0 * p1) / YR_S,
                "edot_erg_s": 4.0 * np.pi**2 * MOMENT_OF_INERTIA_G_CM2 * p1 / p0**3,
            }
        )
    return pd.DataFrame(rows, columns=TABLE_COLUMNS).sort_values("psrj", ignore_index=True)


def total_spin_down_energy_erg(
    edot_erg_s: np.ndarray, age_yr: np.ndarray, tau0_yr: float, braking_index: float = 3.0
) -> np.ndarray:
    """W0 = L0 τ0 (n − 1)/2 with L0 = Ė (1 + T/τ0)^((n+1)/(n−1)) (erg); T the characteristic age."""
    n = braking_index
    l0 = np.asarray(edot_erg_s) * (1.0 + np.asarray(age_yr) / tau0_yr) ** ((n + 1.0) / (n - 1.0))
    return l0 * tau0_yr * YR_S * (n - 1.0) / 2.0
