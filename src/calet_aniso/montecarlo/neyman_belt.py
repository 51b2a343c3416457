"""Coverage-correct 95 % CL upper limits on the dipole amplitude: a Neyman belt built from
Monte Carlo skies with injected dipoles (beside eq. 2.3, which over-covers).

For a grid of true amplitudes δ_k, skies with λ_p ∝ Ā(p) (1 + δ_k n̂·p̂) are drawn with the
isotropic Monte Carlo's sampler and keyed streams (``sampler.IsotropicSky``) and analysed like
the data. The unknown true direction is marginalised over isotropic directions: the 12
vertices of an icosahedron, the same number of skies each. The exposure is not uniform, so
δ̂'s distribution depends a little on the direction (mostly through the exposure's
quadrupole, a polynomial of degree 2 in n̂); the icosahedron is a spherical 5-design, so
averages over it of polynomials up to degree 5 in n̂ are the isotropic averages exactly.
That marginal distribution is what "δ true, direction unknown" means. The belt is Neyman's
one-sided construction for an upper limit: the acceptance region of δ_k is δ̂ ≥ q_k, the 5 %
quantile of δ̂ given δ_k; the limit for a measured δ̂ is the largest δ whose acceptance
region contains it, δ_UL = q⁻¹(δ̂), by monotone interpolation in the grid. The confidence set
{δ : q(δ) ≤ δ̂} = [0, δ_UL] contains the true δ in 95 % of skies whatever δ is (tested). A δ̂
below q(0) gives the empty set (reported as δ_UL = 0; Neyman's construction has no better
answer; it happens in 5 % of isotropic skies).

For a uniform exposure the belt is known in closed form: each component of d⃗ = δ̂ d̂ is
Gaussian with σ² = 3 / N, so (δ̂/σ)² is non-central χ² with 3 degrees of freedom and
non-centrality (δ/σ)² (:func:`closed_form_limit`).

Random streams: the belt's skies use sample indices from 2⁴⁰ on (``BELT_FIRST_SAMPLE``), so
they never share a stream with the isotropic samples (indices below 2⁴⁰).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from calet_aniso.analysis.dipole_covariance import dipole_with_covariance
from calet_aniso.analysis.statistics import CONFIDENCE, exposure_mask, pixel_weights
from calet_aniso.io.files import read_parquet_metadata, write_parquet
from calet_aniso.montecarlo.sampler import SkyBase, run_dipole_amplitudes

#: Sample index of the belt's first sky (isotropic samples use indices below it).
BELT_FIRST_SAMPLE = 2**40


def icosahedron_vertices() -> np.ndarray:
    """The 12 unit vectors of a regular icosahedron's vertices, (0, ±1, ±φ) cycled."""
    golden = (1.0 + np.sqrt(5.0)) / 2.0
    vertices = []
    for a in (-1.0, 1.0):
        for b in (-golden, golden):
            vertices += [(0.0, a, b), (a, b, 0.0), (b, 0.0, a)]
    vertices = np.array(vertices)
    return vertices / np.linalg.norm(vertices, axis=1, keepdims=True)


#: Directions the true dipole's direction is marginalised over (a spherical 5-design).
BELT_DIRECTIONS = icosahedron_vertices()
#: True amplitudes of the belt in units of the isotropic σ: fine where the isotropic δ̂ lies
#: (its median is 1.54 σ), coarser above, where q(δ) is nearly δ − 1.645 σ. Linear
#: interpolation in this grid is within 0.7 % of the closed form for δ̂ > 0.75 σ (where the
#: limit is below 0.6 σ, the absolute error stays below 0.3 σ); at the grid points it is exact.
GRID_SIGMAS = np.array([0, 0.5, 1, 1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4, 5, 6, 8, 10, 12.0])


def isotropic_covariance(
    average_exposure: np.ndarray, mean_count: float, min_relative: float
) -> np.ndarray:
    """Covariance (3, 3) of d⃗ for an isotropic sky in the Gaussian limit: the analytic
    Poisson covariance (``analysis.dipole_covariance``) at the sampler's expected counts."""
    exposure = np.asarray(average_exposure, dtype=np.float64)
    kept = exposure_mask(exposure, min_relative)
    rate = mean_count * np.where(kept, exposure, 0.0) / exposure.sum()  # as the sampler
    weights = pixel_weights(exposure, kept)
    _, covariance = dipole_with_covariance(rate * weights, rate * weights**2)
    return covariance


def isotropic_sigma(average_exposure: np.ndarray, mean_count: float, min_relative: float):
    """σ of one component of d⃗ for an isotropic sky (Gaussian limit): √(trace Σ / 3)."""
    covariance = isotropic_covariance(average_exposure, mean_count, min_relative)
    return float(np.sqrt(np.trace(covariance) / 3.0))


@functools.cache
def _standard_normal_vectors(draws: int) -> np.ndarray:
    """The fixed-seed standard normal vectors (draws, 3) of
    :func:`gaussian_amplitude_quantiles`: the same for every threshold, so drawn once."""
    vectors = np.random.default_rng(0).standard_normal((draws, 3))
    vectors.setflags(write=False)
    return vectors


def gaussian_amplitude_quantiles(
    covariance: np.ndarray, percentiles: list[float], draws: int = 2_000_000
) -> np.ndarray:
    """Percentiles of |d⃗| for d⃗ ~ N(0, Σ): the analytic (Gaussian-limit) null distribution of
    δ̂, by a fixed-seed draw of ``draws`` Gaussian vectors (quantile error ≈ 0.1 %)."""
    factor = np.linalg.cholesky(np.asarray(covariance, dtype=np.float64))
    x, y, z = (_standard_normal_vectors(draws) @ factor.T).T
    # |d⃗| summed as np.linalg.norm(axis=1) sums it, (x² + y²) + z², bit for bit: 7× faster
    amplitudes = np.sqrt(x * x + y * y + z * z)
    return np.percentile(amplitudes, percentiles)


