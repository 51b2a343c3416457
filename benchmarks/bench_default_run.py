#!/usr/bin/env python
"""Benchmark: the default pipeline from scratch, this commit beside a baseline commit.

Target (issue #13, item 5): the default run in ≤ 60 s after set-up on a 2-core machine.

Each commit is checked out in its own git worktree (no results, no caches) and run with this
checkout's virtual environment, its own ``calet_aniso`` first on the path. Set-up is what
``make setup`` does after the install: bytecode compiled, the Monte Carlo's numba kernels
compiled. Then ``snakemake --cores N`` runs from scratch, timed: wall time, CPU time of all
its processes, the number of jobs, and the wall time summed per rule (from Snakemake's log).
The commits alternate (baseline, current, baseline, …) so that a loaded machine slows both.
Either side can be run by another interpreter (``--baseline-python``, ``--current-python``): the
benchmark then builds that side a virtual environment from it (``pip install -e`` of the
worktree, as ``make setup`` does), so two interpreters compare on one commit.
The headline results of the two are compared by sha256. Where the job logs state it (every
job's log does since ``rule_log`` logs it), the CPU time of each rule's jobs is split into the
start-up before the job's work (interpreter, Snakemake's preamble, imports) and the work.

    python benchmarks/bench_default_run.py [--baseline 0e216d5] [--current HEAD]
        [--repeat 1] [--cores 2] [--workdir DIR]
        [--baseline-python PYTHON] [--current-python PYTHON]
"""

from __future__ import annotations

import argparse
import collections
import datetime
import hashlib
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: The last commit before the work on the default run's time (issue #13, item 5).
BASELINE = "0e216d5"
#: Results whose bytes the two commits should share (the default period).
COMPARED = ("dipole_limits.csv", "dipole_limits_bins.csv", "global_pvalue.json", "summary.txt")


def checkout(rev: str, folder: Path, interpreter: str | None = None) -> Path:
    """A worktree of ``rev`` in ``folder``, set up as ``make setup`` leaves it: with this
    checkout's virtual environment, or with one built from ``interpreter`` in
    ``folder/.venv``."""
    subprocess.run(
        ["git", "-C", str(REPO), "worktree", "add", "--detach", str(folder), rev],
        check=True,
        capture_output=True,
    )
    python = Path(sys.executable)
    if interpreter is not None:
        python = folder / ".venv/bin/python"
        for command in (
            [interpreter, "-m", "venv", str(folder / ".venv")],
            [python, "-m", "pip", "install", "--quiet", "--no-compile", "-e", str(folder)],
            [python, "-m", "compileall", "-q", "-j", "0", str(folder / ".venv/lib")],
        ):
            done = subprocess.run(command, capture_output=True, text=True)
            if done.returncode:
                sys.exit(f"{' '.join(map(str, command))} failed:\n{done.stderr[-3000:]}")
    env = environment(folder, python)
    subprocess.run(
        [python, "-m", "compileall", "-q", str(folder / "src")],
        check=True,
        env=env,
        capture_output=True,
    )
    # the set-up's kernel compilation, under the module name of that commit
    compile_module = (
        "calet_aniso.compile_kernels"
        if (folder / "src/calet_aniso/compile_kernels.py").exists()
        else "calet_aniso.montecarlo.compile"
    )
    subprocess.run(
        [python, "-m", compile_module],
        check=True,
        env=env,
        cwd=folder,
        capture_output=True,
    )
    return folder


def interpreter_of(folder: Path) -> Path:
    """The Python that runs ``folder``'s pipeline: its own venv's if it has one, else this."""
    own = folder / ".venv/bin/python"
    return own if own.exists() else Path(sys.executable)


def environment(folder: Path, python: Path | None = None) -> dict[str, str]:
    """The tools of ``python``'s venv (default: the worktree's), the worktree's own package
    first on the path."""
    python = python or interpreter_of(folder)
    env = dict(os.environ, PYTHONPATH=str(folder / "src"))
    env["PATH"] = f"{python.parent}:{env['PATH']}"
    return env


def per_rule_wall(log: str) -> dict[str, float]:
    """Wall seconds summed per rule, from the job start and 'Finished jobid' stamps."""
    stamp, started, total = None, {}, collections.Counter()
    for line in log.splitlines():
        if m := re.match(r"^\[(\w{3} \w{3} +\d+ [\d:]+ \d{4})\]$", line):
            stamp = datetime.datetime.strptime(m.group(1), "%a %b %d %H:%M:%S %Y")
        elif (m := re.match(r"^(?:Job|localjob) (\d+):", line)) and stamp:
            started.setdefault(m.group(1), stamp)
        elif m := re.match(r"Finished jobid: (\d+) \(Rule: (\w+)\)", line):
            if m.group(1) in started:
                total[m.group(2)] += (stamp - started[m.group(1)]).total_seconds()
    return dict(total)


START_UP = re.compile(r"INFO (\w+) start-up: ([\d.]+) s of CPU before")
WORK = re.compile(r"INFO (\w+) work: ([\d.]+) s of CPU")


def per_rule_cpu(folder: Path) -> dict[str, list[float]]:
    """Per rule, from the job logs under ``results/``: [jobs, start-up CPU s, work CPU s]."""
    total: dict[str, list[float]] = collections.defaultdict(lambda: [0, 0.0, 0.0])
    for path in (folder / "results").rglob("*.log"):
        text = path.read_text(errors="replace")
        for m in START_UP.finditer(text):
            total[m.group(1)][0] += 1
            total[m.group(1)][1] += float(m.group(2))
        for m in WORK.finditer(text):
            total[m.group(1)][2] += float(m.group(2))
    return dict(total)


