"""Time systems against astropy's own formats."""

import numpy as np
from astropy.time import Time

from calet_aniso.ingest.time_system import TimeSystem


def test_default_is_unix_time():
    ts = TimeSystem("1970-01-01T00:00:00", "utc")
    t = Time(["2015-10-13T00:00:00", "2016-12-31T23:59:59", "2018-10-31T12:00:00"], scale="utc")
    np.testing.assert_allclose(ts.to_seconds(t), t.unix, rtol=0, atol=1e-5)
    np.testing.assert_allclose(ts.to_time(t.unix).unix, t.unix, rtol=0, atol=1e-5)


def test_fermi_mission_elapsed_time_counts_leap_seconds():
    # Fermi MET: SI seconds since 2001-01-01 00:00:00 UTC (= TT 00:01:04.184).
    met = TimeSystem(epoch="2001-01-01T00:01:04.184", scale="tt")
    # Four leap seconds (2005, 2008, 2012, 2015) between the epoch and 2015-10-13.
    assert abs(met.to_seconds("2015-10-13T00:00:00") - (5398 * 86400 + 4)) < 1e-4
    assert met.to_iso_utc(466387204.0) == "2015-10-13T00:00:00.000"
