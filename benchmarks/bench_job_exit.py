#!/usr/bin/env python
"""Benchmark: a job's way out — the interpreter's ordinary teardown against
``rule_log(..., exit_when_done=True)``, which ends the process once its outputs are closed.

Each case is a process that imports what one kind of the default run's jobs imports, enters
and leaves a rule log, and exits; the two ways out alternate, ``--repeat`` times each, with
one BLAS thread as under Snakemake. Printed: the median wall and CPU time of each, and the
difference per job (issue 13, item 5: the default run's job start-up and shut-down).

    python benchmarks/bench_job_exit.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: Job kinds of the default run and the packages they import.
CASES = {
    "month (numpy, pyarrow)": "numpy, pyarrow.parquet",
    "Monte Carlo (numba, astropy.io.fits, scipy.special)": "numba, astropy.io.fits, scipy.special",
    "figure (matplotlib, pandas, astropy.io.fits)": "matplotlib.pyplot, pandas, astropy.io.fits",
}

CHILD = """
import {modules}
from calet_aniso.io.rule_log import rule_log
with rule_log({log!r}, "bench", exit_when_done={fast}) as log:
    log.info("done")
"""


def run_once(modules: str, log: Path, fast: bool) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one child process."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    code = CHILD.format(modules=modules, log=str(log), fast=fast)
    before = os.times()
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "bench.log"
        print(f"{'job kind':55s} {'teardown':>16s} {'exit_when_done':>16s} {'saved':>14s}")
        for name, modules in CASES.items():
            times = {False: [], True: []}
            run_once(modules, log, False)  # warm the file cache
            for _ in range(args.repeat):
                for fast in (False, True):
                    times[fast].append(run_once(modules, log, fast))
            wall = {k: statistics.median(t[0] for t in v) for k, v in times.items()}
            cpu = {k: statistics.median(t[1] for t in v) for k, v in times.items()}
            print(
                f"{name:55s} {wall[False]:6.3f} s {cpu[False]:5.2f} cpu "
                f"{wall[True]:6.3f} s {cpu[True]:5.2f} cpu "
                f"{wall[False] - wall[True]:+6.3f} s wall ({wall[False] / wall[True]:.2f}×)"
            )


if __name__ == "__main__":
    main()
