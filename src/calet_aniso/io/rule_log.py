"""Logging for rule scripts: everything to the rule's log file, errors also to stderr."""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def rule_log(log_path: str | Path, name: str) -> Iterator[logging.Logger]:
    """Logger writing to ``log_path``; an exception is logged (file and stderr) and re-raised."""
    Path(log_path).parent.mkdir(parents=True, exist_ok=True)
    logger = logging.getLogger(f"calet_aniso.{name}")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    file_handler = logging.FileHandler(log_path, mode="w")
    file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    error_handler = logging.StreamHandler(sys.stderr)
    error_handler.setLevel(logging.ERROR)
    error_handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    logger.handlers = [file_handler, error_handler]
    try:
        yield logger
    except Exception as exc:
        logger.error("%s: %s", type(exc).__name__, exc)
        logger.debug("traceback", exc_info=True)
        raise
    finally:
        for handler in logger.handlers:
            handler.close()
        logger.handlers = []
