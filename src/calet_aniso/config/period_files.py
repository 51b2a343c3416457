"""A period's configuration file stands on its own.

Snakemake merges every ``--configfile`` over ``config/config.yaml`` (the default, simulated
period), and YAML keeps the last of two equal keys. So a period file without ``data.source``
would silently simulate the default observation under the user's period name, one without
``period`` would write into the default period's results, and a key written twice would
lose its first value unseen. :func:`check_period_files` refuses all three, naming the file
(and the line of a repeated key), before any job starts.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from calet_aniso.errors import ConfigError

#: Keys every period file must state itself (dotted paths).
REQUIRED_KEYS = ("period", "data.source")


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a mapping with a repeated key."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False):
    seen: dict[object, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise ConfigError(
                str(key),
                f"given twice in {loader.name}, lines {seen[key] + 1} and "
                f"{key_node.start_mark.line + 1} (YAML would keep only the last)",
            )
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_period_file(path: str | Path) -> dict:
    """The YAML of a period file; ConfigError for a repeated key."""
    with open(path, encoding="utf-8") as handle:
        loader = _UniqueKeyLoader(handle)
        loader.name = str(path)
        try:
            return loader.get_single_data() or {}
        finally:
            loader.dispose()


def _has(content: dict, dotted: str) -> bool:
    node: object = content
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def check_period_files(paths: list[str | Path]) -> None:
    """Every file states ``REQUIRED_KEYS`` and repeats no key (module docstring)."""
    for path in paths:
        content = load_period_file(path)
        for key in REQUIRED_KEYS:
            if not _has(content, key):
                raise ConfigError(
                    key,
                    f"missing in {path}: a period file names its period and its data source "
                    "(data.source: simulation or files) itself; otherwise the default "
                    "period's values (config/config.yaml) would be used unseen",
                )
