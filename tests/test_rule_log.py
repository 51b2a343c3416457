"""Rule logs: a bad input is one line on stderr and exit status 1; the log keeps the traceback."""

import pytest

from calet_aniso.errors import InputError
from calet_aniso.io.rule_log import TRACEBACK_VARIABLE, rule_log


def fail(log_path):
    with rule_log(log_path, "test") as log:
        log.info("working")
        raise InputError("events.csv", "non-positive energy", column="energy", count=1, first_row=3)


def test_bad_input_is_one_line_without_traceback(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv(TRACEBACK_VARIABLE, raising=False)
    with pytest.raises(SystemExit) as exit_info:
        fail(tmp_path / "rule.log")
    assert exit_info.value.code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "ERROR: InputError: bad input file events.csv: column 'energy': non-positive energy "
        "in 1 row; first at data row 3 (0-based)"
    ]
    log = (tmp_path / "rule.log").read_text()
    assert "working" in log and "Traceback (most recent call last)" in log


def test_traceback_on_request(tmp_path, monkeypatch):
    monkeypatch.setenv(TRACEBACK_VARIABLE, "1")
    with pytest.raises(InputError):
        fail(tmp_path / "rule.log")


def test_a_bug_keeps_its_traceback(tmp_path):
    with pytest.raises(ZeroDivisionError), rule_log(tmp_path / "rule.log", "test"):
        1 / 0  # noqa: B018
    assert "ZeroDivisionError" in (tmp_path / "rule.log").read_text()


def test_progress_logs_fraction_rate_and_time_left(caplog):
    """With a clock that advances 4 s per item and a 10 s interval: a line at items 3 and 5
    (the last), with the fraction, rate and time left."""
    import itertools
    import logging

    from calet_aniso.io.progress import Progress

    ticks = itertools.count(0.0, 4.0)
    logger = logging.getLogger("calet_aniso.test_progress")
    progress = Progress(logger, "exposure", 5, "cells", interval_s=10.0, clock=lambda: next(ticks))
    with caplog.at_level(logging.INFO, logger=logger.name):
        for _ in range(5):
            progress.advance(1)
    lines = [r.getMessage() for r in caplog.records]
    assert lines == [
        "exposure: 3/5 cells (60 %) in 12.0 s, 0.25 cells/s, about 8 s left",
        "exposure: 5/5 cells (100 %) in 20.0 s, 0.25 cells/s, about 0 s left",
    ]


def test_a_job_ends_its_process_once_its_block_succeeds(tmp_path):
    """exit_when_done: status 0, the log and the buffered standard output are whole, and
    nothing after the block runs; an error in the block still exits 1 with its one line."""
    import re
    import subprocess
    import sys

    script = """
import sys
from calet_aniso.errors import InputError
from calet_aniso.io.rule_log import rule_log
with rule_log(sys.argv[1], "job", exit_when_done=True) as log:
    log.info("first line")
    print("buffered output", end="")
    if sys.argv[2] == "fail":
        raise InputError("events.csv", "bad energy", column="energy", count=1, first_row=0)
print("after the block")
"""
    log_path = tmp_path / "job.log"
    done = subprocess.run(
        [sys.executable, "-c", script, str(log_path), "ok"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "buffered output"
    log = log_path.read_text()
    assert "first line" in log
    # where the job's time went: the start-up before the block, the work in it
    start_up = re.search(r"INFO job start-up: (\d+\.\d\d) s of CPU before the job's work", log)
    work = re.search(r"INFO job work: (\d+\.\d\d) s of CPU, (\d+\.\d\d) s wall$", log, re.M)
    assert start_up and work, log
    assert log.index("start-up") < log.index("first line") < log.index("job work")
    assert float(start_up.group(1)) > 0.0  # at least the interpreter's own start
    failed = subprocess.run(
        [sys.executable, "-c", script, str(log_path), "fail"], capture_output=True, text=True
    )
    assert failed.returncode == 1
    assert failed.stdout == "buffered output"
    assert failed.stderr.strip().startswith("ERROR: InputError: bad input file events.csv")
    assert "job work:" not in log_path.read_text()  # no work line for a failed job
