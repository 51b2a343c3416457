"""The simulated ISS orbit, measured from the orbit table it writes."""

import numpy as np

from calet_aniso.geometry.frames import unit_vector


def orbit_normals(orbit_table):
    z = unit_vector(orbit_table["ra_scz"].to_numpy(), orbit_table["dec_scz"].to_numpy())
    x = unit_vector(orbit_table["ra_scx"].to_numpy(), orbit_table["dec_scx"].to_numpy())
    normal = np.cross(z, x)  # +y axis: z × x, the orbit normal for an LVLH attitude
    return normal, z


def test_inclination_period_and_node_precession(small_observation):
    orbit_table = small_observation[0]
    normal, _ = orbit_normals(orbit_table)
    inclination = np.degrees(np.arccos(normal[:, 2]))
    np.testing.assert_allclose(inclination, 51.6, atol=0.1)

    dec = orbit_table["dec_scz"].to_numpy()
    t_mid = 0.5 * (orbit_table["start"] + orbit_table["stop"]).to_numpy()
    up = np.flatnonzero((dec[:-1] < 0) & (dec[1:] >= 0))
    crossing = t_mid[up] - dec[up] * (t_mid[up + 1] - t_mid[up]) / (dec[up + 1] - dec[up])
    period_min = np.diff(crossing).mean() / 60.0
    assert abs(period_min - 92.7) < 0.3, period_min

    raan = np.degrees(np.unwrap(np.arctan2(normal[:, 0], -normal[:, 1])))
    rate_deg_per_day = np.polyfit(t_mid / 86400.0, raan, 1)[0]
    assert abs(rate_deg_per_day - (-5.0)) < 0.1, rate_deg_per_day


def test_attitude_is_local_vertical(small_observation):
    orbit_table, _, _, orbit = small_observation
    lat = orbit_table["lat_geo"].to_numpy()
    np.testing.assert_allclose(lat, orbit_table["dec_scz"], atol=1e-9)  # geocentric zenith
    assert np.abs(lat).max() < 51.7 and np.abs(lat).max() > 51.5
    np.testing.assert_allclose(orbit_table["alt_km"], orbit.altitude_km)
    assert 380 < orbit.altitude_km < 430
