#!/usr/bin/env python
"""Benchmark: a decade of 1 s orbit data through ingest, live-time cube and exposure in
bounded memory.

Target (issue: scale, item 3): 10 years at 1 s cadence (315 M intervals, written chunk by
chunk by the simulation) through ingest, cube and exposure in ≤ 10 min wall and ≤ 2 GB peak
memory on this 2-core machine; the throughput in intervals per second.

Each stage runs in a fresh process with the rule's own code (``ingest_to_files``; the
calendar months' partial cubes, two processes side by side as Snakemake runs the month jobs
on 2 cores, then their sum; the exposure projection) and reports its wall time and peak
resident memory (VmHWM); the cube is also built in one process from the whole table. Side by side, on the first ``--compare-days`` of the same
data, today's streamed ingest and the former one that held the orbit table in memory (the
same code with one window for the whole table): their time and peak memory per interval,
and what the former would need for the whole period.

    python benchmarks/bench_ingest.py [--years 10] [--cadence 1] [--compare-days 60]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from astropy.time import Time, TimeDelta

REPO = Path(__file__).resolve().parents[1]

STAGE = r"""
import json, sys, time
args = json.loads(sys.argv[1])
t0 = time.perf_counter()
if args["stage"] == "simulate":
    from calet_aniso.config.schema import default_config
    from calet_aniso.flux_tables import InterpolatedFlux, read_flux_table
    from calet_aniso.ingest.time_system import TimeSystem
    from calet_aniso.instrument.response import read_response
    from calet_aniso.simulation.observation import SimulationSettings, period_orbit, simulate_observation_files
    from calet_aniso.simulation.orbit import read_tle_file
    config = default_config()
    sim = {**config["simulation"], **args["simulation"]}
    settings = SimulationSettings.from_config(sim)
    truth = simulate_observation_files(
        settings, period_orbit(read_tle_file(sim["tle_file"]), settings),
        TimeSystem.from_config(sim["time_system"]), read_response(config["response"]),
        InterpolatedFlux.from_table(read_flux_table(sim["flux_table"])), (args["orbit"], args["events"]))
    rows = None
elif args["stage"] in ("ingest", "ingest_in_memory"):
    from calet_aniso.config.schema import default_config
    from calet_aniso.config.settings import IngestSettings
    from calet_aniso.ingest.normalise import ingest, ingest_to_files
    from calet_aniso.instrument.response import read_response
    config = default_config()
    options = dict(attitude_at="auto", response=read_response(config["response"]))
    settings = IngestSettings.from_config(config["ingest"])
    if args["stage"] == "ingest":
        result = ingest_to_files([args["orbit"]], [args["events"]], None, settings, args["outputs"], **options)
    else:  # the former ingest: the orbit table whole in memory
        result = ingest([args["orbit"]], [args["events"]], None, settings, chunk_rows=1 << 40, **options)
    rows = result.report["orbit"]["rows_out"]
elif args["stage"] == "cube":
    from calet_aniso.exposure.livetime_cube import livetime_cube, orbit_file_batches
    cube = livetime_cube(orbit_file_batches(args["orbit"]), 64, 2.0)
    cube.write(args["cube"])
    import pyarrow.parquet as pq
    rows = pq.ParquetFile(args["orbit"]).metadata.num_rows
elif args["stage"] == "cube_months":  # the rule livetime_cube_month, for several months
    from calet_aniso.exposure.livetime_cube import month_batches, partial_cube
    rows = 0
    for month, bounds in args["bounds"].items():
        counted = []
        partial_cube(month_batches(args["orbit"], bounds, counted), 64, 2.0).write(
            f"{args['folder']}/livetime_{month}.parquet", {"month": month})
        rows += sum(counted)
elif args["stage"] == "cube_sum":  # the rule livetime_cube
    from calet_aniso.exposure.livetime_cube import PartialCube, sum_partial_cubes
    paths = [f"{args['folder']}/livetime_{m}.parquet" for m in args["months"]]
    sum_partial_cubes(PartialCube.read(p) for p in paths).cube().write(args["cube"])
    rows = len(paths)
elif args["stage"] == "exposure":
    from calet_aniso.exposure.livetime_cube import LivetimeCube
    from calet_aniso.exposure.projection import exposure_from_cube
    from calet_aniso.instrument.response import read_response
    from calet_aniso.config.schema import default_config
    cube = LivetimeCube.read(args["cube"])
    maps = exposure_from_cube(cube, read_response(default_config()["response"]), 64)
    rows = len(cube.livetime_s)
