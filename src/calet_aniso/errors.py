"""Errors raised on bad input: one clear message naming file, column, count and first bad row."""

from __future__ import annotations

from pathlib import Path


class InputError(ValueError):
    """A raw input file violates the data contract.

    The message names the file, the column (when one is concerned), how many rows are
    affected and the first offending row (0-based index of the data row in that file).
    """

    def __init__(
        self,
        path: str | Path,
        problem: str,
        *,
        column: str | None = None,
        count: int | None = None,
        first_row: int | None = None,
        value: object = None,
    ) -> None:
        self.path = str(path)
        self.column = column
        self.count = count
        self.first_row = first_row
        parts = [f"bad input file {self.path}"]
        if column is not None:
            parts.append(f"column '{column}'")
        text = ": ".join(parts) + f": {problem}"
        if count is not None:
            text += f" in {count} row{'s' if count != 1 else ''}"
        if first_row is not None:
            text += f"; first at data row {first_row} (0-based)"
            if value is not None:
                text += f", value {value!r}"
        super().__init__(text)


class ConfigError(ValueError):
    """The workflow configuration is invalid; the message names the offending key."""

    def __init__(self, key: str, problem: str) -> None:
        self.key = key
        super().__init__(f"config key '{key}': {problem}")
