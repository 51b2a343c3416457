"""Attitude interpolation: exact for a uniform rotation, and the interval lookup."""

import numpy as np
from scipy.spatial.transform import Rotation

from calet_aniso.geometry.attitude import interpolate_attitude, interval_index
from calet_aniso.geometry.frames import lonlat


def uniform_rotation(times, rate_rad_s=1.13e-3):
    """Attitude turning at a constant rate about a tilted axis (like an orbit)."""
    axis = np.array([0.3, -0.5, 0.81])
    axis /= np.linalg.norm(axis)
    base = Rotation.from_euler("zyx", [10, 20, 30], degrees=True)
    return (Rotation.from_rotvec(np.outer(times * rate_rad_s, axis)) * base).as_matrix()


def axes_of(rot):
    ra_z, dec_z = lonlat(rot[:, :, 2])
    ra_x, dec_x = lonlat(rot[:, :, 0])
    return ra_z, dec_z, ra_x, dec_x


def test_interval_index():
    start = np.array([0.0, 10.0, 30.0])
    stop = np.array([10.0, 20.0, 40.0])
    times = np.array([-1.0, 0.0, 9.99, 10.0, 25.0, 40.0, 41.0])
    np.testing.assert_array_equal(interval_index(start, stop, times), [-1, 0, 0, 1, -1, 2, -1])
    # rows that more rows follow (a window of a streamed table): the last stop is open
    open_end = interval_index(start, stop, times, closed=False)
    np.testing.assert_array_equal(open_end, [-1, 0, 0, 1, -1, -1, -1])


def test_slerp_is_exact_for_uniform_rotation_including_edges(rng):
    start = np.arange(0.0, 600.0, 30.0)
    start = np.concatenate([start, [900.0]])  # an isolated interval after a gap
    stop = start + 30.0
    mid = 0.5 * (start + stop)
    axes = axes_of(uniform_rotation(mid))
    contiguous = start < 600
    times = rng.uniform(0, 600, 500)
    index = interval_index(start, stop, times)
    got = interpolate_attitude(start, stop, mid, axes, times, index)
    np.testing.assert_allclose(got, uniform_rotation(times), atol=1e-9)
    # The isolated interval keeps its own attitude.
    t_iso = np.array([905.0, 929.0])
    got_iso = interpolate_attitude(
        start, stop, mid, axes, t_iso, interval_index(start, stop, t_iso)
    )
    np.testing.assert_allclose(
        got_iso, np.repeat(uniform_rotation(mid[~contiguous]), 2, axis=0), atol=1e-12
    )


def test_start_convention_is_exact_for_uniform_rotation(rng):
    """Attitude given at interval starts (Fermi FT2): exact between starts, extrapolated in
    the last interval of a stretch, and a zero-length first interval does no harm."""
    start = np.concatenate([[0.0], np.arange(0.0, 600.0, 30.0)])  # zero-length first interval
    stop = np.concatenate([[0.0], np.arange(30.0, 630.0, 30.0)])
    axes = axes_of(uniform_rotation(start))
    times = rng.uniform(0, 630, 500)
    index = interval_index(start, stop, times)
    got = interpolate_attitude(start, stop, start, axes, times, index)
    np.testing.assert_allclose(got, uniform_rotation(times), atol=1e-9)
