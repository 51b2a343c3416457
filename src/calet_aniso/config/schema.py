"""The configuration schema and loading a configuration outside the workflow.

The schema (``workflow/schemas/config.schema.yaml``, shipped with the package as
``config.schema.yaml``) documents every key and holds every default. The workflow validates
its config against it; :func:`load_config` does the same for tests, benchmarks and studies,
so a configuration means the same everywhere.
"""

from __future__ import annotations

import copy
from importlib import resources
from pathlib import Path

import yaml
from snakemake.utils import validate

from calet_aniso.config.checks import check_config
from calet_aniso.config.coercion import coerce_config


def schema_path() -> Path:
    """Path of the configuration schema."""
    return Path(str(resources.files("calet_aniso.config") / "config.schema.yaml"))


def _merge(base: dict, update: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def load_config(*files: str | Path, overrides: dict | None = None, check: bool = True) -> dict:
    """Config from YAML files merged in order, then ``overrides``; validated against the schema
    with its defaults filled in, and checked like the workflow checks it (``check``)."""
    config: dict = {}
    for file in files:
        config = _merge(config, yaml.safe_load(Path(file).read_text()) or {})
    config = coerce_config(_merge(config, overrides or {}), str(schema_path()))
    validate(config, str(schema_path()), set_default=True)
    if check:
        check_config(config)
    return config


def default_config(**overrides) -> dict:
    """The schema's defaults for a simulated period named 'default' (plus ``overrides``)."""
    base = {"period": "default", "data": {"source": "simulation"}}
    return load_config(overrides=_merge(base, overrides))
