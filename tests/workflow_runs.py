"""Real Snakemake runs for the workflow and cluster tests: the small test config, its result
paths, a user's data period written as files, and the command line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import REPO

from calet_aniso.config.paths import model_id, path
from calet_aniso.config.schema import load_config
from calet_aniso.ingest.contract import EVENT_COLUMNS, ORBIT_COLUMNS
from calet_aniso.io.contract_tables import write_contract_table

SMALL = REPO / "tests/configs/small.yaml"
SMALL_CONFIG = load_config(REPO / "config/config.yaml", SMALL)


def result(kind: str, config: dict = SMALL_CONFIG, **fields) -> Path:
    """A result of a run of ``config``, from the path catalogue the rules use."""
    ids = {"period": config["period"], "model": model_id(config["model"])}
    return REPO / path(kind, **ids, **fields)


def snakemake(*args: str, check: bool = True, timeout: int = 1200) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "snakemake", "--cores", "2", *args]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(
            f"{' '.join(cmd)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}"
        )
    return proc


def clean(period: str) -> None:
    shutil.rmtree(REPO / "results" / period, ignore_errors=True)


def write_user_period(tmp_path: Path, small_observation, *, break_events: bool = False) -> Path:
    """A new data period: files in a folder of the user's and one YAML pointing at them."""
    orbit, events, _, _ = small_observation
    data = tmp_path / "calet_data"
    half = len(orbit) // 2
    write_contract_table(
        orbit.iloc[:half], data / "orbit/orbit_2016_03_01.fits", ORBIT_COLUMNS, "orbit"
    )
    write_contract_table(
        orbit.iloc[half:], data / "orbit/orbit_2016_03_02.fits", ORBIT_COLUMNS, "orbit"
    )
    events = events.copy()
    if break_events:
        events.loc[events.index[10], "energy"] = -1.0
    write_contract_table(events, data / "events/events.csv", EVENT_COLUMNS, "events")
    period = "test_user_period_bad" if break_events else "test_user_period"
    cfg = {
        "period": period,
        "data": {
            "source": "files",
            "orbit": [str(data / "orbit/*.fits")],
            "events": [str(data / "events/*.csv")],
        },
        "ingest": {"min_energy_gev": 30},
        "analysis": {"thresholds_gev": [30, 60, 120], "nside": 16, "energy_bins_gev": []},
        "figures": {"exposure_thresholds_gev": [30, 120]},
        # a full run, with a Monte Carlo small enough for the test suite
        "mc": {"samples": 200, "shards": 1, "belt_skies_per_direction": 10, "injection_skies": 10},
    }
    path = tmp_path / f"{period}.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return path
