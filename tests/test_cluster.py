"""The pipeline on a real one-node SLURM cluster (tests/cluster/start.sh, started and stopped
here) through the shipped profile, as the README says to run it:

- the small config's results equal the local ``--cores 2`` run's byte for byte, after the
  controller was killed with SIGKILL during the Monte Carlo and rerun (only unfinished work
  redone) and after one of the rerun's jobs was cancelled with ``scancel`` (retried);
- a bad input fails its job once (no retry) with the one-line error in the controller output;
- a job that no node can hold stops the run before anything is submitted.

In CI (``CI=true``) these tests run, never skip. Every run is bounded by a timeout that sends
SIGINT (Snakemake then cancels its SLURM jobs).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import ClassVar

import pytest
from conftest import REPO, sha256
from workflow_runs import SMALL, write_user_period

pytestmark = pytest.mark.slow

CLUSTER = REPO / "tests/cluster"
#: What a run writes that holds wall-clock times: rule logs and benchmark timings.
TIMED = {"logs", "benchmarks"}


@pytest.fixture(scope="module")
def cluster():
    """The one-node cluster, started for this module and stopped after it."""
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the cluster tests: tests/cluster/start.sh needs root and apt")
        pytest.skip("the test cluster needs root and apt (tests/cluster/start.sh)")
    subprocess.run(["bash", str(CLUSTER / "start.sh")], check=True, timeout=900)
    yield
    for run in ClusterRun.started:  # a failed test leaves no controller behind
        run.stop()
    subprocess.run(["bash", str(CLUSTER / "stop.sh")], check=True, timeout=300)


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Path:
    """A copy of this checkout (tracked and new files; no results), where the cluster runs."""
    dest = tmp_path_factory.mktemp("cluster_checkout")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout
    for name in filter(None, listed.decode().split("\0")):
        if (REPO / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, dest / name)
    return dest


class ClusterRun:
    """``snakemake --workflow-profile profiles/slurm`` started in ``checkout``; its output is
    kept in a file. A fast first status check keeps the test short."""

    #: Every run started, so the fixture can stop what a failed test left running.
    started: ClassVar[list[ClusterRun]] = []

    def __init__(self, checkout: Path, *args: str, name: str = "controller") -> None:
        self.log = checkout / f"{name}.log"
        self.command = [
            sys.executable,
            "-m",
            "snakemake",
            "--workflow-profile",
            "profiles/slurm",
            "--slurm-init-seconds-before-status-checks",
            "2",
            *args,
        ]
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                self.command, cwd=checkout, stdout=out, stderr=subprocess.STDOUT
            )
        ClusterRun.started.append(self)

    def stop(self) -> None:
        """SIGINT (Snakemake cancels its jobs), then SIGKILL after 60 s."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()

    @property
    def output(self) -> str:
        return self.log.read_text()

    def run_id(self) -> str:
        """The SLURM run ID Snakemake prints (the SLURM job name of all its jobs)."""
        wait_until(lambda: "SLURM run ID:" in self.output, 120, "the run ID")
        return re.search(r"SLURM run ID: (\S+)", self.output).group(1)

    def finish(self, timeout: float) -> int:
        """Exit code; after ``timeout`` seconds SIGINT (Snakemake cancels its jobs), then fail."""
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            raise AssertionError(f"cluster run timed out:\n{self.output[-4000:]}") from None

    def submissions(self, rule: str) -> int:
        """How many SLURM jobs of ``rule`` this run submitted."""
        return len(
            re.findall(rf"submitted with SLURM jobid \d+ \(log: \S*/rule_{rule}/", self.output)
        )


def wait_until(condition, timeout: float, what: str):
    t0 = time.monotonic()
    while not (value := condition()):
        if time.monotonic() - t0 > timeout:
            raise AssertionError(f"waited {timeout} s for {what}")
        time.sleep(0.5)
    return value


