"""Parse-time checks of a (schema-validated) configuration that a JSON schema cannot express.

The workflow calls :func:`check_config` while parsing, so a bad configuration stops the
run before any job starts, with a message naming the key. Nothing here imports the
simulation or the analysis: validating a real-data configuration loads neither.
"""

from __future__ import annotations

import glob
import math
from pathlib import Path

import numpy as np
from astropy.time import Time

from calet_aniso.config.energy_selections import check_energy_bins, selections_from_config
from calet_aniso.config.paths import threshold_label
from calet_aniso.errors import ConfigError

RAW_NAMES = ("orbit", "events")


def _parse_time(key: str, value: str) -> Time:
    try:
        return Time(value, scale="utc")
    except ValueError as exc:
        raise ConfigError(key, f"not an ISO-8601 time: {value!r}") from exc


def expand_globs(key: str, patterns: list[str]) -> list[str]:
    """Sorted files matching the globs; ConfigError naming the key if a glob matches none."""
    if not patterns:
        raise ConfigError(key, "no files given (data.source is 'files')")
    files: list[str] = []
    for pattern in patterns:
        # Brackets are taken literally when files with those brackets exist ('run[1]/*.fits'),
        # else as a glob character class ('orbit_[0-9].fits').
        matched = sorted(glob.glob(pattern.replace("[", "[[]"))) or sorted(glob.glob(pattern))
        if not matched:
            raise ConfigError(key, f"glob {pattern!r} matches no file")
        files.extend(matched)
    return sorted(dict.fromkeys(files))


def _check_model(model: dict) -> None:
    """Comparison-model inputs exist; at least one e⁺ + e⁻ table is fitted."""
    fit = model["fit"]
    if not fit["electron_positron_tables"]:
        raise ConfigError("model.fit.electron_positron_tables", "at least one table is needed")
    for group in ("electron_positron_tables", "positron_tables"):
        for name, path in fit[group].items():
            if not Path(path).is_file():
                raise ConfigError(f"model.fit.{group}.{name}", f"file not found: {path}")
    if not Path(model["pulsars"]["catalogue"]).is_file():
        raise ConfigError(
            "model.pulsars.catalogue", f"file not found: {model['pulsars']['catalogue']}"
        )


def _non_finite_key(value: object, key: str = "") -> str | None:
    """The dotted key of the first NaN or infinite number in a configuration, if any."""
    if isinstance(value, dict):
        for name, item in value.items():
            found = _non_finite_key(item, f"{key}.{name}" if key else str(name))
            if found:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _non_finite_key(item, f"{key}[{index}]")
            if found:
                return found
    elif isinstance(value, float) and not np.isfinite(value):
        return key
    return None


def check_config(config: dict) -> None:
    """Raise ConfigError for a configuration that passes the schema but cannot work."""
    bins = config["analysis"].get("energy_bins_gev", [])
    bad = _non_finite_key(
        {**config, "analysis": {**config["analysis"], "energy_bins_gev": bins[:-1]}}
        if isinstance(bins, list) and bins and bins[-1] == math.inf  # an open last bin
        else config
    )
    if bad:  # YAML's .nan and .inf pass a schema's "number" (.nan turns a check off unseen)
        raise ConfigError(bad, "not a finite number")
    thresholds = np.asarray(config["analysis"]["thresholds_gev"], dtype=float)
    labels = [threshold_label(t) for t in thresholds]
    if len(set(labels)) != len(labels):
        raise ConfigError(
            "analysis.thresholds_gev",
            f"thresholds {thresholds.tolist()} give the same file names {labels}: "
            "they must differ in their first decimals",
        )
    if np.any(np.diff(thresholds) <= 0):
        raise ConfigError(
            "analysis.thresholds_gev", f"must be strictly increasing, got {thresholds.tolist()}"
        )
    check_energy_bins(bins)
    every = [s for group in selections_from_config(config) for s in group]
    selections = [s.label for s in every]
    repeated = sorted({label for label in selections if selections.count(label) > 1})
    if repeated:
        raise ConfigError(
            "analysis.energy_bins_gev",
            f"selections {repeated} appear twice (thresholds and bins must differ)",
        )
    lowest = min(s.min_gev for s in every)
    if config["ingest"]["min_energy_gev"] > lowest:
        raise ConfigError(
            "ingest.min_energy_gev",
            f"{config['ingest']['min_energy_gev']} GeV is above the lowest threshold or bin "
            f"edge {lowest:g} GeV",
        )
    missing = sorted(set(config["figures"]["exposure_thresholds_gev"]) - set(thresholds.tolist()))
    if missing:
        raise ConfigError(
            "figures.exposure_thresholds_gev", f"{missing} not among analysis.thresholds_gev"
        )
    if config["mc"]["shards"] > config["mc"]["samples"]:
        raise ConfigError("mc.shards", "more shards than samples")
    if config["mc"]["flux_source"] == "table" and not Path(config["mc"]["flux_table"]).is_file():
        raise ConfigError("mc.flux_table", f"file not found: {config['mc']['flux_table']}")
    _check_model(config["model"])
    curve_top = config["model"]["curve_max_energy_gev"]
    if config["mc"]["flux_source"] == "fitted_model" and config["mc"]["max_energy_gev"] > curve_top:
        raise ConfigError(
            "mc.max_energy_gev",
            f"above model.curve_max_energy_gev = {curve_top} GeV, where the fitted model ends",
        )
    fit_min = config["model"]["fit"]["min_energy_gev"]
    if config["mc"]["flux_source"] == "fitted_model" and thresholds[0] < fit_min:
        raise ConfigError(
            "mc.flux_source",
            f"the fitted model starts at model.fit.min_energy_gev = {fit_min} GeV, above the "
            f"lowest threshold {thresholds[0]} GeV; lower the one or use a flux table",
        )
    if not Path(config["response"]).is_file():
        raise ConfigError("response", f"file not found: {config['response']}")
    if "time_system" in config:
        _parse_time("time_system.epoch", config["time_system"]["epoch"])
    if config["data"]["source"] == "files":
        files = [
            f for name in RAW_NAMES for f in expand_globs(f"data.{name}", config["data"][name])
        ]
        if "time_system" not in config and all(".csv" in Path(f).name.lower() for f in files):
            raise ConfigError(
                "time_system", "CSV files state no time system: give its epoch and scale"
            )
        return
    for name in RAW_NAMES:
        if config["data"][name]:
            raise ConfigError(
                f"data.{name}",
                "files given while data.source is 'simulation' (they would be ignored and "
                "the period simulated): set data.source: files",
            )
    sim = config["simulation"]
    start = _parse_time("simulation.start", sim["start"])
    stop = _parse_time("simulation.stop", sim["stop"])
    # Days of UTC: a leap second does not matter here, and the difference in TAI (stop -
    # start) loads the leap-second table, 0.3 s of every workflow start.
    if ((stop.jd1 - start.jd1) + (stop.jd2 - start.jd2)) * 86400.0 < sim["cadence_s"]:
        raise ConfigError("simulation.stop", "must be at least one cadence after simulation.start")
    if sim["max_energy_gev"] <= sim["min_energy_gev"]:
        raise ConfigError("simulation.max_energy_gev", "must exceed simulation.min_energy_gev")
    for key in ("flux_table", "tle_file"):
        if not Path(sim[key]).is_file():
            raise ConfigError(f"simulation.{key}", f"file not found: {sim[key]}")
