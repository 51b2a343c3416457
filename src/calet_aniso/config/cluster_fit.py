"""Start-time check that every SLURM job of the run fits on a node of the cluster.

SLURM queues a job that asks for more CPUs than any node has without rejecting it (reason
``PartitionConfig``), and Snakemake then waits silently forever. The workflow's ``onstart``
handler calls :func:`check_jobs_fit` before anything is submitted, so such a run stops at once
with one line naming the rules, their CPUs, the largest node and the way out (``--cores N`` caps
every job's CPUs and keeps every other resource). A request for more memory than any node
has needs no check: ``sbatch`` refuses it at submission.
"""

from __future__ import annotations

import subprocess


class JobTooLargeError(ValueError):
    """A SLURM job of the run asks for more CPUs than any node has."""


def largest_node_cpus() -> int | None:
    """CPUs of the cluster's largest node, from ``sinfo``; None when ``sinfo`` is missing,
    fails or reports no node."""
    command = ["sinfo", "--noheader", "--format=%c"]
    try:
        answer = subprocess.run(command, capture_output=True, text=True, timeout=60, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    cpus = [int(v.rstrip("+")) for v in answer.stdout.split() if v.rstrip("+").isdigit()]
    return max(cpus) if cpus else None


def check_jobs_fit(cpus_per_job: dict[str, int], node_cpus: int) -> None:
    """Raise JobTooLargeError if any job asks for more CPUs than ``node_cpus``.

    ``cpus_per_job`` maps a rule (or a bundle of grouped jobs) to the CPUs its SLURM job asks.
    """
    too_large = {name: n for name, n in sorted(cpus_per_job.items()) if n > node_cpus}
    if not too_large:
        return
    asks = ", ".join(f"{name} asks {n}" for name, n in too_large.items())
    raise JobTooLargeError(
        f"SLURM would queue these jobs forever: {asks} CPUs, but the cluster's largest node "
        f"has {node_cpus}; add --cores {node_cpus} to the command (caps every job's CPUs, keeps "
        "every other resource) or give the rule fewer with --set-threads RULE=N",
    )


def job_cpus(workflow) -> dict[str, int]:
    """CPUs each SLURM job of a Snakemake ``workflow`` asks: a rule's threads after
    --set-threads, capped by --max-threads and --cores; a bundle of grouped jobs
    (``group-components``) asks the sum of its members'."""
    caps = [workflow.resource_settings.max_threads, workflow.global_resources["_cores"].value]
    caps = [c for c in caps if isinstance(c, int)]
    cpus = {}
    for rule in workflow.rules:
        threads = rule.resources["_cores"].value
        if isinstance(threads, int):
            cpus[rule.name] = min([threads, *caps])
    for group, size in workflow.group_settings.group_components.items():
        members = [r.name for r in workflow.rules if r.group == group and r.name in cpus]
        if members:
            bundle = size * max(cpus[name] for name in members)
            cpus[f"group {group} ({size} jobs)"] = min([bundle, *caps])
    return cpus
