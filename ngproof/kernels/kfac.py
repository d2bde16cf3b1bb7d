"""K-FAC: Kronecker-factored approximate curvature for a dense layer.

Lesson: "Practical Approximations — K-FAC" and Worked Example 3.

Layer ``s = W a + b`` with ``W`` (n_out, n_in).  With ``bias=True`` the input
gets a trailing ones column, ``ã = [a, 1]``, and the weight is the augmented
``W̃ = [W | b]`` of shape (n_out, n_in + 1).  The factors are

    A = (1/B) Σ_b ã_b ã_bᵀ        G = (1/B) Σ_b g_b g_bᵀ

where ``g_b = ∂ℓ_b/∂s_b`` is the gradient of the *per-example* loss with
respect to the pre-activations, with output labels drawn from the model (true
Fisher), or the expectation over them.  If ``g`` comes from back-propagating a
mean-reduced loss ``(1/B) Σ ℓ_b``, multiply it by B first: with this
convention, on a single example (B = 1, the expectation over labels taken
exactly) ``A ⊗ G`` *is* the exact Fisher block of the layer.

Vec convention.  The lesson writes ``F_W ≈ A ⊗ G`` for the column-major vec
(stacking the columns of W̃), and then ``vec(G⁻¹ V A⁻¹) = (A ⊗ G)⁻¹ vec(V)``.
PyTorch flattens row-major, and for that order the same matrix is ``G ⊗ A``.
:func:`kfac_precondition` applies ``G⁻¹ V A⁻¹`` with two small matrix
products; the Kronecker product is never formed except by
:func:`kronecker_dense`, meant for small checks.

Route: the matrix products and factorisations call BLAS/LAPACK through
``scipy.linalg.blas``/``lapack`` so that the whole step runs in one OpenBLAS
(numpy's and scipy's are separate copies whose threads fight, see BENCH trap 1).
"""

from __future__ import annotations

import numpy as np
from numba import njit
from scipy.linalg import blas, lapack

from ._blas import gram, mirror_lower
from ._validate import (
    as_array,
    cast,
    check_damping,
    check_output,
    check_same_length,
    check_scalar,
    check_square,
    not_positive_definite,
    result_dtype,
)
from .damping import _shifted, pi_damped
from .kfac_tridiagonal import kfac_solve_exact


def _augment(a: np.ndarray, bias: bool) -> np.ndarray:
    if not bias:
        return a
    out = np.empty((a.shape[0], a.shape[1] + 1), dtype=a.dtype)
    out[:, :-1] = a
    out[:, -1] = 1
    return out


def kfac_factors(a, g, bias: bool = True):
    """K-FAC factors ``(A, G)`` from layer inputs and pre-activation gradients.

    Args:
        a: (B, n_in) layer inputs.
        g: (B, n_out) per-example pre-activation gradients (see module docstring).
        bias: append a ones column to ``a`` (A is then (n_in+1, n_in+1), the
            last row/column belonging to the bias).

    Returns ``(A, G)`` symmetric PSD, dtype float32 only if both inputs are.
    """
    a = as_array(a, "a", ndim=2)
    g = as_array(g, "g", ndim=2)
    check_same_length(a, "a", g, "g")
    dtype = result_dtype(a, g)
    a, g = cast(dtype, a, g)
    return gram(_augment(a, bias), "a"), gram(g, "g")


@njit(cache=True)
def _ema_core(old, new, decay, out):
    for i in range(old.shape[0]):
        out[i] = decay * old[i] + (1.0 - decay) * new[i]


def ema(old, new, decay: float) -> np.ndarray:
    """Exponential moving average ``decay·old + (1 - decay)·new``; decay in [0, 1]."""
    old = as_array(old, "old")
    new = as_array(new, "new")
    if old.shape != new.shape:
        raise ValueError(f"new has shape {new.shape}, which does not match old with shape {old.shape}")
    decay = check_scalar(decay, "decay", nonnegative=True)
    if decay > 1:
        raise ValueError(f"decay must lie in [0, 1], got {decay}")
    dtype = result_dtype(old, new)
    old, new = cast(dtype, old, new)
    out = np.empty(old.shape, dtype=dtype)
    _ema_core(old.reshape(-1), new.reshape(-1), dtype.type(decay), out.reshape(-1))
    return out


