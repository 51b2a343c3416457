"""Monte Carlo sample tables: the shards of the nested Monte Carlo and each selection's table.

Selection table (Parquet, ``io.files.write_parquet``): one row per sample, columns ``sample``
(index), ``n_events`` and the statistics of ``analysis.statistics`` (corrected and
``_uncorrected``); metadata ``threshold_gev`` (the selection's lowest energy), ``mean_count``
(expected events in the unmasked sky), ``seed``, and ``selection`` (label), ``kind`` and
``energy_max_gev`` (null: none). A shard holds the same columns for every selection, with
column ``selection`` (label) and metadata ``seed`` and ``selections`` (each selection's
metadata). Gathering checks that the shards cover every sample exactly once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from calet_aniso.config.energy_selections import EnergySelection
from calet_aniso.io.files import read_parquet_metadata, write_parquet

META_KEYS = ("threshold_gev", "mean_count", "seed")


def selection_meta(
    selection: EnergySelection | float, mean_count: float, seed: int
) -> dict[str, object]:
    """A selection table's metadata (module docstring); a threshold in GeV: E ≥ threshold."""
    if not isinstance(selection, EnergySelection):
        selection = EnergySelection(float(selection))
    return {
        "threshold_gev": selection.min_gev,
        "mean_count": float(mean_count),
        "seed": seed,
        "selection": selection.label,
        "kind": selection.kind,
        "energy_max_gev": None if np.isinf(selection.max_gev) else selection.max_gev,
    }


def write_samples(
    columns: Mapping[str, np.ndarray],
    path: str | Path,
    selection: EnergySelection | float,
    mean_count: float,
    seed: int,
) -> None:
    """Write a selection's table of samples (all of them, or a range)."""
    write_parquet(pd.DataFrame(columns), path, selection_meta(selection, mean_count, seed))


def write_shard(
    tables: list[Mapping[str, np.ndarray]],
    selections: list[EnergySelection],
    mean_counts: np.ndarray,
    path: str | Path,
    seed: int,
) -> None:
    """Write a shard of the nested Monte Carlo: every selection's samples (module docstring)."""
    frames = [
        pd.DataFrame(columns).assign(selection=s.label)
        for columns, s in zip(tables, selections, strict=True)
    ]
    metas = [selection_meta(s, n, seed) for s, n in zip(selections, mean_counts, strict=True)]
    write_parquet(pd.concat(frames, ignore_index=True), path, {"seed": seed, "selections": metas})


def gather_selection(
    paths: Iterable[str | Path], label: str, n_samples: int
) -> tuple[pd.DataFrame, dict[str, object]]:
    """All ``n_samples`` samples of the selection ``label`` from the shards, in sample order,
    and the selection's metadata. ValueError if the shards disagree on it, lack it or do not
    cover 0 .. n_samples − 1 exactly once."""
    tables, metas = [], []
    for path in paths:
        meta = read_parquet_metadata(path)
        found = [m for m in meta.get("selections", []) if m["selection"] == label]
        if not found:
            raise ValueError(f"{path}: no Monte Carlo samples of selection {label}")
        metas.append(found[0])
        table = pd.read_parquet(path, filters=[("selection", "==", label)])
        tables.append(table.drop(columns="selection"))
    return _gathered(tables, metas, n_samples)


def read_samples(path: str | Path) -> tuple[pd.DataFrame, dict[str, object]]:
    """A sample table and its metadata; ValueError naming the file if it is not one."""
    meta = read_parquet_metadata(path)
    if not set(META_KEYS) <= set(meta):
        raise ValueError(f"{path}: not a Monte Carlo sample table (metadata {sorted(meta)})")
    return pd.read_parquet(path), meta


def _gathered(
    tables: list[pd.DataFrame], metas: list[dict[str, object]], n_samples: int
) -> tuple[pd.DataFrame, dict[str, object]]:
    if any(m != metas[0] for m in metas):
        raise ValueError("Monte Carlo shards disagree on the selection, its mean count or the seed")
    samples = pd.concat(tables, ignore_index=True).sort_values("sample", ignore_index=True)
    if (
        len(samples) != n_samples
        or not (samples["sample"].to_numpy() == np.arange(n_samples)).all()
    ):
        raise ValueError("Monte Carlo shards do not cover the samples exactly once")
    return samples, dict(metas[0])
