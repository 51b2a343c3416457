"""Monte Carlo sample tables: the shards of a threshold and their gathered table.

File format (Parquet, ``io.files.write_parquet``): one row per sample, columns ``sample``
(index), ``n_events`` and the statistics of ``analysis.statistics`` (corrected and
``_uncorrected``); metadata ``threshold_gev``, ``mean_count`` (expected events in the unmasked
sky) and ``seed``. Gathering checks that the shards cover every sample exactly once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from calet_aniso.io.files import read_parquet_metadata, write_parquet

META_KEYS = ("threshold_gev", "mean_count", "seed")


def write_samples(
    columns: Mapping[str, np.ndarray],
    path: str | Path,
    threshold_gev: float,
    mean_count: float,
    seed: int,
) -> None:
    """Write a table of samples (a shard, or all samples of a threshold)."""
    meta = {"threshold_gev": threshold_gev, "mean_count": mean_count, "seed": seed}
    write_parquet(pd.DataFrame(columns), path, meta)


def read_samples(path: str | Path) -> tuple[pd.DataFrame, dict[str, object]]:
    """A sample table and its metadata; ValueError naming the file if it is not one."""
    meta = read_parquet_metadata(path)
    if not set(META_KEYS) <= set(meta):
        raise ValueError(f"{path}: not a Monte Carlo sample table (metadata {sorted(meta)})")
    return pd.read_parquet(path), meta


def gather_samples(
    paths: Iterable[str | Path], n_samples: int
) -> tuple[pd.DataFrame, dict[str, object]]:
    """All ``n_samples`` samples of a threshold from its shards, in sample order, and their
    metadata. ValueError if the shards disagree on the metadata or do not cover
    0 .. n_samples − 1 exactly once."""
    tables, metas = zip(*(read_samples(p) for p in paths), strict=True)
    if any(m != metas[0] for m in metas):
        raise ValueError("Monte Carlo shards of one threshold disagree on threshold, count or seed")
    samples = pd.concat(tables, ignore_index=True).sort_values("sample", ignore_index=True)
    if (
        len(samples) != n_samples
        or not (samples["sample"].to_numpy() == np.arange(n_samples)).all()
    ):
        raise ValueError("Monte Carlo shards do not cover the samples exactly once")
    return samples, dict(metas[0])
