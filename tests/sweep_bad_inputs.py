"""Hostile inputs through the real command, as a new user would bring them (#15).

Each case is a data period (a YAML and, for file cases, raw files in a folder of its own) run
with ``snakemake --cores 2 --configfile <case>.yaml``. A bad case passes when the run exits
non-zero, its output names what is wrong (the phrase listed with the case: a key, a file and
column), the controller prints no Python traceback, no result but logs is left under
``results/<period>/``, no raw file changed (sha256) and nothing appeared outside ``results/``
(shell-injection attempts). A valid control passes when ingest accepts it.

Not part of the test suite (about 6 minutes): ``make sweep-bad-inputs`` prints one line per
case and the tally; ``python tests/sweep_bad_inputs.py NAME ...`` runs only the named cases.
The suite runs representative cases of each kind (test_bad_input.py, test_workflow.py,
test_cluster.py).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

REPO = Path(__file__).resolve().parents[1]
SMALL = REPO / "tests/configs/small.yaml"
BASE_PERIOD = "test_small"
PREFIX = "sweep_"

sys.path.insert(0, str(REPO / "tests"))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def base_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The small test config's simulated orbit table and event list (3 days)."""
    from calet_aniso.ingest.contract import EVENT_COLUMNS, ORBIT_COLUMNS
    from calet_aniso.ingest.time_system import from_metadata
    from calet_aniso.io.contract_tables import read_raw_table

    raw = REPO / "results" / BASE_PERIOD / "raw"
    if not (raw / "events.parquet").exists():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "snakemake",
                "--cores",
                "2",
                "--configfile",
                str(SMALL),
                "--until",
                "simulate_observation",
            ],
            cwd=REPO,
            check=True,
            capture_output=True,
        )
    tables = []
    for name, contract in (("orbit", ORBIT_COLUMNS), ("events", EVENT_COLUMNS)):
        table = read_raw_table(raw / f"{name}.parquet", contract)
        frame = table.frame.copy()

        frame.attrs["time_system"] = from_metadata(table.header)
        frame.attrs["attitude_at"] = table.header.get("attitude_at", "midpoint")
        tables.append(frame)
    return tables[0], tables[1]