def _cholesky(matrix: np.ndarray, name: str, damping: float, original: np.ndarray) -> np.ndarray:
    """Lower Cholesky factor (Fortran order) of a C-ordered symmetric matrix."""
    potrf = lapack.get_lapack_funcs("potrf", dtype=matrix.dtype)
    # callers pass a temporary (the damped copy), so LAPACK may factor it in place
    factor, info = potrf(matrix.T, lower=1, clean=0, overwrite_a=1)
    if info > 0:
        raise not_positive_definite(name, original, damping)
    if info < 0:
        raise ValueError(f"LAPACK potrf rejected argument {-info} for {name}")
    return factor


def damped_inverse(M, damping: float = 0.0, method: str = "cholesky") -> np.ndarray:
    """``(M + λI)^{-1}`` of a symmetric PSD matrix (n, n).

    ``method="cholesky"``: LAPACK potrf + potri; ``"eigh"``:
    ``Q diag(1/(w + λ)) Qᵀ``.  Raises ValueError when ``M + λI`` is not
    positive definite.
    """
    M = as_array(M, "M", ndim=2)
    check_square(M, "M")
    damping = check_damping(damping)
    if method == "eigh":
        w, Q = np.linalg.eigh(M)
        if not w[0] + damping > 0:
            raise not_positive_definite("M", M, damping)
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            out = (Q / (w + damping)) @ Q.T
        return check_output(out, "M or damping", "(M + damping*I)^-1")
    if method != "cholesky":
        raise ValueError(f"method must be 'cholesky' or 'eigh', got {method!r}")
    shifted = check_output(_shifted(M, damping), "M or damping", "M + damping*I")
    factor = _cholesky(shifted, "M", damping, M)
    potri = lapack.get_lapack_funcs("potri", dtype=M.dtype)
    inv, info = potri(factor, lower=1, overwrite_c=1)
    if info != 0:
        raise not_positive_definite("M", M, damping)
    out = np.ascontiguousarray(inv)  # potri filled the lower triangle
    mirror_lower(out)
    return check_output(out, "M or damping", "(M + damping*I)^-1")


def _layer_arrays(grad_W, A, G, a_name: str, g_name: str):
    """Validate a layer gradient (n_out, m) against factors A (m, m), G (n_out, n_out)."""
    grad_W = as_array(grad_W, "grad_W", ndim=2)
    A = as_array(A, a_name, ndim=2)
    G = as_array(G, g_name, ndim=2)
    check_square(A, a_name)
    check_square(G, g_name)
    if grad_W.shape != (G.shape[0], A.shape[0]):
        raise ValueError(
            f"grad_W has shape {grad_W.shape}, but {g_name} and {a_name} need "
            f"(n_out, n_in) = ({G.shape[0]}, {A.shape[0]})"
        )
    return cast(result_dtype(grad_W, A, G), grad_W, A, G)


def kfac_precondition(grad_W, A_inv, G_inv) -> np.ndarray:
    """``G⁻¹ V A⁻¹`` for ``V = grad_W`` (n_out, m), ``A_inv`` (m, m), ``G_inv`` (n_out, n_out).

    Equals ``(A ⊗ G)⁻¹ vec(V)`` in the column-major vec, without the Kronecker product.
    """
    grad_W, A_inv, G_inv = _layer_arrays(grad_W, A_inv, G_inv, "A_inv", "G_inv")
    gemm = blas.get_blas_funcs("gemm", dtype=grad_W.dtype)
    # Transposed views of C arrays are Fortran arrays: compute (A⁻¹ Vᵀ G⁻¹)ᵀ copy-free
    # (A⁻¹ and G⁻¹ are symmetric).
    left = gemm(1.0, A_inv.T, grad_W.T)
    return check_output(gemm(1.0, left, G_inv.T).T, "grad_W, A_inv or G_inv", "G_inv grad_W A_inv")