def belt_grid(sigma: float) -> np.ndarray:
    """True amplitudes of the belt, ``GRID_SIGMAS`` × σ, those above 1 left out."""
    grid = GRID_SIGMAS * sigma
    return grid[grid <= 1.0]


@dataclass(frozen=True)
class NeymanBelt:
    """The 5 % quantile of δ̂ (``quantile``) at each true δ (``delta_true``) of a threshold."""

    threshold_gev: float
    delta_true: np.ndarray
    quantile: np.ndarray
    skies_per_point: int
    sigma: float
    covariance: np.ndarray | None = None

    def upper_limit(self, measured: np.ndarray) -> np.ndarray:
        """δ_UL for measured δ̂ (module docstring): 0 below the belt; above its grid the last
        segment is extended (far above σ, q(δ) ≈ δ − 1.645 σ: a straight line)."""
        measured = np.asarray(measured, dtype=np.float64)
        quantile = np.maximum.accumulate(self.quantile)  # monotone against sampling noise
        limit = np.interp(measured, quantile, self.delta_true, left=0.0)
        slope = (self.delta_true[-1] - self.delta_true[-2]) / max(
            quantile[-1] - quantile[-2], 1e-300
        )
        above = self.delta_true[-1] + (measured - quantile[-1]) * slope
        limit = np.where(measured > quantile[-1], above, limit)
        return np.where(np.isfinite(measured), limit, np.nan)

    def contains(self, measured: np.ndarray, delta: float) -> np.ndarray:
        """Whether the confidence set of each measured δ̂ contains the true ``delta``."""
        measured = np.asarray(measured, dtype=np.float64)
        return (measured >= self.quantile[0]) & (self.upper_limit(measured) >= delta)

    def write(self, path: str | Path) -> None:
        """Parquet: delta_true, delta_hat_q05; metadata threshold, skies per point, σ."""
        frame = pd.DataFrame({"delta_true": self.delta_true, "delta_hat_q05": self.quantile})
        write_parquet(
            frame,
            path,
            {
                "threshold_gev": self.threshold_gev,
                "skies_per_point": self.skies_per_point,
                "sigma": self.sigma,
                "confidence": CONFIDENCE,
                "isotropic_covariance": (
                    None if self.covariance is None else np.asarray(self.covariance).tolist()
                ),
            },
        )

    @classmethod
    def read(cls, path: str | Path) -> NeymanBelt:
        """Read a file written by :meth:`write`; ValueError naming the file if it is not one."""
        meta = read_parquet_metadata(path)
        if "skies_per_point" not in meta:
            raise ValueError(f"{path}: not a Neyman belt table")
        frame = pd.read_parquet(path)
        return cls(
            float(meta["threshold_gev"]),
            frame["delta_true"].to_numpy(),
            frame["delta_hat_q05"].to_numpy(),
            int(meta["skies_per_point"]),
            float(meta["sigma"]),
            None
            if meta.get("isotropic_covariance") is None
            else np.array(meta["isotropic_covariance"]),
        )


def build_belt(
    average_exposure: np.ndarray,
    mean_count: float,
    min_relative: float,
    seed: int,
    threshold_index: int,
    skies_per_direction: int,
    threshold_gev: float = 0.0,
    grid: np.ndarray | None = None,
    progress=None,
) -> NeymanBelt:
    """The belt of a threshold (module docstring): for each true δ of ``grid`` (default
    :func:`belt_grid`), ``skies_per_direction`` skies toward each of ``BELT_DIRECTIONS``."""
    covariance = isotropic_covariance(average_exposure, mean_count, min_relative)
    sigma = float(np.sqrt(np.trace(covariance) / 3.0))
    grid = belt_grid(sigma) if grid is None else np.asarray(grid, dtype=np.float64)
    per_point = skies_per_direction * len(BELT_DIRECTIONS)
    quantiles = np.empty(len(grid))
    base = SkyBase.of(average_exposure, min_relative)
    for k, delta in enumerate(grid):
        values = []
        for j, direction in enumerate(BELT_DIRECTIONS):
            sky = base.sky(mean_count, dipole=delta * direction)
            first = BELT_FIRST_SAMPLE + (k * len(BELT_DIRECTIONS) + j) * skies_per_direction
            values.append(
                run_dipole_amplitudes(sky, seed, threshold_index, first, skies_per_direction)
            )
            if progress is not None:
                progress.advance(skies_per_direction)
        quantiles[k] = np.quantile(np.concatenate(values), 1.0 - CONFIDENCE)
    return NeymanBelt(float(threshold_gev), grid, quantiles, per_point, sigma, covariance)


def closed_form_limit(measured: float, sigma: float, confidence: float = CONFIDENCE) -> float:
    """The Neyman upper limit for a uniform exposure (module docstring): the δ at which a
    measured δ̂ is the (1 − confidence) quantile of σ·χ₃(non-central, δ/σ); 0 below q(0)."""
    from scipy.optimize import brentq  # scipy.stats: most of a second to import, only here
    from scipy.stats import ncx2

    x = (measured / sigma) ** 2
    alpha = 1.0 - confidence
    if ncx2.cdf(x, 3, 0.0) <= alpha:
        return 0.0
    # the cdf falls as the non-centrality grows: bracket, then solve
    high = (measured / sigma + 10.0) ** 2
    root = brentq(lambda nc: ncx2.cdf(x, 3, nc) - alpha, 0.0, high, xtol=1e-12)
    return float(np.sqrt(root) * sigma)