def set_value(column: str, rows: list[int], value):
    def mutate(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.copy()
        values = frame[column].to_numpy().copy()
        values[rows] = value(values[rows]) if callable(value) else value
        frame[column] = values
        return frame

    return mutate


def repeat_row(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame.iloc[25] = frame.iloc[24]
    return frame


def as_text(frame: pd.DataFrame, column: str, rows: list[int], text: str) -> pd.DataFrame:
    frame = frame.astype({column: object})
    frame.loc[frame.index[rows], column] = text
    return frame


#: File cases: name -> (which table, mutation or writer, file format, expected phrase).
FILE_CASES = {
    "energy_negative": ("events", set_value("energy", [10], -1.0), "csv", "column 'energy'"),
    "energy_nan": ("events", set_value("energy", [11], np.nan), "parquet", "column 'energy'"),
    "energy_1e30": ("events", set_value("energy", [12], 1e30), "fits", "column 'energy'"),
    "energy_1e308": ("events", set_value("energy", [13], 1e308), "csv", "column 'energy'"),
    "theta_upward": ("events", set_value("theta", [14], 170.0), "parquet", "column 'theta'"),
    "theta_outside_fov": ("events", set_value("theta", [15], 80.0), "csv", "column 'theta'"),
    "theta_181": ("events", set_value("theta", [16], 181.0), "fits", "column 'theta'"),
    "phi_400": ("events", set_value("phi", [17], 400.0), "csv", "column 'phi'"),
    "l_negative": ("events", set_value("l", [18], -5.0), "parquet", "column 'l'"),
    "b_95": ("events", set_value("b", [19], 95.0), "csv", "column 'b'"),
    "time_outside_orbit": (
        "events",
        set_value("time", [20], lambda t: t + 1e7),
        "csv",
        "column 'time'",
    ),
    "time_decades_later": (
        "events",
        set_value("time", [21], lambda t: t + 30 * 3.156e7),
        "parquet",
        "column 'time'",
    ),
    "lb_disagrees": (
        "events",
        set_value("l", [22], lambda v: (v + 1.0) % 360),
        "csv",
        "column 'l'",
    ),
    "repeated_event": ("events", repeat_row, "csv", "event repeated"),
    "missing_energy": ("events", lambda f: f.drop(columns="energy"), "csv", "column 'energy'"),
    "energy_text": (
        "events",
        lambda f: as_text(f, "energy", [7], "high"),
        "csv",
        "column 'energy'",
    ),
    "orbit_nan": ("orbit", set_value("dec_scz", [3], np.nan), "parquet", "column 'dec_scz'"),
    "orbit_negative_livetime": (
        "orbit",
        set_value("livetime", [11], -1.0),
        "csv",
        "column 'livetime'",
    ),
    "orbit_excess_livetime": (
        "orbit",
        set_value("livetime", [20], 61.0),
        "fits",
        "column 'livetime'",
    ),
    "orbit_unsorted": (
        "orbit",
        set_value("start", [40], lambda t: t - 600.0),
        "csv",
        "column 'start'",
    ),
    "orbit_overlap": (
        "orbit",
        set_value("start", [50], lambda t: t - 10.0),
        "csv",
        "column 'start'",
    ),
    "orbit_non_orthogonal": (
        "orbit",
        set_value("dec_scx", [9], lambda d: d + 1.0),
        "parquet",
        "column 'ra_scx'",
    ),
    "orbit_dec_91": ("orbit", set_value("dec_scz", [2], 91.0), "csv", "column 'dec_scz'"),
    "orbit_altitude_negative": (
        "orbit",
        set_value("alt_km", [2], -1.0),
        "csv",
        "column 'alt_km'",
    ),
    "orbit_missing_livetime": (
        "orbit",
        lambda f: f.drop(columns="livetime"),
        "fits",
        "column 'livetime'",
    ),
    "orbit_no_rows": ("orbit", lambda f: f.head(0), "parquet", "empty file"),
}

#: Damaged files: name -> (format, damage of the written orbit file, expected phrase).
DAMAGED = {
    "empty_parquet": ("parquet", lambda p: p.write_bytes(b""), "empty file"),
    "truncated_parquet": ("parquet", lambda p: p.write_bytes(p.read_bytes()[:3000]), "corrupt"),
    "truncated_fits": ("fits", lambda p: p.write_bytes(p.read_bytes()[:30000]), "corrupt"),
    "truncated_csv_gz": ("csv.gz", lambda p: p.write_bytes(p.read_bytes()[:5000]), "corrupt"),
    "garbage_csv": ("csv", lambda p: p.write_bytes(b"\x00\xff" * 3000), "orbit.csv"),
    "repeated_csv_column": (
        "csv",
        lambda p: p.write_text(p.read_text().replace("livetime", "start", 1)),
        "column name repeated",
    ),
    "unknown_type": ("xlsx", None, "unknown file type"),
}

#: Placeholders for the good files in config cases that state their own data section.
ORBIT, EVENTS = "<good orbit>", "<good events>"
#: Config cases: name -> (changes to the small config, expected phrase); without a "data"
#: entry the period reads the good files.
CONFIG_CASES = {
    "period_dotdot": ({"period": ".."}, "'..' does not match"),
    "period_dot": ({"period": "."}, "'.' does not match"),
    "period_dash": ({"period": "-rf"}, "'-rf' does not match"),
    "period_slash": ({"period": "a/../../b"}, "does not match"),
    "period_shell": ({"period": "x; touch /tmp/sweep_pwned"}, "does not match"),
    "period_subst": ({"period": "$(touch /tmp/sweep_pwned)"}, "does not match"),
    "period_backtick": ({"period": "`touch /tmp/sweep_pwned`"}, "does not match"),
    "period_too_long": ({"period": "p" * 300}, "period"),
    "no_period": ({"period": None}, "period"),
    "no_source": ({"data": {"orbit": ORBIT, "events": EVENTS}}, "data.source"),
    "orbit_without_files_source": (
        {"data": {"source": "simulation", "orbit": ORBIT, "events": EVENTS}},
        "data",
    ),
    "nan_tolerance": ({"ingest": {"lb_tolerance_deg": float("nan")}}, "lb_tolerance_deg"),
    "nan_min_energy": ({"ingest": {"min_energy_gev": float("nan")}}, "min_energy_gev"),
    "ut1": ({"time_system": {"epoch": "2000-01-01T00:00:00", "scale": "ut1"}}, "ut1"),
    "thresholds_decreasing": ({"analysis": {"thresholds_gev": [80, 20]}}, "thresholds_gev"),
    "thresholds_colliding": (
        {"analysis": {"thresholds_gev": [20.000000001, 20.000000002]}},
        "thresholds_gev",
    ),
    "threshold_above_all_events": (
        {"analysis": {"thresholds_gev": [20, 5000]}, "figures": {"exposure_thresholds_gev": [20]}},
        "analysis.thresholds_gev",
    ),
    "glob_no_match": (
        {"data": {"source": "files", "orbit": ["/nonexistent/*.fits"], "events": EVENTS}},
        "data.orbit",
    ),
    "no_orbit_key": ({"data": {"source": "files", "events": EVENTS}}, "orbit"),
    "bad_epoch": ({"time_system": {"epoch": "yesterday", "scale": "utc"}}, "epoch"),
    "missing_response": ({"response": "resources/response/missing.fits"}, "response"),
    "huge_seed": ({"mc": {"seed": 2**70}}, "seed"),
    "nside_63": ({"analysis": {"nside": 63}}, "nside"),
    "nside_float": ({"analysis": {"nside": 64.5}}, "nside"),
    "shards_float": ({"mc": {"shards": 2.5}}, "shards"),
    "shards_zero": ({"mc": {"shards": 0}}, "shards"),
    "unknown_key": ({"unknwon_key": 1}, "unknwon_key"),
    "cadence_negative": (
        {"data": {"source": "simulation"}, "simulation": {"cadence_s": -1}},
        "cadence_s",
    ),
    "ingest_cut_above_thresholds": ({"ingest": {"min_energy_gev": 19000}}, "min_energy_gev"),
    "bins_decreasing": ({"analysis": {"energy_bins_gev": [60, 30]}}, "energy_bins_gev"),
    "bin_one_edge": ({"analysis": {"energy_bins_gev": [30]}}, "energy_bins_gev"),
    "bin_edge_not_a_number": ({"analysis": {"energy_bins_gev": [30, "x"]}}, "energy_bins_gev"),
    "bin_above_all_events": (
        {"analysis": {"energy_bins_gev": [5000, 6000]}},
        "no event with 5000 <= E < 6000 GeV",
    ),
    "all_events_below_cut": (
        {
            "ingest": {"min_energy_gev": 15000},
            "analysis": {"thresholds_gev": [15000], "energy_bins_gev": []},
            "figures": {"exposure_thresholds_gev": [15000]},
        },
        "no event at or above 15000 GeV",
    ),
}
#: Config cases found only once the data are read (the threshold they concern): complete
#: outputs of the jobs that do not depend on that threshold stay, to be reused after the fix;
#: nothing of the threshold itself may be left.
AFTER_INGEST = {
    "threshold_above_all_events": "5000",
    "all_events_below_cut": "15000",
    "bin_above_all_events": "5000-6000",
}


class Sweep:
    def __init__(self, work: Path) -> None:
        self.work = work
        self.orbit, self.events = base_tables()
        self.rows: list[tuple[str, str, bool, str]] = []

    def write_pair(self, folder: Path, orbit, events, fmt_orbit="parquet", fmt_events="parquet"):
        from calet_aniso.ingest.contract import EVENT_COLUMNS, ORBIT_COLUMNS
        from calet_aniso.io.contract_tables import write_contract_table

        folder.mkdir(parents=True, exist_ok=True)
        paths = folder / f"orbit.{fmt_orbit}", folder / f"events.{fmt_events}"
        for frame, path, contract, kind in (
            (orbit, paths[0], ORBIT_COLUMNS, "orbit"),
            (events, paths[1], EVENT_COLUMNS, "events"),
        ):
            frame = frame.copy()
            frame.attrs.update((self.orbit if kind == "orbit" else self.events).attrs)
            write_contract_table(frame, path, contract, kind)
        return paths

    def config(self, name: str, data: dict, override: dict) -> Path:
        config = yaml.safe_load(SMALL.read_text())
        config["period"] = PREFIX + name
        config["data"] = data
        if data.get("source") == "files":
            config["time_system"] = {"epoch": "1970-01-01T00:00:00", "scale": "utc"}
        for key, value in override.items():
            if value is None:
                config.pop(key, None)
            elif isinstance(value, dict) and isinstance(config.get(key), dict):
                config[key] = {**config[key], **value}
                config[key] = {k: v for k, v in config[key].items() if v is not None}
            else:
                config[key] = value
        path = self.work / f"{name}.yaml"
        path.write_text(yaml.safe_dump(config))
        return path

    def run(self, name: str, config: Path, phrase: str, raw: list[Path], valid=False):
        if ONLY and name not in ONLY:
            return True
        before = {p: sha256(p) for p in raw if p.exists()}
        outside = set((REPO).iterdir())
        command = [sys.executable, "-m", "snakemake", "--cores", "2", "--configfile", str(config)]
        if valid:
            command += ["--until", "ingest"]
        t0 = time.monotonic()
        try:
            proc = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600)
            code, text = proc.returncode, proc.stdout + proc.stderr
        except subprocess.TimeoutExpired:
            code, text = "timeout", ""
        seconds = time.monotonic() - t0
        period_dir = REPO / "results" / (PREFIX + name)
        # Results that do not depend on the data (the comparison model's Figure 2 and Vela
        # prediction) may complete beside a failing ingest; anything else left is a defect.
        files = [p for p in period_dir.rglob("*") if p.is_file()] if period_dir.is_dir() else []
        left = [
            p
            for p in files
            if not {"logs", "benchmarks", "model"} & set(p.relative_to(period_dir).parts)
            and not p.name.startswith("fig2_flux_model.")
        ]
        if name in AFTER_INGEST:
            left = [p for p in left if AFTER_INGEST[name] in p.name]
        left += [p for p in files if p.name.endswith(".tmp")]  # a partial write
        problems = []
        if valid:
            if code != 0:
                problems.append(f"refused: {text.strip().splitlines()[-1:]}")
        else:
            if code == 0 or code == "timeout":
                problems.append(f"exit {code}")
            if phrase not in text:
                problems.append(f"message lacks {phrase!r}")
            if "Traceback (most recent call last)" in text.split("Error in rule")[0]:
                problems.append("traceback")
            if left:
                problems.append(f"{len(left)} result files left")
        changed = [p for p, digest in before.items() if sha256(p) != digest]
        if changed:
            problems.append(f"{len(changed)} raw files changed")
        if Path("/tmp/sweep_pwned").exists() or set(REPO.iterdir()) - outside:
            problems.append("something written outside results/")
        shutil.rmtree(period_dir, ignore_errors=True)
        first = next((line for line in text.splitlines() if phrase in line), "")
        self.rows.append((name, "valid" if valid else "bad", not problems, "; ".join(problems)))
        status = "ok  " if not problems else "FAIL"
        print(f"{status} {name:32s} {seconds:5.1f} s  {'; '.join(problems) or first.strip()[:110]}")
        return not problems

    def file_cases(self):
        for name, (table, mutate, fmt, phrase) in FILE_CASES.items():
            folder = self.work / name
            orbit = mutate(self.orbit) if table == "orbit" else self.orbit
            events = mutate(self.events) if table == "events" else self.events
            fo, fe = (fmt, "parquet") if table == "orbit" else ("parquet", fmt)
            paths = self.write_pair(folder, orbit, events, fo, fe)
            data = {"source": "files", "orbit": [str(paths[0])], "events": [str(paths[1])]}
            self.run(name, self.config(name, data, {}), phrase, list(paths))
        for name, (fmt, damage, phrase) in DAMAGED.items():
            folder = self.work / name
            if damage is None:
                folder.mkdir(parents=True)
                orbit = folder / f"orbit.{fmt}"
                orbit.write_bytes(b"PK\x03\x04")
                events = self.write_pair(folder, self.orbit, self.events)[1]
            else:
                orbit, events = self.write_pair(folder, self.orbit, self.events, fmt, "parquet")
                damage(orbit)
            data = {"source": "files", "orbit": [str(orbit)], "events": [str(events)]}
            self.run(name, self.config(name, data, {}), phrase, [orbit, events])
        # the same events in two files
        folder = self.work / "events_twice"
        orbit, events = self.write_pair(folder, self.orbit, self.events)
        copy = folder / "events_copy.parquet"
        shutil.copy2(events, copy)
        data = {"source": "files", "orbit": [str(orbit)], "events": [str(events), str(copy)]}
        self.run(
            "events_twice",
            self.config("events_twice", data, {}),
            "event repeated from",
            [events, copy],
        )

    def config_cases(self):
        folder = self.work / "good"
        orbit, events = self.write_pair(folder, self.orbit, self.events)
        good = {"source": "files", "orbit": [str(orbit)], "events": [str(events)]}
        placeholders = {ORBIT: good["orbit"], EVENTS: good["events"]}
        for name, (override, phrase) in CONFIG_CASES.items():
            override = dict(override)
            data = override.pop("data", good)
            data = {k: placeholders.get(v, v) if isinstance(v, str) else v for k, v in data.items()}
            self.run(name, self.config(name, data, override), phrase, [orbit, events])

    def valid_controls(self):
        folder = self.work / "run[1]"
        orbit, events = self.write_pair(folder, self.orbit, self.events, "fits", "csv")
        data = {"source": "files", "orbit": [f"{folder}/*.fits"], "events": [f"{folder}/*.csv"]}
        self.run("glob_brackets", self.config("glob_brackets", data, {}), "", [orbit, events], True)
        from astropy.io import fits

        both = self.work / "both" / "both.fits"
        o, e = self.write_pair(self.work / "both", self.orbit, self.events, "fits", "fits")
        with fits.open(o) as ho, fits.open(e) as he:
            fits.HDUList([fits.PrimaryHDU(), he["EVENTS"].copy(), ho["SC_DATA"].copy()]).writeto(
                both
            )
        data = {"source": "files", "orbit": [str(both)], "events": [str(both)]}
        config = self.config("events_before_sc_data", data, {})
        self.run("events_before_sc_data", config, "", [both], True)
        o, e = self.write_pair(self.work / "gz", self.orbit, self.events, "csv.gz", "fits")
        data = {"source": "files", "orbit": [str(o)], "events": [str(e)]}
        self.run("gzipped_csv", self.config("gzipped_csv", data, {}), "", [o, e], True)
        config = self.config("nside_integral_float", data, {"analysis": {"nside": 16.0}})
        self.run("nside_integral_float", config, "", [o, e], True)


#: Case names given on the command line: run only those.
ONLY = set(sys.argv[1:])


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="sweep_bad_inputs_") as tmp:
        sweep = Sweep(Path(tmp))
        sweep.file_cases()
        sweep.config_cases()
        sweep.valid_controls()
    bad = [r for r in sweep.rows if r[1] == "bad"]
    valid = [r for r in sweep.rows if r[1] == "valid"]
    print(
        f"\n{len(bad)} bad inputs tried, {sum(r[2] for r in bad)} rejected cleanly "
        f"(non-zero exit, message naming the key or file and column, no traceback, no "
        f"partial or dependent result left, raw files unchanged); {len(valid)} valid controls, "
        f"{sum(r[2] for r in valid)} accepted"
    )
    return 0 if all(r[2] for r in sweep.rows) else 1


if __name__ == "__main__":
    sys.exit(main())
