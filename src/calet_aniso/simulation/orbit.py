"""ISS orbit from two-line elements: circular mean-element orbit with secular precession.

The elements are parsed with sgp4, which also supplies the secular rates of the node,
argument of perigee and mean anomaly (J2 and J4). The orbit is propagated with these
secular rates only: a circular orbit (the ISS eccentricity is ~4e-4) at the TLE's mean
semi-major axis, held constant because the ISS is reboosted. The orbit frame is taken
as ICRS: the ~0.25° difference between the TLE's true-of-date frame and ICRS only
shifts the node, which is a free phase of a simulated orbit anyway.

Attitude: local vertical, local horizontal (LVLH) — detector +z along the geocentric
zenith (the satellite's position vector), +x along the orbital velocity.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import erfa
import numpy as np
from astropy.time import Time
from sgp4.api import Satrec

from calet_aniso.ingest.time_system import SECONDS_PER_DAY

TT_MINUS_UTC_S = 69.184  # TT - UTC in 2017-2024 (32.184 s + 37 leap seconds); used for GMST only


def read_tle_file(path: str | Path) -> list[tuple[str, str]]:
    """Pairs of TLE lines in a text file ('#' comment lines ignored)."""
    lines = [
        ln.rstrip()
        for ln in Path(path).read_text().splitlines()
        if ln.strip() and not ln.startswith("#")
    ]
    pairs = []
    for first, second in zip(lines[::2], lines[1::2], strict=False):
        if not (first.startswith("1 ") and second.startswith("2 ")):
            raise ValueError(f"{path}: malformed two-line element set near {first!r}")
        pairs.append((first, second))
    return pairs


@dataclass(frozen=True)
class CircularOrbit:
    """Circular orbit with secularly precessing node.

    Attributes
    ----------
    epoch_jd_utc : reference epoch (JD, UTC) of the elements.
    inclination_rad, raan_rad, arglat_rad : inclination, right ascension of the
        ascending node and argument of latitude (ω + M) at the epoch.
    raan_rate, arglat_rate : secular rates in rad/s.
    radius_km : orbit radius; earth_radius_km : equatorial radius of the gravity model.
    """

    epoch_jd_utc: float
    inclination_rad: float
    raan_rad: float
    arglat_rad: float
    raan_rate: float
    arglat_rate: float
    radius_km: float
    earth_radius_km: float

    @classmethod
    def from_tle(cls, line1: str, line2: str) -> CircularOrbit:
        """Mean elements and secular rates (J2, J4) from a TLE via sgp4."""
        sat = Satrec.twoline2rv(line1, line2)
        per_min_to_per_s = 1.0 / 60.0
        return cls(
            epoch_jd_utc=sat.jdsatepoch + sat.jdsatepochF,
            inclination_rad=sat.inclo,
            raan_rad=sat.nodeo,
            arglat_rad=sat.argpo + sat.mo,
            raan_rate=sat.nodedot * per_min_to_per_s,
            arglat_rate=(sat.argpdot + sat.mdot) * per_min_to_per_s,
            radius_km=sat.a * sat.radiusearthkm,
            earth_radius_km=sat.radiusearthkm,
        )

    @property
    def altitude_km(self) -> float:
        """Altitude above the equatorial radius (km)."""
        return self.radius_km - self.earth_radius_km

    @property
    def nodal_period_s(self) -> float:
        """Time between ascending node crossings (s)."""
        return 2 * np.pi / self.arglat_rate

    def _angles(self, jd_utc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        dt = (np.asarray(jd_utc) - self.epoch_jd_utc) * SECONDS_PER_DAY
        return self.raan_rad + self.raan_rate * dt, self.arglat_rad + self.arglat_rate * dt

    def zenith_and_velocity(self, jd_utc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Unit vectors (N, 3) of the zenith (+z) and the velocity direction (+x), ICRS."""
        raan, arglat = self._angles(jd_utc)
        cos_i, sin_i = np.cos(self.inclination_rad), np.sin(self.inclination_rad)
        cos_o, sin_o = np.cos(raan), np.sin(raan)
        cos_u, sin_u = np.cos(arglat), np.sin(arglat)
        zenith = np.stack(
            [
                cos_o * cos_u - sin_o * cos_i * sin_u,
                sin_o * cos_u + cos_o * cos_i * sin_u,
                sin_i * sin_u,
            ],
            axis=-1,
        )
        # d(zenith)/dt = u' d/du + Ω' d/dΩ: the inertial velocity direction.
        d_du = np.stack(
            [
                -cos_o * sin_u - sin_o * cos_i * cos_u,
                -sin_o * sin_u + cos_o * cos_i * cos_u,
                sin_i * cos_u,
            ],
            axis=-1,
        )
        d_draan = np.stack(
            [
                -sin_o * cos_u - cos_o * cos_i * sin_u,
                cos_o * cos_u - sin_o * cos_i * sin_u,
                np.zeros_like(cos_u),
            ],
            axis=-1,
        )
        velocity = self.arglat_rate * d_du + self.raan_rate * d_draan
        velocity -= np.sum(velocity * zenith, axis=-1, keepdims=True) * zenith
        velocity /= np.linalg.norm(velocity, axis=-1, keepdims=True)
        return zenith, velocity


def nearest_tle(pairs: list[tuple[str, str]], jd_utc: float) -> tuple[str, str]:
    """The element set whose epoch is closest to the given JD (UTC)."""
    epochs = [Satrec.twoline2rv(a, b) for a, b in pairs]
    distance = [abs(s.jdsatepoch + s.jdsatepochF - jd_utc) for s in epochs]
    return pairs[int(np.argmin(distance))]


def subsatellite_point(zenith: np.ndarray, jd_utc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Geocentric latitude and east longitude in [-180, 180) (degrees) below the satellite.

    Greenwich mean sidereal time from ERFA (IAU 2006) with UT1 taken as UTC (|UT1-UTC|
    < 0.9 s, i.e. < 0.004° of longitude, irrelevant for a live-time model).
    """
    jd_utc = np.asarray(jd_utc)
    whole = np.floor(jd_utc)
    frac = jd_utc - whole
    gmst = erfa.gmst06(whole, frac, whole, frac + TT_MINUS_UTC_S / SECONDS_PER_DAY)
    ra = np.arctan2(zenith[..., 1], zenith[..., 0])
    lat = np.degrees(np.arcsin(np.clip(zenith[..., 2], -1.0, 1.0)))
    lon = (np.degrees(ra - gmst) + 180.0) % 360.0 - 180.0
    return lat, lon


def jd_utc(time: Time) -> np.ndarray:
    """Julian dates (UTC) as one float64 array (sub-millisecond precision)."""
    utc = time.utc
    return utc.jd1 + utc.jd2
