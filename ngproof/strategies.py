"""Hypothesis strategies named for what they draw, built by construction.

Every matrix is assembled from bounded draws so that its conditioning is known:
SPD matrices as ``Q diag(λ) Qᵀ`` with eigenvalues log-spaced up to ``cond``,
probability vectors as the softmax of bounded logits, invertible Jacobians as
``Q diag(s) Rᵀ`` with singular values bounded away from zero.
"""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

_BOUNDED = st.floats(-1.0, 1.0, allow_nan=False, allow_infinity=False, width=64)


def reals(low: float = -5.0, high: float = 5.0) -> st.SearchStrategy[float]:
    """Finite floats in ``[low, high]``."""
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def vectors(n: int, low: float = -1.0, high: float = 1.0) -> st.SearchStrategy[np.ndarray]:
    """Vectors of shape ``(n,)`` with entries in ``[low, high]``."""
    return arrays(np.float64, (n,), elements=reals(low, high))


def orthogonal_matrices(n: int) -> st.SearchStrategy[np.ndarray]:
    """Orthogonal ``(n, n)`` matrices: the Q of a QR factorisation of a well-posed draw."""
    def orthogonal(m: np.ndarray) -> np.ndarray:
        q, r = np.linalg.qr(m + 3.0 * np.eye(n))
        return q * np.sign(np.diag(r))
    return arrays(np.float64, (n, n), elements=_BOUNDED).map(orthogonal)


@st.composite
def spd_matrices(draw, n: int, cond: float = 1e3) -> np.ndarray:
    """SPD ``(n, n)`` matrices with condition number at most ``cond`` (eigenvalues in [1/cond, 1])."""
    q = draw(orthogonal_matrices(n))
    exponents = draw(arrays(np.float64, (n,), elements=st.floats(0.0, 1.0)))
    eigenvalues = cond ** -exponents
    matrix = (q * eigenvalues) @ q.T
    return (matrix + matrix.T) / 2


def ill_conditioned_spd_matrices(n: int, cond: float = 1e10) -> st.SearchStrategy[np.ndarray]:
    """SPD matrices whose condition number reaches ``cond`` (both extreme eigenvalues drawn)."""
    @st.composite
    def build(draw):
        q = draw(orthogonal_matrices(n))
        inner = draw(arrays(np.float64, (max(n - 2, 0),), elements=st.floats(0.0, 1.0)))
        eigenvalues = cond ** -np.concatenate([[0.0, 1.0], inner])[:n]
        matrix = (q * eigenvalues) @ q.T
        return (matrix + matrix.T) / 2
    return build()


@st.composite
def psd_matrices(draw, n: int, rank: int) -> np.ndarray:
    """Singular PSD ``(n, n)`` matrices ``B Bᵀ`` of rank at most ``rank``."""
    b = draw(arrays(np.float64, (n, rank), elements=_BOUNDED))
    return b @ b.T


def probability_vectors(k: int, spread: float = 4.0) -> st.SearchStrategy[np.ndarray]:
    """Points of the open simplex in R^k: softmax of logits in ``[-spread, spread]``."""
    def softmax(z: np.ndarray) -> np.ndarray:
        e = np.exp(z - z.max())
        return e / e.sum()
    return arrays(np.float64, (k,), elements=reals(-spread, spread)).map(softmax)


@st.composite
def invertible_jacobians(draw, n: int, cond: float = 1e2) -> np.ndarray:
    """Invertible ``(n, n)`` matrices with singular values in ``[1/√cond, √cond]``."""
    u = draw(orthogonal_matrices(n))
    v = draw(orthogonal_matrices(n))
    exponents = draw(arrays(np.float64, (n,), elements=st.floats(-0.5, 0.5)))
    return (u * cond ** exponents) @ v.T


def dampings(low: float = 1e-3, high: float = 1e2) -> st.SearchStrategy[float]:
    """Damping values, log-uniform in ``[low, high]``."""
    return st.floats(np.log10(low), np.log10(high)).map(lambda e: float(10.0 ** e))
