"""Types of command-line config values, before validation.

``snakemake --config 'mc={samples: 2000}'`` parses the nested value with YAML's BaseLoader,
which leaves every scalar a string ('2000'); ``--config period=2015`` gives an int. Where the
schema asks for another type, a string is read as YAML (and kept only if it then has a type
the schema allows) and a number given for a string becomes its text, so that overrides mean
what they say; an integral float (64.0) given for an integer key becomes that integer;
anything else is left for the validation to report.
"""

from __future__ import annotations

from typing import Any

import yaml

_TYPES = {
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "string": lambda v: isinstance(v, str),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "null": lambda v: v is None,
}


def _allowed(schema: dict) -> list[str]:
    kind = schema.get("type", [])
    return [kind] if isinstance(kind, str) else list(kind)


def _matches(value: Any, kinds: list[str]) -> bool:
    return any(_TYPES[k](value) for k in kinds if k in _TYPES)


def coerce_types(value: Any, schema: dict) -> Any:
    """``value`` with command-line strings converted to the types ``schema`` allows."""
    kinds = _allowed(schema)
    if isinstance(value, str) and kinds and not _matches(value, kinds):
        try:
            parsed = yaml.safe_load(value)
        except yaml.YAMLError:
            return value
        value = parsed if _matches(parsed, kinds) else value
    elif (
        isinstance(value, float)
        and value.is_integer()
        and "integer" in kinds
        and "number" not in kinds
    ):
        value = int(value)  # 64.0 for an Nside or a shard count means 64
    elif (
        "string" in kinds
        and _TYPES["number"](value)
        and not _matches(value, [k for k in kinds if k != "string"])
    ):
        value = str(value)
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        return {
            key: coerce_types(item, properties.get(key, extra if isinstance(extra, dict) else {}))
            for key, item in value.items()
        }
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [coerce_types(item, schema["items"]) for item in value]
    return value


def coerce_config(config: dict, schema_file: str) -> dict:
    """The config with command-line types coerced against the schema in ``schema_file``."""
    with open(schema_file, encoding="utf-8") as handle:
        # libyaml's parser where PyYAML has it: the schema is long, and the pure-Python
        # parser takes 0.2 s of every workflow start. Same constructor, same values.
        schema = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return coerce_types(config, schema)
