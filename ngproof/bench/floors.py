"""The BLAS/LAPACK floor of a peer-bench row.

A row's *floor* is the time of the BLAS/LAPACK calls its algorithm cannot avoid,
issued back to back from Python on preallocated operands of the right shapes
(no validation, no Python around them).  No implementation of the same
algorithm on the same BLAS is faster, so ``peer time / floor`` bounds the ratio
any such implementation could show against that peer: where it is below a
goal, the goal needs another algorithm, not less overhead.

Calls per task, for a dense MLP with N examples, layers ``(out_l, in_l)`` and K
outputs (ngproof's algorithms; see :mod:`ngproof.kernels.kfac_mlp`,
:mod:`~ngproof.kernels.kfac_tridiagonal`, :class:`~ngproof.kernels.FisherOperator`):

* K-FAC factors, exact Fisher: the forward GEMMs ``a_l W_lᵀ``; for the hidden
  layers the back-propagation of the K columns per example, ``(N·K, out_l) · W_l``;
  ``syrk`` for every A (N rows of ``[a, 1]``), for every hidden G (N·K rows), and
  for the last layer's closed form (N rows of π);
* exact-damped inverse × gradient: per layer ``syevd`` of the smaller factor,
  ``sytrd`` + ``orgqr`` of the larger, four GEMMs;
* Fisher–vector product (forward pass stored): the tangent GEMMs ``a_l dW_lᵀ``
  and ``da_l W_lᵀ``, then the pullback's ``d_lᵀ a_l`` and ``d_l W_l``;
* optimizer step: the factors, the gradient's pullback, the inverse, two tangents.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import blas, lapack

from .suite import median_time


def _gemm(m: int, k: int, n: int, rng):
    a, b = np.asfortranarray(rng.standard_normal((m, k))), np.asfortranarray(rng.standard_normal((k, n)))
    return lambda: blas.dgemm(1.0, a, b)


def _syrk(rows: int, n: int, rng):
    x = np.asfortranarray(rng.standard_normal((n, rows)))  # syrk(x) = x xᵀ, (n, n)
    return lambda: blas.dsyrk(1.0, x)


def _eigh(n: int, rng):
    x = rng.standard_normal((n, 2 * n))
    m = np.asfortranarray(x @ x.T / (2 * n))
    return lambda: lapack.dsyevd(m, compute_v=1)


def _tridiagonal(n: int, rng):
    x = rng.standard_normal((n, 2 * n))
    m = np.asfortranarray(x @ x.T / (2 * n))
    lwork = int(lapack.dsytrd_lwork(n, lower=1)[0])
    c, _, _, tau, _ = lapack.dsytrd(m, lower=1, lwork=lwork)
    sub = np.asfortranarray(c[1:, :-1])
    return [lambda: lapack.dsytrd(m, lower=1, lwork=lwork),
            lambda: lapack.dorgqr(sub, tau, lwork=max(1, 32 * (n - 1)))]


def factor_calls(shapes, n: int, rng, fisher: str = "exact") -> list:
    """The calls of the K-FAC factors of all layers (``"exact"``: K virtual samples
    per example, the last G in closed form; ``"empirical"``: one per example)."""
    k = shapes[-1][0]
    rows = n * k if fisher == "exact" else n
    calls = [_gemm(n, inp, out, rng) for out, inp in shapes]
    for index in range(len(shapes) - 1, 0, -1):  # back through the hidden layers
        out, inp = shapes[index]
        calls.append(_gemm(rows, out, inp, rng))
    calls += [_syrk(n, inp + 1, rng) for _, inp in shapes]
    calls += [_syrk(rows, out, rng) for out, _ in shapes[:-1]]
    calls.append(_syrk(n, k, rng))
    return calls


def inverse_calls(shapes, rng) -> list:
    """The calls of the exact-damped K-FAC inverse applied to the gradient."""
    calls = []
    for out, inp in shapes:
        small, large = sorted((out, inp + 1))
        calls.append(_eigh(small, rng))
        calls += _tridiagonal(large, rng)
        calls += [_gemm(small, small, large, rng), _gemm(small, large, large, rng)] * 2
    return calls


def _tangent_calls(shapes, n: int, rng) -> list:
    calls = [_gemm(n, inp, out, rng) for out, inp in shapes]
    return calls + [_gemm(n, inp, out, rng) for out, inp in shapes[1:]]


def _pullback_calls(shapes, n: int, rng) -> list:
    calls = [_gemm(out, n, inp, rng) for out, inp in shapes]
    return calls + [_gemm(n, out, inp, rng) for out, inp in shapes[1:]]


def fvp_calls(shapes, n: int, rng) -> list:
    """The calls of one Fisher–vector product from a stored forward pass."""
    return _tangent_calls(shapes, n, rng) + _pullback_calls(shapes, n, rng)


def step_calls(shapes, n: int, rng, fisher: str = "exact") -> list:
    """The calls of one K-FAC optimizer step (refactoring every step)."""
    return (factor_calls(shapes, n, rng, fisher) + _pullback_calls(shapes, n, rng) + inverse_calls(shapes, rng)
            + _tangent_calls(shapes, n, rng) * 2)


def back_to_back(calls):
    """One callable issuing every call once, back to back."""
    def run():
        for call in calls:
            call()
    return run


def floor_time(calls, repeats: int = 15) -> float:
    """Median time of issuing every call once, back to back (seconds)."""
    return median_time(back_to_back(calls), repeats)


def floor_tasks(sizes, n: int, fisher: str = "exact", seed: int = 0) -> dict:
    """Per task, a callable issuing its floor calls, for the MLP ``sizes`` with batch ``n``.

    The bench times each against our implementation in alternating blocks
    (``suite.paired``), so that ``ours / floor`` is measured under the same load.
    """
    shapes = [(o, i) for i, o in zip(sizes[:-1], sizes[1:])]
    rng = np.random.default_rng(seed)
    return {"factors": back_to_back(factor_calls(shapes, n, rng, fisher)),
            "inverse": back_to_back(inverse_calls(shapes, rng)),
            "fvp": back_to_back(fvp_calls(shapes, n, rng)),
            "step": back_to_back(step_calls(shapes, n, rng, fisher))}
