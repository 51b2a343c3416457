"""Fermi-LAT FT1/FT2 files as the Fermi Science Tools write them, for the tests.

Columns, formats and units follow the FSSC definitions of the spacecraft (FT2, extension
SC_DATA) and event (FT1, extension EVENTS, with a GTI extension) files, vector columns
included; times are mission elapsed time (TT seconds since 2001-01-01 00:01:04.184 TT) with
the MJDREF/TIMESYS keywords. The attitude columns hold at each interval's START.

Everything is computed here independently of the pipeline's frames code: the attitude is an
exact constant-rate rotation (a circular orbit in local-vertical attitude), evaluated with
scipy's Rotation; sky directions go through astropy's SkyCoord.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import astropy.units as u
import numpy as np
from astropy.coordinates import SkyCoord
from astropy.io import fits
from scipy.spatial.transform import Rotation, Slerp

#: Fermi MET reference: 2001-01-01 00:00:00 UTC = MJD 51910 + 64.184 s TT.
MJDREFI = 51910
MJDREFF = 7.428703703703703e-4
MET_START = 5.0e8  # 2016-11-05
INTERVAL_S = 30.0
ORBIT_PERIOD_S = 5730.0


def _header(kind: str) -> fits.Header:
    header = fits.Header()
    for key, value in (
        ("TELESCOP", "GLAST"),
        ("INSTRUME", "LAT"),
        ("EQUINOX", 2000.0),
        ("RADECSYS", "FK5"),
        ("TIMEUNIT", "s"),
        ("TIMESYS", "TT"),
        ("MJDREFI", MJDREFI),
        ("MJDREFF", MJDREFF),
        ("TIMEREF", "LOCAL"),
        ("TIMEZERO", 0.0),
        ("TASSIGN", "SATELLITE"),
        ("FILENAME", f"test_{kind}.fits"),
    ):
        header[key] = value
    return header


def true_attitude(met: np.ndarray) -> Rotation:
    """Detector axes in ICRS at MET (s): +z to the zenith of a circular 25.6° orbit, +x along
    the velocity: a rotation at constant rate about the orbit normal."""
    tilt = Rotation.from_euler("zx", [40.0, 25.6], degrees=True)  # node, inclination
    phase = 2 * np.pi * (np.asarray(met) - MET_START) / ORBIT_PERIOD_S
    # At phase 0: zenith along +x of the orbit frame, velocity along +y.
    base = Rotation.from_matrix(np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]))
    spin = Rotation.from_rotvec(np.outer(phase, [0.0, 0.0, 1.0]))
    return tilt * spin * base


def radec(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """RA, Dec (deg) of ICRS Cartesian vectors, through astropy."""
    coord = SkyCoord(*np.asarray(vectors).T, frame="icrs", representation_type="cartesian")
    sph = coord.represent_as("unitspherical")
    return sph.lon.to_value(u.deg), sph.lat.to_value(u.deg)


@dataclass
class FermiPeriod:
    """What the test files hold, in float64, for comparisons."""

    start: np.ndarray
    stop: np.ndarray
    livetime: np.ndarray
    gti: np.ndarray
    event_time: np.ndarray
    event_energy_gev: np.ndarray
    event_radec: tuple[np.ndarray, np.ndarray]
    dropped: dict[str, int]
    good_livetime_s: float


def write_fermi_period(
    folder: Path,
    hours: float = 30.0,
    n_events: int = 4000,
    seed: int = 5,
    attitude_format: str = "E",
) -> FermiPeriod:
    """Write ``ft2.fits`` and ``ft1.fits`` in ``folder`` and return what they hold.

    The FT2 file starts with a zero-length interval, has 30 s intervals with LIVETIME = 0 in
    a 10-minute "SAA" passage every orbit, and the FT1 file has events everywhere in the
    coverage; its GTIs exclude every SAA passage but the first, and a 12-minute stretch of
    live time; events outside the GTIs and in the first (not excluded) SAA passage are the
    ones ingest must drop. ``attitude_format`` is the FITS format of RA_SCZ ... DEC_SCX: 'E'
    (float32) as the FSSC defines it, or 'D' for comparisons below float32 rounding.
    """
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    n = int(hours * 3600 / INTERVAL_S)
    start = np.concatenate([[MET_START], MET_START + INTERVAL_S * np.arange(n)])
    stop = np.concatenate([[MET_START], start[1:] + INTERVAL_S])  # first: zero length
    phase = ((start - MET_START) % ORBIT_PERIOD_S) / ORBIT_PERIOD_S
    in_saa = (phase > 0.30) & (phase < 0.30 + 600.0 / ORBIT_PERIOD_S)
    in_saa[0] = False
    livetime = np.where(in_saa, 0.0, 0.9 * (stop - start))
    attitude = true_attitude(start)
    matrices = attitude.as_matrix()
    ra_z, dec_z = radec(matrices[:, :, 2])
    ra_x, dec_x = radec(matrices[:, :, 0])
    quaternion = attitude.as_quat()  # x, y, z, w as FT2's QSJ_1..4

    # GTIs: the coverage without SAA passages (but the first) and one 12-minute stretch.
    edges = np.flatnonzero(np.diff(np.concatenate([[False], in_saa, [False]]).astype(int)))
    passages = edges.reshape(-1, 2)
    bad = [(start[a], stop[b - 1]) for a, b in passages[1:]]
    gap_start = MET_START + 0.55 * ORBIT_PERIOD_S + 7.0  # not on an interval boundary
    bad.append((gap_start, gap_start + 720.0))
    bad.sort()
    gti, cursor = [], start[1]
    for low, high in bad:
        gti.append((cursor, low))
        cursor = high
    gti.append((cursor, stop[-1]))
    gti = np.array(gti)

    # Events: uniform in time over the coverage, isotropic within 60° of the boresight.
    times = np.sort(rng.uniform(start[1], stop[-1] - 1e-3, n_events))
    cos_theta = rng.uniform(np.cos(np.radians(60.0)), 1.0, n_events)
    theta = np.degrees(np.arccos(cos_theta))
    phi = rng.uniform(0.0, 360.0, n_events)
    v_det = np.stack(
        [
            np.sin(np.radians(theta)) * np.cos(np.radians(phi)),
            np.sin(np.radians(theta)) * np.sin(np.radians(phi)),
            cos_theta,
        ],
        axis=1,
    )
    v_icrs = true_attitude(times).apply(v_det)
    ra, dec = radec(v_icrs)
    galactic = SkyCoord(ra=ra * u.deg, dec=dec * u.deg, frame="icrs").galactic
    energy_gev = 20.0 * (1.0 - rng.random(n_events)) ** (-1.0 / 2.0)  # E^-3 above 20 GeV

    in_gti = np.zeros(n_events, dtype=bool)
    for low, high in gti:
        in_gti |= (times >= low) & (times <= high)
    interval = np.searchsorted(start, times, side="right") - 1
    zero_live = livetime[interval] == 0
    dropped = {
        "outside_gti": int((~in_gti).sum()),
        "outside_orbit_coverage": 0,
        "zero_livetime": int((in_gti & zero_live).sum()),
    }
    overlap = np.zeros(len(start))
    for low, high in gti:
        overlap += np.clip(np.minimum(stop, high) - np.maximum(start, low), 0.0, None)
    length = stop - start
    fraction = np.divide(overlap, length, out=np.zeros_like(length), where=length > 0)

    f32 = np.float32
    ft2_columns = [
        fits.Column("START", "D", "s", array=start),
        fits.Column("STOP", "D", "s", array=stop),
        fits.Column("SC_POSITION", "3E", "m", array=(6.9e6 * matrices[:, :, 2]).astype(f32)),
        fits.Column("LAT_GEO", "E", "deg", array=rng.uniform(-25, 25, len(start)).astype(f32)),
        fits.Column("LON_GEO", "E", "deg", array=rng.uniform(-180, 180, len(start)).astype(f32)),
        fits.Column("RAD_GEO", "E", "m", array=np.full(len(start), 6.9e6, f32)),
        fits.Column("RA_ZENITH", "E", "deg", array=ra_z.astype(f32)),
        fits.Column("DEC_ZENITH", "E", "deg", array=dec_z.astype(f32)),
        fits.Column("B_MCILWAIN", "E", "Gauss", array=np.full(len(start), 0.3, f32)),
        fits.Column("L_MCILWAIN", "E", "Earth_Radii", array=np.full(len(start), 1.1, f32)),
        fits.Column("GEOMAG_LAT", "E", "deg", array=np.zeros(len(start), f32)),
        fits.Column("LAMBDA", "E", "deg", array=np.zeros(len(start), f32)),
        fits.Column("IN_SAA", "L", array=in_saa),
        fits.Column("RA_SCZ", attitude_format, "deg", array=ra_z),
        fits.Column("DEC_SCZ", attitude_format, "deg", array=dec_z),
        fits.Column("RA_SCX", attitude_format, "deg", array=ra_x),
        fits.Column("DEC_SCX", attitude_format, "deg", array=dec_x),
        fits.Column("RA_NPOLE", "E", "deg", array=np.zeros(len(start), f32)),
        fits.Column("DEC_NPOLE", "E", "deg", array=np.full(len(start), 90.0, f32)),
        fits.Column("ROCK_ANGLE", "E", "deg", array=np.zeros(len(start), f32)),
        fits.Column("LAT_MODE", "J", array=np.full(len(start), 5, np.int32)),
        fits.Column("LAT_CONFIG", "J", array=np.ones(len(start), np.int32)),
        fits.Column("DATA_QUAL", "J", array=np.ones(len(start), np.int32)),
        fits.Column("LIVETIME", "D", "s", array=livetime),
        *(fits.Column(f"QSJ_{k + 1}", "D", array=quaternion[:, k]) for k in range(4)),
        fits.Column("RA_SUN", "E", "deg", array=np.full(len(start), 220.0, f32)),
        fits.Column("DEC_SUN", "E", "deg", array=np.full(len(start), -15.0, f32)),
        fits.Column("SC_VELOCITY", "3E", "m/s", array=(7.6e3 * matrices[:, :, 0]).astype(f32)),
    ]
    ft2 = fits.BinTableHDU.from_columns(ft2_columns, header=_header("ft2"), name="SC_DATA")
    fits.HDUList([fits.PrimaryHDU(header=_header("ft2")), ft2]).writeto(folder / "ft2.fits")

    ft1_columns = [
        fits.Column("ENERGY", "E", "MeV", array=(1e3 * energy_gev).astype(f32)),
        fits.Column("RA", "E", "deg", array=ra.astype(f32)),
        fits.Column("DEC", "E", "deg", array=dec.astype(f32)),
        fits.Column("L", "E", "deg", array=galactic.l.deg.astype(f32)),
        fits.Column("B", "E", "deg", array=galactic.b.deg.astype(f32)),
        fits.Column("THETA", "E", "deg", array=theta.astype(f32)),
        fits.Column("PHI", "E", "deg", array=phi.astype(f32)),
        fits.Column("ZENITH_ANGLE", "E", "deg", array=theta.astype(f32)),
        fits.Column("EARTH_AZIMUTH_ANGLE", "E", "deg", array=phi.astype(f32)),
        fits.Column("TIME", "D", "s", array=times),
        fits.Column("EVENT_ID", "J", array=np.arange(n_events, dtype=np.int32)),
        fits.Column("RUN_ID", "J", array=np.full(n_events, 1, np.int32)),
        fits.Column("RECON_VERSION", "I", array=np.zeros(n_events, np.int16)),
        fits.Column("CALIB_VERSION", "3I", array=np.zeros((n_events, 3), np.int16)),
        fits.Column("EVENT_CLASS", "32X", array=np.zeros((n_events, 32), bool)),
        fits.Column("EVENT_TYPE", "32X", array=np.zeros((n_events, 32), bool)),
        fits.Column("CONVERSION_TYPE", "I", array=np.zeros(n_events, np.int16)),
        fits.Column("LIVETIME", "D", "s", array=rng.uniform(0, 1e-3, n_events)),
        *(fits.Column(f"DIFRSP{k}", "E", array=np.zeros(n_events, f32)) for k in range(5)),
    ]
    events = fits.BinTableHDU.from_columns(ft1_columns, header=_header("ft1"), name="EVENTS")
    gti_hdu = fits.BinTableHDU.from_columns(
        [
            fits.Column("START", "D", "s", array=gti[:, 0]),
            fits.Column("STOP", "D", "s", array=gti[:, 1]),
        ],
        header=_header("ft1"),
        name="GTI",
    )
    fits.HDUList([fits.PrimaryHDU(header=_header("ft1")), events, gti_hdu]).writeto(
        folder / "ft1.fits"
    )
    return FermiPeriod(
        start,
        stop,
        livetime,
        gti,
        times,
        energy_gev,
        (ra, dec),
        dropped,
        float(np.sum(livetime * fraction)),
    )


def midpoint_attitude(start: np.ndarray, stop: np.ndarray, axes: tuple) -> np.ndarray:
    """Attitude matrices at the interval midpoints from attitudes at the starts (deg columns
    ra_scz, dec_scz, ra_scx, dec_scx): scipy Slerp between consecutive starts, the last
    interval extrapolated with the previous step's rotation. Independent of the pipeline."""
    ra_z, dec_z, ra_x, dec_x = (np.radians(np.asarray(a, dtype=np.float64)) for a in axes)
    z = np.stack([np.cos(dec_z) * np.cos(ra_z), np.cos(dec_z) * np.sin(ra_z), np.sin(dec_z)], 1)
    x = np.stack([np.cos(dec_x) * np.cos(ra_x), np.cos(dec_x) * np.sin(ra_x), np.sin(dec_x)], 1)
    x -= np.sum(x * z, axis=1, keepdims=True) * z
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    rotations = Rotation.from_matrix(np.stack([x, np.cross(z, x), z], axis=-1))
    knots = np.append(start, 2 * start[-1] - start[-2])
    last = rotations[-1] * (rotations[-2].inv() * rotations[-1])
    extended = Rotation.concatenate([rotations, last])
    unique = np.concatenate([np.diff(knots) > 0, [True]])  # the zero-length interval's knot
    slerp = Slerp(knots[unique], extended[np.flatnonzero(unique)])
    return slerp(0.5 * (start + stop)).as_matrix()
