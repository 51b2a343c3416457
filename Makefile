# Quick start: `make run` (set up + default pipeline), `make test` (set up + tests).
# The interpreter the venv is built from: the first of PYTHON_CANDIDATES that is Python 3.11
# or newer with venv and its bundled pip (the system's Python, else python3 on the PATH),
# else python3; `make setup PYTHON=...` to choose.
# Distributions build theirs with profile-guided and link-time optimisation; pyenv's default
# build has neither, and the default run spends about 4 % more CPU under it, most of it in
# the jobs' imports (python benchmarks/bench_default_run.py --baseline-python ...).
PYTHON_CANDIDATES ?= /usr/bin/python3 python3
PYTHON ?= $(or $(firstword $(foreach p,$(PYTHON_CANDIDATES),$(shell $(p) -c 'import sys, venv, ensurepip; ensurepip.version(); sys.exit(sys.version_info < (3, 11))' 2>/dev/null && command -v $(p)))),python3)
VENV ?= .venv
BIN := $(VENV)/bin
CORES ?= all

PERIOD ?= $(shell $(BIN)/python -c "from calet_aniso.config.schema import load_config; print(load_config('config/config.yaml')['period'])" 2>/dev/null)

.PHONY: setup run report summary browser cluster test test-fast lint format clean-results sweep-bad-inputs

$(BIN)/snakemake: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --no-compile -e ".[dev]"
	# Bytecode of the environment and the package once, on every CPU (pip compiles on one),
	# so that no job compiles it, even where PYTHONDONTWRITEBYTECODE is set.
	$(BIN)/python -m compileall -q -j 0 $(VENV)/lib src
	$(BIN)/python -m calet_aniso.compile_kernels
	touch $@

setup: $(BIN)/snakemake

# The default pipeline, its report (results/<period>/report.html) and the headline summary.
run: setup
	$(BIN)/snakemake --cores $(CORES)
	$(MAKE) --no-print-directory report summary

report: setup
	$(BIN)/snakemake --report results/$(PERIOD)/report.html

summary: setup
	$(BIN)/calet-aniso summary results/$(PERIOD)

# Debian's chromium for the report test (root only; skipped elsewhere outside CI).
browser:
	tests/browser/install-chromium.sh

# The one-node SLURM cluster's Debian packages (root only; the cluster tests start it).
cluster:
	tests/cluster/install.sh

test: setup browser cluster
	$(BIN)/python -m pytest

# Daily work: everything but the end-to-end workflow runs and the calibration study (~1.5 min).
test-fast: setup
	$(BIN)/python -m pytest -m "not slow"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/snakefmt --check Snakefile workflow/rules
	$(BIN)/snakemake --lint

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/snakefmt Snakefile workflow/rules

clean-results:
	rm -rf results .snakemake

# Hostile inputs through the real snakemake command (about 20 minutes; not in `make test`).
sweep-bad-inputs: setup
	$(BIN)/python tests/sweep_bad_inputs.py