wall = time.perf_counter() - t0
hwm_kb = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(json.dumps({"wall_s": wall, "peak_mb": hwm_kb / 1024, "rows": rows}))
"""


def stage(name: str, **args) -> dict:
    """Run one stage in a fresh process; its wall time (s, imports excluded), peak resident
    memory (MB) and rows handled."""
    return stages_at_once([(name, args)])


def stages_at_once(runs: list[tuple[str, dict]]) -> dict:
    """Run stages side by side, one process each (as Snakemake runs jobs on 2 cores): the
    wall time from the first start to the last end (s, start-up included; one stage: its own
    wall time, imports excluded), the largest peak memory of one process (MB) and the rows
    handled in all."""
    t0 = time.perf_counter()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", STAGE, json.dumps({"stage": name, **args})],
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        for name, args in runs
    ]
    figures = []
    for proc in procs:
        out, _ = proc.communicate()
        if proc.returncode:
            raise RuntimeError(f"stage failed: {runs}")
        figures.append(json.loads(out.strip().splitlines()[-1]))
    wall = time.perf_counter() - t0 if len(runs) > 1 else figures[0]["wall_s"]
    rows = sum(f["rows"] or 0 for f in figures) or None
    return {"wall_s": wall, "peak_mb": max(f["peak_mb"] for f in figures), "rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--years", type=float, default=10.0)
    parser.add_argument("--cadence", type=float, default=1.0)
    parser.add_argument("--compare-days", type=float, default=60.0)
    parser.add_argument(
        "--workdir",
        default=None,
        help="where the files go (default: a temp dir, removed); a workdir keeps the simulated "
        "raw files, reused by the next run with the same period",
    )
    args = parser.parse_args()
    start = Time("2015-10-13T00:00:00", scale="utc")
    work = Path(args.workdir or tempfile.mkdtemp(prefix="bench_ingest_"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        runs = {}
        for label, days in (("compare", args.compare_days), ("full", 365.25 * args.years)):
            folder = work / label
            folder.mkdir(exist_ok=True)
            raw = {
                "orbit": str(folder / "raw_orbit.parquet"),
                "events": str(folder / "raw_events.parquet"),
            }
            simulation = {
                "start": start.isot,
                "stop": (start + TimeDelta(days, format="jd")).isot,
                "cadence_s": args.cadence,
            }
            stamp = folder / "simulation.json"  # raw files of an earlier run: reused
            if stamp.is_file() and json.loads(stamp.read_text()) == simulation:
                sim = {"wall_s": float("nan"), "peak_mb": float("nan"), "rows": "reused"}
            else:
                stamp.unlink(missing_ok=True)
                sim = stage("simulate", simulation=simulation, **raw)
                stamp.write_text(json.dumps(simulation))
            outputs = [str(folder / n) for n in ("orbit.parquet", "events.parquet", "report.json")]
            cube = str(folder / "cube.parquet")
            print(f"{label}: {days:g} days at {args.cadence:g} s", flush=True)
            stages = {}

            def measured(name, figures, stages=stages):
                stages[name] = figures
                print(
                    f"  {name:17s} {figures['wall_s']:8.1f} s   peak {figures['peak_mb']:7.0f} MB"
                    f"   rows {figures['rows']}",
                    flush=True,
                )

            measured("simulate", sim)
            measured("ingest", stage("ingest", outputs=outputs, **raw))
            if label == "compare":
                measured("ingest_in_memory", stage("ingest_in_memory", **raw))
            measured("cube_one_process", stage("cube", orbit=outputs[0], cube=cube))
            report = json.loads(Path(outputs[2]).read_text())["orbit"]["months"]
            bounds = {m: (r["start"], r["stop"]) for m, r in report.items()}
            months = list(bounds)
            common = {"orbit": outputs[0], "folder": str(folder)}
            by_month = [
                ("cube_months", {"bounds": {m: bounds[m] for m in months[k::2]}, **common})
                for k in range(2)
            ]
            measured("cube_by_month", stages_at_once(by_month))
            measured("cube_sum", stage("cube_sum", months=months, cube=cube, folder=str(folder)))
            measured("exposure", stage("exposure", cube=cube))
            runs[label] = (days, stages)
            if label == "compare":
                shutil.rmtree(folder)
        days, stages = runs["full"]
        rows = stages["ingest"]["rows"]
        chain_stages = ("ingest", "cube_by_month", "cube_sum", "exposure")
        chain = sum(stages[s]["wall_s"] for s in chain_stages)
        peak = max(stages[s]["peak_mb"] for s in chain_stages)
        print(f"\n{args.years:g} years at {args.cadence:g} s: {rows:,} intervals")
        print(
            f"  ingest + monthly cubes (2 processes) + sum + exposure: {chain:.0f} s = "
            f"{chain / 60:.1f} min (target <= 10 min), peak {peak:.0f} MB (target <= 2048 MB)"
        )
        for name in ("ingest", "cube_one_process", "cube_by_month"):
            print(f"  {name} throughput: {rows / stages[name]['wall_s']:,.0f} intervals/s")
        print(f"  whole chain: {rows / chain:,.0f} intervals/s")
        _, small = runs["compare"]
        n = small["ingest"]["rows"]
        for name in ("ingest", "ingest_in_memory"):
            f = small[name]
            print(
                f"  {args.compare_days:g} days side by side, {name:17s}: {f['wall_s']:.1f} s, "
                f"{n / f['wall_s']:,.0f} intervals/s, peak {f['peak_mb']:.0f} MB"
            )
        per_row = (small["ingest_in_memory"]["peak_mb"] - small["ingest"]["peak_mb"]) * 2**20 / n
        print(
            f"  the in-memory ingest holds about {per_row:.0f} more bytes per interval: "
            f"{per_row * rows / 2**30:.0f} GB more for {rows:,} intervals "
            f"(this machine: {os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE') / 2**30:.0f} GB)"
        )
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
