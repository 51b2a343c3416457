"""The start-time check that every SLURM job fits on a node (a fake sinfo on PATH)."""

from __future__ import annotations

import pytest

from calet_aniso.config.cluster_fit import JobTooLargeError, check_jobs_fit, largest_node_cpus


def fake_sinfo(tmp_path, monkeypatch, output: str) -> None:
    script = tmp_path / "sinfo"
    script.write_text(f"#!/bin/sh\nprintf '{output}'\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))


def test_largest_node_from_sinfo(tmp_path, monkeypatch):
    # one line per node configuration; "+" marks a range of sizes (sinfo %c)
    fake_sinfo(tmp_path, monkeypatch, "2\\n16+\\n4\\n")
    assert largest_node_cpus() == 16


def test_no_sinfo_means_no_check(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # empty directory: no sinfo
    assert largest_node_cpus() is None
    fake_sinfo(tmp_path, monkeypatch, "")
    assert largest_node_cpus() is None


def test_jobs_that_fit_pass():
    check_jobs_fit({"ingest": 1, "exposure_maps": 2, "group mc (2 jobs)": 2}, node_cpus=2)


def test_a_job_too_large_names_rule_cpus_node_and_the_way_out():
    with pytest.raises(JobTooLargeError) as error:
        check_jobs_fit({"ingest": 1, "exposure_maps": 4, "group mc (3 jobs)": 3}, node_cpus=2)
    message = str(error.value)
    assert "exposure_maps asks 4, group mc (3 jobs) asks 3 CPUs" in message
    assert "largest node has 2" in message and "--cores 2" in message
    assert "\n" not in message
