"""Matrix-free natural gradient by conjugate gradient.

Solves ``(F + λI) x = g`` using only Fisher–vector products ``v ↦ F v``
(Hessian-free / TRPO style; lesson: "Practical Approximations" and
"Connection to TRPO and PPO").  The callable is Python, so this loop is plain
numpy: a jitted kernel taking a function argument would never hit numba's cache.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ._validate import as_array, check_damping, check_scalar


def cg_natural_gradient(fvp: Callable[[np.ndarray], np.ndarray], grad, damping: float = 0.0,
                        tol: float = 1e-10, maxiter: int | None = None):
    """Conjugate gradient for ``(F + λI) x = g``.

    Args:
        fvp: callable ``v -> F v`` for v of shape (d,), F symmetric PSD.
        grad: (d,) right-hand side.
        damping: λ >= 0.
        tol: stop when ``‖r‖ <= tol·‖g‖``.
        maxiter: at most this many iterations (default 10·d, as scipy).

    Returns ``(x, info)`` with info ``{"iterations", "residual_norm", "converged"}``.
    Raises ValueError when ``fvp`` returns a wrong shape or non-finite values,
    or when a direction of non-positive curvature shows ``F + λI`` is not
    positive definite.
    """
    if not callable(fvp):
        raise ValueError("fvp must be a callable v -> F v")
    grad = as_array(grad, "grad", ndim=1)
    damping = check_damping(damping)
    tol = check_scalar(tol, "tol", positive=True)
    d = grad.shape[0]
    maxiter = 10 * d if maxiter is None else int(maxiter)
    if maxiter < 1:
        raise ValueError(f"maxiter must be >= 1, got {maxiter}")

    def apply(v):
        out = np.asarray(fvp(v))
        if out.shape != v.shape:
            raise ValueError(f"fvp returned shape {out.shape} for an input of shape {v.shape}")
        if not np.all(np.isfinite(out)):
            raise ValueError("fvp returned NaN or Inf")
        return out.astype(grad.dtype, copy=False) + damping * v

    # The system is linear: solve for g / max|g| and scale back, so that a tiny (or huge) gradient
    # does not underflow (overflow) the inner products.
    scale = float(np.max(np.abs(grad))) if d else 0.0
    x = np.zeros_like(grad)
    if scale == 0.0:
        return x, {"iterations": 0, "residual_norm": 0.0, "converged": True}
    r = grad / scale
    p = r.copy()
    rr = float(r @ r)
    target = tol * np.sqrt(rr)
    iterations = 0
    while np.sqrt(rr) > target and iterations < maxiter:
        q = apply(p)
        curvature = float(p @ q)
        if not curvature > 0:
            ratio = curvature / float(p @ p)
            raise ValueError(
                f"fisher + damping*I is not positive definite: curvature {ratio:.3e} along a CG "
                f"direction; use damping > {abs(ratio - damping):.3e}"
            )
        alpha = rr / curvature
        x += alpha * p
        r -= alpha * q
        rr_new = float(r @ r)
        p = r + (rr_new / rr) * p
        rr = rr_new
        iterations += 1
    converged = bool(np.sqrt(rr) <= target)
    return x * scale, {"iterations": iterations, "residual_norm": float(np.sqrt(rr)) * scale, "converged": converged}
