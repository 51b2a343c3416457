"""Low-rank split of the energy dependence of the response.

The node maps A(E_k, v) (n_nodes × n_dir) are factorised by SVD as U @ B with as few
components as keep every node map within a relative tolerance of its maximum. The
exposure is linear in the response, so projecting the r components and recombining with
U gives the exposure at every node for the price of r projections.
"""

from __future__ import annotations

import numpy as np


def low_rank(maps: np.ndarray, rel_tol: float = 1e-5) -> tuple[np.ndarray, np.ndarray]:
    """Factor ``maps`` (n_nodes, n) ≈ U (n_nodes, r) @ B (r, n) to ``rel_tol`` of the maximum.

    Returns (U, B) with the smallest r such that max |maps - U B| ≤ rel_tol · max |maps|.
    """
    u, s, vt = np.linalg.svd(maps, full_matrices=False)
    scale = np.abs(maps).max()
    for rank in range(1, len(s) + 1):
        coeffs = u[:, :rank] * s[:rank]
        basis = vt[:rank]
        if np.abs(maps - coeffs @ basis).max() <= rel_tol * scale:
            return coeffs, basis
    return u * s, vt
