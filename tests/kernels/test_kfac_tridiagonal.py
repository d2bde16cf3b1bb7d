"""Exact damping through one eigendecomposition and one tridiagonal reduction,
against the dense solve of ``A ⊗ G + λI``."""

import numpy as np
import pytest

from ngproof.kernels import kfac_solve_exact, kronecker_tridiagonal
from ngproof.kernels.kfac_tridiagonal import _count_below


def _gram(rng, rows, n):
    x = rng.standard_normal((rows, n))
    return x.T @ x / rows


def _dense_solve(A, G, V, lam):
    """The definition: (A ⊗ G + λI) vec X = vec V, column-major vec."""
    big = np.kron(A, G) + lam * np.eye(A.shape[0] * G.shape[0])
    return np.linalg.solve(big, V.flatten(order="F")).reshape(V.shape, order="F")


def _rel(x, ref):
    return np.abs(x - ref).max() / np.abs(ref).max()


@pytest.mark.parametrize("m, n", [(5, 3), (3, 5), (4, 4), (1, 3), (3, 1), (1, 1), (9, 2)])
@pytest.mark.parametrize("rows", [2, 40])  # rank-deficient and full-rank factors
def test_solve_is_the_dense_kronecker_solve(m, n, rows):
    rng = np.random.default_rng(m * 10 + n + rows)
    A, G = _gram(rng, rows, m), _gram(rng, rows, n)
    V = rng.standard_normal((n, m))
    factored = kronecker_tridiagonal(A, G)
    assert factored.transposed == (m < n)  # the smaller factor is the diagonalised one
    for lam in (1e-3, 0.3, 10.0):  # one factorisation serves every λ
        expected = _dense_solve(A, G, V, lam)
        assert _rel(factored.solve(V, lam), expected) < 1e-10
        assert _rel(kfac_solve_exact(A, G, V, lam), expected) < 1e-10


def test_undamped_solve_needs_definite_factors():
    rng = np.random.default_rng(1)
    A, G = _gram(rng, 30, 4), _gram(rng, 30, 3)
    V = rng.standard_normal((3, 4))
    expected = np.linalg.solve(np.kron(A, G), V.flatten(order="F")).reshape(V.shape, order="F")
    assert _rel(kfac_solve_exact(A, G, V, 0.0), expected) < 1e-10
    with pytest.raises(ValueError, match="damping must be > 0"):
        kfac_solve_exact(_gram(rng, 2, 4), G, V, 0.0)  # rank 2: singular


def test_rounding_negative_eigenvalues_of_a_psd_factor_are_accepted():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((3, 12))
    A = x.T @ x  # rank 3 of 12: nine eigenvalues are 0 up to rounding, some slightly negative
    assert np.linalg.eigvalsh(A)[0] < 0
    G = _gram(rng, 10, 2)
    V = rng.standard_normal((2, 12))
    assert _rel(kfac_solve_exact(A, G, V, 0.5), _dense_solve(A, G, V, 0.5)) < 1e-10


def test_indefinite_factors_are_refused_whichever_is_tridiagonalised():
    spd = np.array([[2.0, 0.5], [0.5, 1.0]])
    indefinite = np.array([[1.0, 0.3, 0.0], [0.3, -0.5, 0.2], [0.0, 0.2, 2.0]])
    with pytest.raises(ValueError, match="A must be positive semi-definite.*smallest eigenvalue is -5"):
        kronecker_tridiagonal(indefinite, spd)  # A larger: tridiagonalised, Sturm count
    with pytest.raises(ValueError, match="G must be positive semi-definite"):
        kronecker_tridiagonal(np.eye(3), indefinite[:2, :2])  # G smaller: diagonalised


@pytest.mark.parametrize("seed", range(20))
def test_sturm_count_matches_the_eigenvalues(seed):
    rng = np.random.default_rng(seed)
    m = int(rng.integers(1, 12))
    d, e = rng.standard_normal(m), rng.standard_normal(m - 1)
    if seed % 4 == 0:
        e[rng.integers(0, max(1, m - 1)):] = 0  # a split matrix: a zero pivot path
    eigenvalues = np.linalg.eigvalsh(np.diag(d) + np.diag(e, 1) + np.diag(e, -1))
    for shift in np.concatenate([rng.standard_normal(5) * 2, eigenvalues[:1] - 1e-9, eigenvalues[-1:] + 1e-9]):
        assert _count_below(d, e, shift) == np.sum(eigenvalues < shift)


def test_float32_stays_float32():
    rng = np.random.default_rng(3)
    A, G = _gram(rng, 20, 5).astype(np.float32), _gram(rng, 20, 3).astype(np.float32)
    V = rng.standard_normal((3, 5)).astype(np.float32)
    out = kfac_solve_exact(A, G, V, 0.1)
    assert out.dtype == np.float32
    expected = _dense_solve(A.astype(float), G.astype(float), V.astype(float), 0.1)
    assert _rel(out, expected) < 1e-4


def _residual(A, G, X, V, lam):
    return np.linalg.norm((np.kron(A, G) + lam * np.eye(A.shape[0] * G.shape[0])) @ X.flatten(order="F")
                          - V.flatten(order="F"))


@pytest.mark.parametrize("dtype, rows, m, lams", [(np.float64, 3, 50, (1e-10, 1e-11, 1e-14)),
                                                  (np.float32, 16, 101, (2e-6, 1e-7))])
def test_rank_deficient_factor_with_small_damping_is_solved_stably(dtype, rows, m, lams):
    """Rounding leaves eigenvalues of a rank-deficient Gram slightly below 0: the solve
    must neither refuse λ > 0 nor amplify past the PSD bound ‖X‖ ≤ ‖V‖ / λ."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((rows, m)).astype(dtype)
    A = x.T @ x / rows
    G = np.diag([1e4, 1.0]).astype(dtype)
    V = rng.standard_normal((2, m)).astype(dtype)
    eps = np.finfo(dtype).eps
    for lam in lams:
        X = kfac_solve_exact(A, G, V, lam).astype(float)
        assert np.linalg.norm(X) <= np.linalg.norm(V.astype(float)) / lam * (1 + 1e3 * eps)
        scale = np.linalg.norm(A.astype(float), 2) * 1e4 + lam
        assert _residual(A.astype(float), G.astype(float), X, V.astype(float), lam) <= \
            16 * m * eps * scale * np.linalg.norm(X) + 16 * m * eps * np.linalg.norm(V.astype(float))


def test_extreme_scales_of_the_factors():
    A = np.array([[2.0, 1, 0], [1, 2, 1], [0, 1, 2]])
    V = np.ones((2, 3))
    for a, g in ((1e155, 1.0), (1e160, 1e-160), (1e-160, 1e160)):  # e² of T alone would overflow or underflow
        expected = _dense_solve(A * a, np.eye(2) * g, V, 1.0)
        assert _rel(kfac_solve_exact(A * a, np.eye(2) * g, V, 1.0), expected) < 1e-12


def test_an_indefinite_factor_at_a_tiny_scale_is_refused():
    A = np.array([[0.0, 1e-170, 0], [1e-170, 0, 0], [0, 0, 0]])  # eigenvalues ±1e-170, 0
    with pytest.raises(ValueError, match="A must be positive semi-definite"):
        kronecker_tridiagonal(A, np.eye(2))
