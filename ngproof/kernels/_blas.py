"""BLAS helpers shared by the curvature kernels: Gram matrices by ``syrk``.

``gram(x)`` is ``scale · xᵀx`` for a C-ordered (rows, n) array: ``syrk``
computes one triangle (half the flops of ``gemm``) in scipy's OpenBLAS, and a
blocked numba pass mirrors it.  A result that overflowed raises ValueError
naming the input, never returns Inf.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from scipy.linalg import blas

_BLOCK = 64


@njit(cache=True)
def _mirror_lower_core(m):
    """Copy the lower triangle of the square C array ``m`` onto its upper one, in blocks."""
    n = m.shape[0]
    for bi in range(0, n, _BLOCK):
        for bj in range(bi, n, _BLOCK):
            for i in range(bi, min(bi + _BLOCK, n)):
                for j in range(max(bj, i + 1), min(bj + _BLOCK, n)):
                    m[i, j] = m[j, i]


def mirror_lower(m: np.ndarray) -> np.ndarray:
    """Make the C-ordered square ``m`` symmetric from its lower triangle, in place."""
    _mirror_lower_core(m)
    return m


def gram(x: np.ndarray, name: str, scale: float | None = None, out: np.ndarray | None = None) -> np.ndarray:
    """``scale · xᵀx`` (default scale ``1/rows``) for ``x`` C-ordered (rows, n); symmetric (n, n).

    With ``out`` (a C-ordered (n, n) array of x's dtype) the product is added
    to it: ``out += scale · xᵀx`` (used to accumulate over chunks).
    Raises ValueError naming ``name`` if the result is not finite.
    """
    x = np.ascontiguousarray(x)
    scale = 1.0 / x.shape[0] if scale is None else scale
    syrk = blas.get_blas_funcs("syrk", dtype=x.dtype)
    # x.T is the Fortran view (n, rows), so syrk(x.T) = xᵀx with no copy.  syrk fills
    # the upper triangle of its Fortran result c; c.T is the same memory as a C array
    # whose lower triangle is filled.
    if out is None:
        result = syrk(scale, x.T, lower=0).T
    else:
        c = syrk(scale, x.T, beta=1.0, c=out.T, lower=0, overwrite_c=1)
        if not np.shares_memory(c, out):  # f2py copied: bring the result back
            out[...] = c.T
        result = out
    mirror_lower(result)
    if not np.isfinite(result).all():
        raise ValueError(f"{name} is so large that its Gram matrix overflowed; rescale {name}")
    return result
