"""Dense and diagonal natural gradient: ``(F + λI)^{-1} g``.

Lesson: "The Natural Gradient" and "Damping and Trust Regions"
(``Δθ = -η (I(θ) + λI)^{-1} ∇L``), and "Practical Approximations: Diagonal
Approximation" (``Δθ_i = -η ∇_i L / I_ii``).

Route.  For d <= ``SMALL_D`` the Cholesky factorisation and the two triangular
solves run in one jitted loop (no LAPACK call overhead, cached by numba).  For
larger d the damped copy and finiteness check run in a serial jitted pass (a
``prange`` pass left numba's threads competing with OpenBLAS's and slowed the
factorisation by 40 %), and the factorisation calls LAPACK ``potrf``/``potrs`` through
``scipy.linalg.lapack`` from Python: numba refuses to cache kernels that call
LAPACK through ctypes, and its own ``np.linalg.cholesky`` is slower at large d.

Symmetry contract: ``fisher`` must be symmetric to within
``sqrt(eps)·max_i |F_ii|`` entrywise (for a PSD matrix ``|F_ij| <= max_i F_ii``,
so this is a relative test); the check is O(d²), done in the same pass that
copies or factors the matrix, and a violation raises ValueError naming the
first asymmetric pair.  Only the lower triangle enters the factorisation.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from scipy.linalg import lapack

from ._validate import (
    as_array,
    cast,
    check_damping,
    check_finite,
    check_output,
    check_same_length,
    check_square,
    not_positive_definite,
    result_dtype,
)

SMALL_D = 64


@njit(cache=True, error_model="numpy")
def _cholesky_solve_core(fisher, rhs, damping, work):
    """Factor fisher + damping*I and solve; ``rhs`` is (d,) or (k, d), one system per row.

    ``work`` is (d + k, d): rows [0, d) receive the Cholesky factor L (lower
    triangle), rows [d, d + k) the solutions.  Status: 0 ok, -1 fisher not
    finite, -2 rhs not finite, j+1 when the leading minor of order j+1 is not
    positive definite.
    """
    d = fisher.shape[0]
    rhs = rhs.reshape((-1, d))  # a (d,) gradient is one row; no copy (C-contiguous)
    k = rhs.shape[0]
    for i in range(d):
        for j in range(d):
            if not np.isfinite(fisher[i, j]):
                return -1
    if _asymmetric(fisher, 0, d):
        return -4
    for c in range(k):
        for i in range(d):
            if not np.isfinite(rhs[c, i]):
                return -2
    lower = work[:d]
    out = work[d:]
    for j in range(d):
        s = fisher[j, j] + damping
        for p in range(j):
            s -= lower[j, p] * lower[j, p]
        if not s > 0.0:
            return j + 1
        ljj = np.sqrt(s)
        lower[j, j] = ljj
        inv = 1.0 / ljj
        for i in range(j + 1, d):
            t = fisher[i, j]
            for p in range(j):
                t -= lower[i, p] * lower[j, p]
            lower[i, j] = t * inv
    for c in range(k):
        x = out[c]
        for i in range(d):
            t = rhs[c, i]
            for p in range(i):
                t -= lower[i, p] * x[p]
            x[i] = t / lower[i, i]
        for i in range(d - 1, -1, -1):
            t = x[i]
            for p in range(i + 1, d):
                t -= lower[p, i] * x[p]
            x[i] = t / lower[i, i]
            if not np.isfinite(x[i]):
                return -3
    return 0


_SYM_BLOCK = 64


@njit(cache=True)
def _asymmetric(fisher, start, stop):
    """1 if some pair (i in [start, stop), j < i) has |F_ij - F_ji| > sqrt(eps)·max|F_kk|, in blocks."""
    d = fisher.shape[0]
    scale = 0.0
    for i in range(d):
        scale = max(scale, abs(fisher[i, i]))
    tol = np.sqrt(np.finfo(fisher.dtype).eps) * scale
    for bi in range(start, stop, _SYM_BLOCK):
        for bj in range(0, bi + _SYM_BLOCK, _SYM_BLOCK):
            for i in range(bi, min(bi + _SYM_BLOCK, stop)):
                for j in range(bj, min(bj + _SYM_BLOCK, i)):
                    if abs(fisher[i, j] - fisher[j, i]) > tol:
                        return 1
    return 0


@njit(cache=True)
def _damped_copy_core(fisher, damping, out):
    """out[i, :] = fisher[i, :] + damping * e_i; returns 1 if a value is not finite,
    2 if fisher is not symmetric (see the module docstring), 0 otherwise."""
    d = fisher.shape[0]
    bad = 0
    for i in range(d):
        row_bad = 0
        for j in range(d):
            v = fisher[i, j]
            if not np.isfinite(v):
                row_bad = 1
            out[i, j] = v
        out[i, i] += damping
        bad += row_bad
    if bad:
        return 1
    return 2 if _asymmetric(fisher, 0, d) else 0


@njit(cache=True, error_model="numpy")
def _diagonal_core(fisher_diag, grad, damping, out):
    """out[i, c] = grad[i, c] / (fisher_diag[i] + damping); returns count of non-positive denominators."""
    bad = 0
    for i in range(grad.shape[0]):
        den = fisher_diag[i] + damping
        inv = 0.0
        if den > 0.0:
            inv = 1.0 / den
        else:
            bad += 1
        for c in range(grad.shape[1]):
            out[i, c] = grad[i, c] * inv
    return bad


def _as_columns(grad: np.ndarray) -> np.ndarray:
    return grad.reshape(grad.shape[0], -1)


_F64 = np.dtype(np.float64)
_F32 = np.dtype(np.float32)


def _already_valid(fisher, grad, damping) -> bool:
    """Cheap attribute checks so that tiny solves skip the general validation.

    Finiteness and positive definiteness are still checked by the core.
    """
    if type(fisher) is not np.ndarray or type(grad) is not np.ndarray or type(damping) is not float:
        return False
    dtype = fisher.dtype
    shape = fisher.shape
    return (
        (dtype is _F64 or dtype is _F32)
        and grad.dtype is dtype
        and 0.0 <= damping < np.inf
        and len(shape) == 2
        and 1 <= grad.ndim <= 2
        and shape[0] == shape[1] == grad.shape[0]
        and grad.size > 0
        and fisher.flags.c_contiguous
        and grad.flags.c_contiguous
    )


def natural_gradient(fisher, grad, damping: float = 0.0) -> np.ndarray:
    """Damped natural gradient ``(F + λI)^{-1} g`` by Cholesky.

    Args:
        fisher: (d, d) symmetric positive semi-definite Fisher ``F``
            (symmetry checked to ``sqrt(eps)·max|F_ii|``; see the module docstring).
        grad: (d,) gradient or (d, k) block of k right-hand sides.
        damping: Tikhonov damping ``λ >= 0``.

    Returns:
        Array shaped like ``grad``; float32 only when both inputs are float32.

    Raises ValueError for NaN/Inf, shape mismatch, negative damping, empty
    input, a non-symmetric ``F``, an overflowing solution, or ``F + λI`` not positive definite (the message gives the smallest
    eigenvalue of ``F`` and a damping that fixes it).
    """
    if not _already_valid(fisher, grad, damping):
        fisher = as_array(fisher, "fisher", ndim=2, finite=False)
        grad = as_array(grad, "grad", ndim=(1, 2), finite=False)
        damping = check_damping(damping)
        check_square(fisher, "fisher")
        check_same_length(fisher, "fisher", grad, "grad")
        dtype = result_dtype(fisher, grad)
        fisher, grad = cast(dtype, fisher, grad)
    dtype = fisher.dtype
    d = fisher.shape[0]
    if d <= SMALL_D:
        rhs = grad if grad.ndim == 1 else np.ascontiguousarray(grad.T)
        work = np.empty((d + (1 if grad.ndim == 1 else rhs.shape[0]), d), dtype=dtype)
        status = _cholesky_solve_core(fisher, rhs, damping, work)
        if status == -1:
            check_finite(fisher, "fisher")
        if status == -2:
            check_finite(grad, "grad")
        if status == -4:
            raise _asymmetry(fisher)
        if status > 0:
            raise not_positive_definite("fisher", fisher, damping)
        if status == -3:
            raise _overflow(damping)
        return work[d] if grad.ndim == 1 else np.ascontiguousarray(work[d:].T)
    check_finite(grad, "grad")
    buf = np.empty((d, d), dtype=dtype)
    status = _damped_copy_core(fisher, dtype.type(damping), buf)
    if status == 1:
        check_finite(fisher, "fisher")
    if status == 2:
        raise _asymmetry(fisher)
    potrf, potrs = lapack.get_lapack_funcs(("potrf", "potrs"), dtype=dtype)
    # buf is C-ordered and symmetric, so buf.T is the same matrix in Fortran order:
    # LAPACK factors it in place without a copy.
    factor, info = potrf(buf.T, lower=1, clean=0, overwrite_a=1)
    if info > 0:
        raise not_positive_definite("fisher", fisher, damping)
    rhs = np.array(_as_columns(grad), dtype=dtype, order="F")
    out, info = potrs(factor, rhs, lower=1, overwrite_b=1)
    if info != 0:
        raise ValueError(f"LAPACK potrs failed with info={info}")
    if not np.isfinite(out).all():
        raise _overflow(damping)
    return np.ascontiguousarray(out).reshape(grad.shape)


def _asymmetry(fisher: np.ndarray) -> ValueError:
    diff = np.abs(fisher - fisher.T)
    i, j = np.unravel_index(int(np.argmax(diff)), diff.shape)
    return ValueError(
        f"fisher must be symmetric (a Fisher matrix is): fisher[{i}, {j}] = {fisher[i, j]:.6g} but "
        f"fisher[{j}, {i}] = {fisher[j, i]:.6g}; pass (F + F.T)/2 if the asymmetry is rounding"
    )


def _overflow(damping: float) -> ValueError:
    return ValueError(
        f"fisher + damping*I (damping {damping:g}) is so ill-conditioned that the natural gradient "
        "overflowed; use a larger damping"
    )


def diagonal_natural_gradient(fisher_diag, grad, damping: float = 0.0) -> np.ndarray:
    """Diagonal natural gradient ``g_i / (F_ii + λ)``.

    Args:
        fisher_diag: (d,) diagonal of the Fisher, entries >= 0.
        grad: (d,) or (d, k).
        damping: ``λ >= 0``; every ``F_ii + λ`` must be > 0.

    Returns an array shaped like ``grad`` (float32 only if both are float32).
    """
    fisher_diag = as_array(fisher_diag, "fisher_diag", ndim=1)
    grad = as_array(grad, "grad", ndim=(1, 2))
    damping = check_damping(damping)
    check_same_length(fisher_diag, "fisher_diag", grad, "grad")
    if np.any(fisher_diag < 0):
        raise ValueError(f"fisher_diag must be >= 0 (a Fisher diagonal), smallest entry is {fisher_diag.min():.3e}")
    dtype = result_dtype(fisher_diag, grad)
    fisher_diag, grad = cast(dtype, fisher_diag, grad)
    rhs = _as_columns(grad)
    out = np.empty(rhs.shape, dtype=dtype)
    if _diagonal_core(fisher_diag, rhs, dtype.type(damping), out):
        raise ValueError(
            "fisher_diag + damping has a zero entry, so the diagonal Fisher is singular; use damping > 0"
        )
    check_output(out, "grad, or fisher_diag + damping too small", "grad / (fisher_diag + damping)")
    return out.reshape(grad.shape)
