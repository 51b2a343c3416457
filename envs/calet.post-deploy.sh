#!/usr/bin/env bash
# Runs once, inside the new rule environment, from the workflow's directory (the repository):
# installs the package calet_aniso (editable, so the rules run the checked-out source; its
# dependencies come from calet.yaml).
set -euo pipefail
python -m pip install --no-deps --no-build-isolation -e .
