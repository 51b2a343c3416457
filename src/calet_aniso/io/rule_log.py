"""Logging for rule scripts: everything to the rule's log file, errors also to stderr.

A bad input or configuration (``InputError``, ``ConfigError``) is reported as the one line
that names the file, column and row (or the key), on stderr and in the log, and the script
exits with status 1 without a Python traceback; the log keeps the traceback. Set the
environment variable ``CALET_ANISO_TRACEBACK=1`` to get the traceback on stderr too. Any
other exception is a bug: it is logged and re-raised with its traceback.

A job script (``exit_when_done=True``) ends its process as soon as its block has succeeded:
every output is written through ``io.files.atomic_output`` and closed by then, so the
interpreter's teardown (freeing the modules of pandas, scipy, astropy, matplotlib: 0.1 to
0.35 s per job, measured by ``benchmarks/bench_job_exit.py``) does nothing a job needs. The
log and the standard streams are flushed first; errors take the ordinary way out.

The log's first line states the CPU time the process spent before the job's work began (the
interpreter, Snakemake's preamble, the imports), and its last line, on success, the CPU and
wall time of the work itself: where a job's time goes, job by job
(``benchmarks/bench_default_run.py`` sums them per rule).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from calet_aniso.errors import ConfigError, InputError

#: Environment variable that turns the traceback of input and config errors back on.
TRACEBACK_VARIABLE = "CALET_ANISO_TRACEBACK"


@contextlib.contextmanager
def rule_log(
    log_path: str | Path, name: str, exit_when_done: bool = False
) -> Iterator[logging.Logger]:
    """Logger writing to ``log_path``; see the module docstring for what an error does and for
    ``exit_when_done`` (job scripts only: it ends the process with status 0)."""
    Path(log_path).parent.mkdir(parents=True, exist_ok=True)
    # The handlers sit on the package's logger, so that modules logging to their own
    # ``logging.getLogger(__name__)`` (progress of a fit, say) write to the rule's log too.
    package = logging.getLogger("calet_aniso")
    package.setLevel(logging.INFO)
    package.propagate = False
    logger = logging.getLogger(f"calet_aniso.{name}")
    logger.setLevel(logging.INFO)
    logger.propagate = True
    logger.handlers = []
    file_handler = logging.FileHandler(log_path, mode="w")
    file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    error_handler = logging.StreamHandler(sys.stderr)
    error_handler.setLevel(logging.ERROR)
    error_handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    package.handlers = [file_handler, error_handler]
    cpu_before = process_cpu_s()
    wall_before = time.perf_counter()
    logger.info(
        "%s start-up: %.2f s of CPU before the job's work (interpreter, imports)", name, cpu_before
    )
    try:
        yield logger
        logger.info(
            "%s work: %.2f s of CPU, %.2f s wall",
            name,
            process_cpu_s() - cpu_before,
            time.perf_counter() - wall_before,
        )
    except (InputError, ConfigError) as exc:
        logger.error("%s: %s", type(exc).__name__, exc)
        file_handler.handle(
            logger.makeRecord(logger.name, logging.DEBUG, "", 0, "traceback", (), sys.exc_info())
        )
        if os.environ.get(TRACEBACK_VARIABLE, "") not in ("", "0"):
            raise
        raise SystemExit(1) from None
    except Exception as exc:
        logger.error("%s: %s", type(exc).__name__, exc)
        raise
    finally:
        for handler in package.handlers:
            handler.close()
        package.handlers = []
    if exit_when_done:
        exit_now()


def process_cpu_s() -> float:
    """CPU time of this process so far (user + system, every thread), s."""
    times = os.times()
    return times.user + times.system


def exit_now() -> None:
    """End the process with status 0 without the interpreter's teardown (standard streams
    flushed first). Only for a job whose outputs are all written and closed."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
