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


def test_time_system_from_fits_keywords():
    """Fermi's MJDREF keywords give MET; MJDREF as one number, TIMEUNIT d and TIMEZERO too;
    a system's own keywords read back as itself."""
    import pytest

    from calet_aniso.ingest.time_system import from_fits_keywords

    met = TimeSystem("2001-01-01T00:01:04.184", "tt")
    fermi = {"MJDREFI": 51910, "MJDREFF": 7.428703703703703e-4, "TIMESYS": "TT"}
    system, zero, unit = from_fits_keywords(fermi)
    assert system.same_as(met) and zero == 0.0 and unit == 1.0
    system, zero, unit = from_fits_keywords(
        {"MJDREF": 51910.0007428703703703703, "TIMEUNIT": "d", "TIMEZERO": 0.5}
    )
    assert system.same_as(met) and zero == 43200.0 and unit == 86400.0  # TIMESYS defaults to TT
    assert from_fits_keywords({"TELESCOP": "GLAST"}) is None
    for system in (met, TimeSystem("1970-01-01T00:00:00", "utc")):
        keywords = {key: value for key, (value, _) in system.fits_keywords().items()}
        assert from_fits_keywords(keywords)[0].same_as(system)
    with pytest.raises(ValueError, match="TIMESYS = 'LOCAL'"):
        from_fits_keywords({"MJDREF": 51910.0, "TIMESYS": "LOCAL"})
    with pytest.raises(ValueError, match="TIMESYS = 'UT1': UT1 needs IERS"):
        from_fits_keywords({"MJDREF": 51910.0, "TIMESYS": "UT1"})
    assert not met.same_as(TimeSystem("2001-01-01T00:01:04.185", "tt"))