def running_jobs(run_id: str) -> list[tuple[str, str]]:
    """(SLURM job id, Snakemake comment = rule) of the run's running jobs."""
    answer = subprocess.run(
        ["squeue", "--noheader", f"--name={run_id}", "--states=RUNNING", "--format=%i|%k"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [tuple(line.split("|", 1)) for line in answer.splitlines() if "|" in line]


def job_state(job: str) -> str:
    answer = subprocess.run(
        ["squeue", "--noheader", "--states=all", f"--jobs={job}", "--format=%T"],
        capture_output=True,
        text=True,
    )
    return answer.stdout.strip()


#: Job states on the way to a final one (an empty answer: not yet listed).
UNSETTLED = ("RUNNING", "COMPLETING", "")


def settled_state(job: str) -> str | None:
    """The job's final state (CANCELLED, COMPLETED, ...), None while it is not final."""
    state = job_state(job)
    return None if state in UNSETTLED else state


def cancel_a_running_job(run_id: str) -> str:
    """scancel a running job of the run (its SLURM id is returned); if it finished before the
    cancel arrived, another one."""
    for _ in range(20):
        job, _ = wait_until(lambda: running_jobs(run_id)[:1], 300, "a running job")[0]
        subprocess.run(["scancel", job], check=True)
        state = wait_until(lambda j=job: settled_state(j), 60, "the cancel")
        if state.startswith("CANCELLED"):
            return job
    raise AssertionError("every job finished before its cancel arrived")


def assert_same_results(local: Path, cluster: Path) -> None:
    """Every result file of the two runs is byte-identical (logs and timings aside)."""

    def files(root: Path) -> set[Path]:
        return {
            p.relative_to(root)
            for p in root.rglob("*")
            if p.is_file() and p.relative_to(root).parts[0] not in TIMED and p.name != "report.html"
        }

    assert files(cluster) == files(local)
    differ = [str(f) for f in sorted(files(local)) if sha256(local / f) != sha256(cluster / f)]
    assert differ == [], f"{len(differ)} of {len(files(local))} files differ"


def test_a_job_no_node_can_hold_stops_the_run_before_submission(cluster, checkout):
    run = ClusterRun(
        checkout, "--configfile", str(SMALL), "--set-threads", "exposure_maps=64", name="too_big"
    )
    assert run.finish(timeout=120) != 0
    assert "exposure_maps asks 64" in run.output and "add --cores 2" in run.output
    assert "submitted with SLURM jobid" not in run.output
    assert not (checkout / "results").exists()


def test_cluster_run_survives_a_killed_controller_and_scancel(cluster, checkout, small_run):
    small = ("--configfile", str(SMALL))
    results = checkout / "results/test_small"
    # 1. The controller is killed (SIGKILL) while the Monte Carlo runs on the cluster.
    first = ClusterRun(checkout, *small, name="killed")
    run_id = first.run_id()
    wait_until(
        lambda: any("mc_" in rule for _, rule in running_jobs(run_id)), 300, "a Monte Carlo job"
    )
    first.process.kill()
    first.process.wait()
    done_before_kill = (results / "exposure/exposure_nodes.fits").exists()
    # 2. As the README says: cancel the killed run's jobs, unlock, run the same command again.
    subprocess.run(["scancel", f"--name={run_id}"], check=True)
    unlock = subprocess.run(
        [*first.command, "--unlock"], cwd=checkout, capture_output=True, text=True
    )
    assert unlock.returncode == 0, unlock.stdout + unlock.stderr
    second = ClusterRun(checkout, *small, name="rerun")
    # 3. One of the rerun's jobs is cancelled by hand; it must be noticed and resubmitted.
    job = cancel_a_running_job(second.run_id())
    assert second.finish(timeout=600) == 0, second.output[-4000:]
    text = second.output
    cancelled = text.find(f"SLURM-job '{job}' failed, SLURM status is: 'CANCELLED'")
    assert cancelled >= 0 and "Trying to restart job" in text[cancelled:]  # resubmitted
    # Only unfinished work is redone: what was finished before the kill is not resubmitted.
    assert done_before_kill
    for finished in ("simulate_observation", "ingest", "livetime_cube_month", "exposure_maps"):
        assert second.submissions(finished) == 0, finished
    assert_same_results(small_run, results)


def test_bad_input_fails_once_with_its_one_line_error(
    cluster, checkout, tmp_path, small_observation
):
    config = write_user_period(tmp_path, small_observation, break_events=True)
    raw = tmp_path / "calet_data/events/events.csv"
    before = sha256(raw)
    run = ClusterRun(checkout, "--configfile", str(config), name="bad_input")
    assert run.finish(timeout=300) != 0
    assert (
        "events.csv: column 'energy': non-positive energy in 1 row; first at data row 10"
        in run.output
    )
    assert run.submissions("ingest") == 1  # bad input is not retried
    ingest_outputs = checkout / "results/test_user_period_bad/ingest"
    assert not ingest_outputs.exists() or not any(p.is_file() for p in ingest_outputs.iterdir())
    assert sha256(raw) == before
