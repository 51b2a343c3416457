"""The Makefile's choice of the interpreter that `make setup` builds the venv from."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def chosen_python(tmp_path: Path, *variables: str) -> str:
    """$(PYTHON) as the Makefile sets it, with ``variables`` (NAME=value) on the command line."""
    probe = tmp_path / "probe.mk"
    probe.write_text("print-python:\n\t@echo '$(PYTHON)'\n")
    command = ["make", "--no-print-directory", "-s", "-f", "Makefile", "-f", str(probe)]
    done = subprocess.run(
        [*command, *variables, "print-python"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def fake_python(folder: Path, name: str, version: tuple[int, int]) -> Path:
    """An executable that answers the Makefile's check as a Python of ``version`` would."""
    path = folder / name
    too_old = int(version < (3, 11))
    path.write_text(f"#!/bin/sh\nexit {too_old}\n")
    path.chmod(0o755)
    return path


def test_the_first_candidate_that_is_python_3_11_or_newer_is_chosen(tmp_path):
    old = fake_python(tmp_path, "python3.9", (3, 9))
    new = fake_python(tmp_path, "python3.12", (3, 12))
    candidates = f"PYTHON_CANDIDATES={tmp_path / 'missing'} {old} {new} {sys.executable}"
    assert chosen_python(tmp_path, candidates) == str(new)


def test_python3_when_no_candidate_qualifies(tmp_path):
    old = fake_python(tmp_path, "python3.10", (3, 10))
    assert chosen_python(tmp_path, f"PYTHON_CANDIDATES={tmp_path / 'missing'} {old}") == "python3"


def test_an_explicit_python_wins(tmp_path):
    assert chosen_python(tmp_path, "PYTHON=/opt/my/python") == "/opt/my/python"


def test_the_real_check_accepts_this_interpreter(tmp_path):
    """The check itself (version, venv, ensurepip and its bundled pip) on a real interpreter:
    this test's own, which is 3.11 or newer; skipped where it has no ensurepip."""
    pytest.importorskip("ensurepip")
    assert chosen_python(tmp_path, f"PYTHON_CANDIDATES={sys.executable}") == sys.executable