def run(folder: Path, cores: int) -> dict:
    """One default run from scratch in ``folder``: wall and CPU seconds, jobs, rules."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(
        [interpreter_of(folder).parent / "snakemake", "--cores", str(cores)],
        cwd=folder,
        env=environment(folder),
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode:
        sys.exit(f"{folder}: snakemake failed\n{proc.stderr[-3000:]}")
    jobs = re.findall(r"(\d+) of (\d+) steps \(100%\) done", proc.stderr)
    return {
        "wall_s": wall,
        "cpu_s": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "jobs": int(jobs[-1][1]) if jobs else 0,
        "rules": per_rule_wall(proc.stderr),
        "cpu_rules": per_rule_cpu(folder),
    }


def digests(folder: Path) -> dict[str, str]:
    """sha256 of every result file (logs, benchmarks, figures and report pages aside), by path
    under ``results/``."""
    skipped = {".png", ".pdf", ".html", ".log", ".tsv", ".zip"}
    out = {}
    for path in sorted((folder / "results").rglob("*")):
        relative = path.relative_to(folder / "results")
        if path.is_file() and path.suffix not in skipped and "logs" not in relative.parts:
            out[str(relative)] = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    return out


def print_cpu_split(label: str, result: dict) -> None:
    """Where the CPU of one run went, per rule, from its job logs (nothing if they do not say)."""
    rules = result["cpu_rules"]
    if not rules:
        return
    print(f"\nCPU seconds per rule, {label}: jobs, start-up (interpreter, imports), work")
    for name, (jobs, start_up, work) in sorted(rules.items(), key=lambda x: -x[1][1] - x[1][2]):
        print(f"  {name:24s} {jobs:4.0f} {start_up:7.1f} {work:7.1f}")
    start_up = sum(r[1] for r in rules.values())
    work = sum(r[2] for r in rules.values())
    print(
        f"  {'all jobs':24s} {sum(r[0] for r in rules.values()):4.0f} {start_up:7.1f} "
        f"{work:7.1f}\n  Snakemake itself and the rest: {result['cpu_s'] - start_up - work:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BASELINE, help="commit to compare with")
    parser.add_argument("--current", default="HEAD", help="commit measured")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each, alternating")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--workdir", type=Path, help="where the worktrees go (default: temp)")
    for side in ("baseline", "current"):
        parser.add_argument(
            f"--{side}-python",
            help=f"interpreter to build the {side}'s venv from (default: this venv's)",
        )
    args = parser.parse_args()
    root = Path(args.workdir or tempfile.mkdtemp(prefix="bench_default_run_"))
    revs = {"baseline": args.baseline, "current": args.current}
    interpreters = {"baseline": args.baseline_python, "current": args.current_python}
    folders = {}
    try:
        for label, rev in revs.items():
            folders[label] = checkout(rev, root / label, interpreters[label])
            print(f"{label}: {rev} run by {interpreter_of(folders[label])}", flush=True)
        runs = collections.defaultdict(list)
        for k in range(args.repeat):
            for label, folder in folders.items():
                subprocess.run(["rm", "-rf", "results", ".snakemake"], cwd=folder, check=True)
                runs[label].append(run(folder, args.cores))
                r = runs[label][-1]
                print(
                    f"{label} ({revs[label]}) run {k + 1}: {r['wall_s']:.1f} s wall, "
                    f"{r['cpu_s']:.0f} s CPU, {r['jobs']} jobs",
                    flush=True,
                )
        print(f"\nDefault pipeline from scratch, --cores {args.cores} (target ≤ 60 s wall):")
        best = {label: min(rs, key=lambda r: r["wall_s"]) for label, rs in runs.items()}
        for label, r in best.items():
            print(
                f"  {label:9s} {revs[label]:>10s}: {r['wall_s']:6.1f} s wall, "
                f"{r['cpu_s']:5.0f} s CPU, {r['jobs']} jobs"
            )
        ratio = best["baseline"]["wall_s"] / best["current"]["wall_s"]
        print(
            f"  speed-up: {ratio:.2f}x wall, "
            f"{best['baseline']['cpu_s'] / best['current']['cpu_s']:.2f}x CPU"
        )
        print("\nWall seconds summed per rule (best run of each):")
        rules = sorted(
            set(best["baseline"]["rules"]) | set(best["current"]["rules"]),
            key=lambda n: -max(best[x]["rules"].get(n, 0) for x in best),
        )
        for name in rules:
            print(
                f"  {name:24s} {best['baseline']['rules'].get(name, 0):6.0f} "
                f"{best['current']['rules'].get(name, 0):6.0f}"
            )
        for label, r in best.items():
            print_cpu_split(f"{label} ({revs[label]})", r)
        before, after = digests(folders["baseline"]), digests(folders["current"])
        period = next(n.split("/")[0] for n in after if n.endswith("/summary.txt"))
        same = {n: before.get(f"{period}/{n}") == after.get(f"{period}/{n}") for n in COMPARED}
        print("\nSame bytes:", ", ".join(f"{n} {'yes' if s else 'NO'}" for n, s in same.items()))
        shared = sorted(set(before) & set(after))
        differ = [n for n in shared if before[n] != after[n]]
        print(
            f"Result files (logs, benchmarks, figures aside): {len(shared) - len(differ)} of "
            f"{len(shared)} with the same bytes"
            + "".join(f"\n  differs: {n}" for n in differ)
            + "".join(
                f"\n  only in {revs['baseline']}: {n}" for n in sorted(set(before) - set(after))
            )
            + "".join(
                f"\n  only in {revs['current']}: {n}" for n in sorted(set(after) - set(before))
            )
        )
    finally:
        for folder in folders.values():
            subprocess.run(
                ["git", "-C", str(REPO), "worktree", "remove", "--force", str(folder)],
                capture_output=True,
            )


if __name__ == "__main__":
    main()