def kfac_solve(A, G, grad_W, damping: float, method: str = "pi") -> np.ndarray:
    """Damped K-FAC preconditioning of ``V = grad_W`` (n_out, m) from given factors.

    ``method="pi"``: ``(G + (√λ/π)I)⁻¹ V (A + π√λ I)⁻¹`` by two Cholesky
    factorisations and triangular solves (no explicit inverse, no Kronecker
    product); ``"exact"``: ``(A ⊗ G + λI)⁻¹ vec V`` through one factor's
    eigendecomposition and the other's tridiagonal form (:mod:`ngproof.kernels.kfac_tridiagonal`).
    """
    if method == "exact":
        return kfac_solve_exact(A, G, grad_W, damping)
    if method != "pi":
        raise ValueError(f"method must be 'pi' or 'exact', got {method!r}")
    grad_W, A, G = _layer_arrays(grad_W, A, G, "A", "G")
    damping = check_damping(damping)
    A_d, G_d, _ = pi_damped(A, G, damping)
    return _solve_factored(A_d, G_d, grad_W, A, G, damping)


def _solve_factored(A_d, G_d, grad_W, A, G, damping):
    factor_a = _cholesky(A_d, "A", damping, A)
    factor_g = _cholesky(G_d, "G", damping, G)
    potrs = lapack.get_lapack_funcs("potrs", dtype=grad_W.dtype)
    trsm = blas.get_blas_funcs("trsm", dtype=grad_W.dtype)
    # Y = A⁻¹ Vᵀ, Vᵀ being the Fortran view of the C array V.
    y, info = potrs(factor_a, grad_W.T, lower=1)
    if info != 0:
        raise ValueError(f"LAPACK potrs failed with info={info} (argument {-info} invalid)")
    # Y G⁻¹ = Y L⁻ᵀ L⁻¹ with G = L Lᵀ: two right-side triangular solves.
    y = trsm(1.0, factor_g, y, side=1, lower=1, trans_a=1, overwrite_b=1)
    y = trsm(1.0, factor_g, y, side=1, lower=1, trans_a=0, overwrite_b=1)
    return check_output(y.T, "grad_W, or A and G with too small a damping", "the K-FAC step")


def kfac_step(a, g, grad_W, damping: float, bias: bool = True) -> np.ndarray:
    """One K-FAC layer step: factors, π-damped Cholesky solves, ``G⁻¹ V A⁻¹``.

    Args:
        a: (B, n_in) inputs; g: (B, n_out) per-example pre-activation gradients;
        grad_W: (n_out, n_in + bias) gradient of the augmented weight ``[W | b]``;
        damping: λ >= 0 (split between the factors by π-damping).
    """
    A, G = kfac_factors(a, g, bias=bias)
    return kfac_solve(A, G, grad_W, damping)


@njit(cache=True)
def _kron_core(left, right, out):
    m, n = left.shape[0], right.shape[0]
    for i in range(m):
        for j in range(m):
            lij = left[i, j]
            for p in range(n):
                for q in range(n):
                    out[i * n + p, j * n + q] = lij * right[p, q]


def kronecker_dense(A, G, vec: str = "column") -> np.ndarray:
    """Dense Kronecker matrix of the K-FAC block, for small checks only.

    ``vec="column"``: ``A ⊗ G`` (the lesson's column-major vec of W̃);
    ``vec="row"``: ``G ⊗ A`` (PyTorch's row-major flatten).  For the column
    convention ``vec(G⁻¹ V A⁻¹) = (A ⊗ G)⁻¹ vec(V)``.
    """
    A = as_array(A, "A", ndim=2)
    G = as_array(G, "G", ndim=2)
    check_square(A, "A")
    check_square(G, "G")
    if vec not in ("column", "row"):
        raise ValueError(f"vec must be 'column' or 'row', got {vec!r}")
    dtype = result_dtype(A, G)
    A, G = cast(dtype, A, G)
    left, right = (A, G) if vec == "column" else (G, A)
    n = A.shape[0] * G.shape[0]
    out = np.empty((n, n), dtype=dtype)
    _kron_core(left, right, out)
    return check_output(out, "A or G", "the Kronecker product")
