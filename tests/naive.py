"""Plain-loop and dense reference twins of the kernels (the test oracles).

Each function is the obvious, slow formula: dense solves, explicit loops,
central finite differences.  None calls ngproof.kernels.
"""

import numpy as np


def dense_natural_gradient(fisher, grad, damping):
    return np.linalg.solve(fisher + damping * np.eye(fisher.shape[0]), grad)


def categorical_natural_gradient(probs, grad, damping):
    out = np.empty_like(grad, dtype=np.float64)
    for n in range(probs.shape[0]):
        p = probs[n].astype(np.float64)
        matrix = np.diag(p) - np.outer(p, p) + damping * np.eye(p.shape[0])
        out[n] = np.linalg.solve(matrix, grad[n])
    return out


def categorical_error_scale(probs, damping):
    """Relative-error amplification of the damped categorical solve: the largest
    condition number of diag(π) - ππᵀ + λI over the rows, plus 1/λ because the
    Sherman–Morrison denominator contains 1 - Σπ, whose rounding error (~eps,
    absolute) is relative to a denominator of order λ (BENCH trap 4)."""
    worst = 1.0
    for p in probs:
        w = np.linalg.eigvalsh(np.diag(p) - np.outer(p, p) + damping * np.eye(p.shape[0]))
        worst = max(worst, w[-1] / w[0])
    return worst + 1.0 / damping


def softmax_fisher(jacobians, probs):
    n, k, d = jacobians.shape
    total = np.zeros((d, d))
    for i in range(n):
        lam = np.diag(probs[i]) - np.outer(probs[i], probs[i])
        total += jacobians[i].T @ lam @ jacobians[i]
    return total / n


def kron(A, G):
    m, n = A.shape[0], G.shape[0]
    out = np.zeros((m * n, m * n))
    for i in range(m):
        for j in range(m):
            for p in range(n):
                for q in range(n):
                    out[i * n + p, j * n + q] = A[i, j] * G[p, q]
    return out


def kfac_factors(a, g, bias=True):
    if bias:
        a = np.hstack([a, np.ones((a.shape[0], 1))])
    A = sum(np.outer(row, row) for row in a) / a.shape[0]
    G = sum(np.outer(row, row) for row in g) / g.shape[0]
    return A, G


def finite_difference(f, x, eps=1e-6):
    """Central differences of f: R^d -> R^m (or scalar); returns (m..., d)."""
    cols = []
    for i in range(x.shape[0]):
        e = np.zeros_like(x)
        e[i] = eps
        cols.append((np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * eps))
    return np.stack(cols, axis=-1)


def spd(rng, d, cond=100.0):
    """Symmetric positive definite matrix with the given condition number."""
    q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    return (q * np.geomspace(1.0, 1.0 / cond, d)) @ q.T


def simplex(rng, n, k, scale=2.0):
    z = scale * rng.standard_normal((n, k))
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
