"""Command-line config values get the schema's types before validation."""

import pytest

from calet_aniso.config.coercion import coerce_types
from calet_aniso.config.schema import default_config, load_config

SCHEMA = {
    "type": "object",
    "properties": {
        "period": {"type": "string"},
        "mc": {
            "type": "object",
            "properties": {
                "samples": {"type": "integer"},
                "tolerance": {"type": "number"},
                "on": {"type": "boolean"},
            },
        },
        "thresholds": {"type": "array", "items": {"type": "number"}},
        "named": {"type": "object", "additionalProperties": {"type": "number"}},
    },
}


def test_strings_from_the_command_line_become_the_schema_types():
    given = {
        "period": 2015,
        "mc": {"samples": "2000", "tolerance": "2.5", "on": "true"},
        "thresholds": ["125", "250.5"],
        "named": {"vela": "263.55"},
    }
    assert coerce_types(given, SCHEMA) == {
        "period": "2015",
        "mc": {"samples": 2000, "tolerance": 2.5, "on": True},
        "thresholds": [125, 250.5],
        "named": {"vela": 263.55},
    }


def test_values_of_the_wrong_kind_are_left_for_validation():
    assert coerce_types({"mc": {"samples": "two"}}, SCHEMA) == {"mc": {"samples": "two"}}
    assert coerce_types({"mc": {"samples": "2.5"}}, SCHEMA) == {"mc": {"samples": "2.5"}}
    assert coerce_types({"mc": {"samples": "[1"}}, SCHEMA) == {"mc": {"samples": "[1"}}


def test_load_config_accepts_a_nested_override_given_as_text():
    assert default_config(mc={"samples": "2000"})["mc"]["samples"] == 2000
    with pytest.raises(Exception, match="two"):
        load_config(
            overrides={"period": "p", "data": {"source": "simulation"}, "mc": {"samples": "two"}}
        )


def test_an_integral_float_for_an_integer_key_becomes_the_integer():
    assert coerce_types({"mc": {"samples": 2000.0}}, SCHEMA) == {"mc": {"samples": 2000}}
    assert coerce_types({"mc": {"samples": 2000.5}}, SCHEMA) == {"mc": {"samples": 2000.5}}
    assert default_config(analysis={"nside": 16.0})["analysis"]["nside"] == 16


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ({"ingest": {"lb_tolerance_deg": float("nan")}}, "'ingest.lb_tolerance_deg'"),
        ({"ingest": {"min_energy_gev": float("nan")}}, "'ingest.min_energy_gev'"),
        ({"analysis": {"thresholds_gev": [125.00000001, 125.00000002]}}, "same file names"),
        ({"mc": {"seed": 2**64}}, "18446744073709551615"),
    ],
    ids=["nan-tolerance", "nan-energy", "colliding-labels", "huge-seed"],
)
def test_values_that_pass_a_schema_but_cannot_work_are_refused(override, key):
    """NaN (which turns the (l, b) check off unseen), thresholds whose file names collide and
    a seed beyond 64 bits stop with the key named."""
    with pytest.raises(Exception, match=key.replace(".", r"\.").replace("[", r"\[")):
        default_config(**override)


def test_ut1_is_refused_with_its_key():
    """UT1 would need IERS tables (astropy approximates silently without them)."""
    with pytest.raises(Exception, match="'ut1' is not one of"):
        default_config(simulation={"time_system": {"epoch": "2001-01-01T00:00:00", "scale": "ut1"}})


def test_glob_brackets_are_literal_where_such_files_exist(tmp_path):
    from calet_aniso.config.checks import expand_globs

    literal = tmp_path / "run[1]"
    literal.mkdir()
    (literal / "orbit.fits").write_bytes(b"")
    (tmp_path / "orbit_1.fits").write_bytes(b"")
    (tmp_path / "orbit_2.fits").write_bytes(b"")
    assert expand_globs("data.orbit", [f"{literal}/*.fits"]) == [str(literal / "orbit.fits")]
    # without such files, brackets are a character class
    assert expand_globs("data.orbit", [f"{tmp_path}/orbit_[12].fits"]) == [
        str(tmp_path / "orbit_1.fits"),
        str(tmp_path / "orbit_2.fits"),
    ]


def test_files_given_for_a_simulated_period_are_refused():
    with pytest.raises(Exception, match=r"data\.orbit.*data\.source: files"):
        default_config(data={"source": "simulation", "orbit": ["o.fits"], "events": ["e.fits"]})


@pytest.mark.parametrize(
    ("stop", "ok"),
    [("2015-10-13T00:00:29", False), ("2015-10-13T00:00:30", True), ("2015-10-12", False)],
)
def test_a_simulated_period_lasts_at_least_one_cadence(stop, ok):
    """simulation.stop at least one cadence (30 s here) after simulation.start, in UTC."""
    from calet_aniso.errors import ConfigError

    simulation = {"start": "2015-10-13T00:00:00", "stop": stop, "cadence_s": 30.0}
    if ok:
        assert default_config(simulation=simulation)["simulation"]["stop"] == stop
    else:
        with pytest.raises(ConfigError, match=r"'simulation\.stop'.*one cadence after"):
            default_config(simulation=simulation)
