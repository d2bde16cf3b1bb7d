"""Closed-form natural gradients from the lesson's
"Computing Natural Gradients for Specific Models".

* Bernoulli with logit ``θ``: ``∇L = σ(θ) - y``, ``I(θ) = σ(1 - σ)``, so the
  natural gradient is ``(σ - y) / (σ(1 - σ))`` (the error in log-odds space).
* Mean-field Gaussian ``N(μ, diag σ²)``: the Fisher is diagonal,
  ``diag(1/σ², 2/σ²)`` in (μ, σ); ``diag(1/σ², 1/(2σ⁴))`` in (μ, σ²);
  ``diag(1/σ², 2)`` in (μ, log σ).
* Categorical softmax over logits: ``I(z) = diag(π) - ππᵀ`` (rank K-1), so the
  natural gradient needs damping: ``(diag(π) - ππᵀ + λI)^{-1} g``.  With
  ``D = diag(π + λ)``, Sherman–Morrison gives
  ``x = D⁻¹g + D⁻¹π (πᵀD⁻¹g) / (1 - πᵀD⁻¹π)`` in O(K) per row; the denominator
  is computed as ``(1 - Σπ) + λ Σ π/(π + λ)``, which stays positive.  Relative
  accuracy is about ``1e-16 / λ`` (the condition number is ``(max π + λ)/λ``).

Threads.  Only the categorical kernel runs on several threads (numba
``prange``), and only for inputs of at least ``PARALLEL_MIN_SIZE`` elements:
with numba's GNU OpenMP threading layer a process that has run a parallel
kernel must not ``fork`` afterwards (the children abort), so small calls,
such as a catalogue's checks made before forking workers, stay serial.

All functions: float32 stays float32, float64 stays float64, integer input
becomes float64; the Bernoulli functions return the dtype of ``theta``.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from ._validate import as_array, cast, check_damping, check_finite, result_dtype

_GAUSSIAN_SECOND = {"sigma": 0, "variance": 1, "log_sigma": 2}
PARALLEL_MIN_SIZE = 1 << 17


@njit(cache=True)
def _sigmoid(t):
    if t >= 0:
        return 1.0 / (1.0 + np.exp(-t))
    e = np.exp(t)
    return e / (1.0 + e)


@njit(cache=True, error_model="numpy")
def _bernoulli_core(theta, y, which, out):
    """which: 0 gradient σ - y, 1 Fisher σ(1-σ), 2 natural gradient.

    The natural gradient ``(σ - y)/(σ(1-σ)) = (1-y)/σ(-θ) - y/σ(θ)
    = (1-y)(1 + e^θ) - y(1 + e^-θ)``: each term is evaluated only when its
    coefficient is nonzero, so θ = ±800 with the matching label gives the finite
    answer and otherwise an Inf that the caller reports (no division by an
    underflowed σ(1-σ))."""
    for i in range(theta.shape[0]):
        # σ(θ) and 1 − σ(θ) = σ(−θ) each computed directly: no cancellation in 1 − σ
        t = theta[i]
        if which == 0:
            out[i] = (1.0 - y[i]) * _sigmoid(t) - y[i] * _sigmoid(-t)  # σ − y, exact in its two terms
        elif which == 1:
            out[i] = _sigmoid(t) * _sigmoid(-t)
        else:
            value = 0.0
            if y[i] != 1.0:
                value += (1.0 - y[i]) * (1.0 + np.exp(t))
            if y[i] != 0.0:
                value -= y[i] * (1.0 + np.exp(-t))
            out[i] = value


def _bernoulli(theta, y, which: int) -> np.ndarray:
    theta = as_array(theta, "theta")
    if y is None:
        theta_b = theta
        y_b = theta
    else:
        y = as_array(y, "y")
        if np.any((y < 0) | (y > 1)):
            raise ValueError("y must lie in [0, 1] (a label or a probability)")
        try:
            theta_b, y_b = np.broadcast_arrays(theta, y)
        except ValueError:
            raise ValueError(f"y with shape {y.shape} does not broadcast against theta with shape {theta.shape}") from None
    dtype = theta.dtype  # labels never widen float32 logits
    theta_b, y_b = cast(dtype, theta_b, y_b)
    out = np.empty(theta_b.shape, dtype=dtype)
    _bernoulli_core(theta_b.ravel(), y_b.ravel(), which, out.reshape(-1))
    if which == 2:
        check_finite(out, "theta: the natural gradient overflowed (sigma(theta)(1 - sigma(theta)) underflowed; "
                          "|theta| too large for this label)")
    return out[()] if out.ndim == 0 else out


def bernoulli_gradient(theta, y) -> np.ndarray:
    """``∂L/∂θ = σ(θ) - y`` for ``L = -y log σ(θ) - (1 - y) log(1 - σ(θ))``; broadcasts."""
    return _bernoulli(theta, y, 0)


def bernoulli_fisher(theta) -> np.ndarray:
    """Fisher of the logit ``I(θ) = σ(θ)(1 - σ(θ))``, elementwise."""
    return _bernoulli(theta, None, 1)


def bernoulli_natural_gradient(theta, y) -> np.ndarray:
    """Natural gradient ``(σ(θ) - y) / (σ(θ)(1 - σ(θ)))``, elementwise with broadcasting.

    Lesson: "Bernoulli Log-Likelihood with Cross-Entropy Loss"; Worked Example 1
    (θ = 0, y = 1 gives -2).  Finite whenever the exact value is (θ = 800, y = 1
    gives -1); raises ValueError naming theta when it overflows (e.g. θ = 800, y = 0).
    """
    return _bernoulli(theta, y, 2)


def _check_parameterization(parameterization: str) -> int:
    if parameterization not in _GAUSSIAN_SECOND:
        raise ValueError(
            f"parameterization must be one of {sorted(_GAUSSIAN_SECOND)}, got {parameterization!r}"
        )
    return _GAUSSIAN_SECOND[parameterization]


@njit(cache=True, error_model="numpy")
def _second_fisher(sigma, which):
    """``2/σ²``, ``1/(2σ⁴)`` or 2, as powers of ``1/σ`` (Inf, reported by the caller, on overflow)."""
    inv = 1.0 / sigma
    if which == 0:
        return 2.0 * inv * inv
    if which == 1:
        inv2 = inv * inv
        return 0.5 * inv2 * inv2
    return 2.0


@njit(cache=True)
def _second_inverse(sigma, which):
    """The inverse Fisher ``σ²/2``, ``2σ⁴`` or 1/2: products only, no division."""
    if which == 0:
        return 0.5 * sigma * sigma
    if which == 1:
        s2 = sigma * sigma
        return 2.0 * s2 * s2
    return 0.5


@njit(cache=True)
def _gaussian_core(sigma, grad_mu, grad_second, which, nat_mu, nat_second):
    for i in range(sigma.shape[0]):
        s = sigma[i]
        nat_mu[i] = grad_mu[i] * (s * s)
        nat_second[i] = grad_second[i] * _second_inverse(s, which)


@njit(cache=True, error_model="numpy")
def _gaussian_fisher_core(sigma, which, out):
    n = sigma.shape[0]
    for i in range(n):
        s = sigma[i]
        inv = 1.0 / s
        out[i] = inv * inv
        out[n + i] = _second_fisher(s, which)


def _positive_sigma(sigma) -> np.ndarray:
    sigma = as_array(sigma, "sigma")
    if np.any(sigma <= 0):
        raise ValueError(f"sigma must be > 0 (a standard deviation), smallest entry is {sigma.min():.3e}")
    return sigma


def gaussian_fisher_diagonal(sigma, parameterization: str = "sigma") -> np.ndarray:
    """Diagonal of the mean-field Gaussian Fisher, μ part then second part.

    Shape (2n,) for ``sigma`` of shape (n,) (any shape is flattened).
    ``"sigma"``: (1/σ², 2/σ²); ``"variance"``: (1/σ², 1/(2σ⁴));
    ``"log_sigma"``: (1/σ², 2).  ``sigma`` is always σ itself.
    Lesson: "Mean-Field Gaussian Variational Inference".
    """
    which = _check_parameterization(parameterization)
    sigma = _positive_sigma(sigma).ravel()
    out = np.empty(2 * sigma.shape[0], dtype=sigma.dtype)
    _gaussian_fisher_core(sigma, which, out)
    check_finite(out, "sigma: the Fisher 1/sigma^2 overflowed (sigma too small)")
    return out


def gaussian_natural_gradient(mu, sigma, grad_mu, grad_sigma, parameterization: str = "sigma"):
    """Natural gradient of a mean-field Gaussian ``N(μ, diag σ²)``.

    Returns ``(σ² ∇_μ L, I_2⁻¹ ∇_2 L)`` where the second parameter is σ
    (``I_2 = 2/σ²``), σ² (``1/(2σ⁴)``) or log σ (``2``) according to
    ``parameterization``; ``grad_sigma`` is the gradient with respect to that
    second parameter, while ``sigma`` is always σ.  All four arrays share one
    shape.  Lesson: "Mean-Field Gaussian Variational Inference" (parameters
    with high uncertainty get larger updates).
    """
    which = _check_parameterization(parameterization)
    mu = as_array(mu, "mu")
    sigma = _positive_sigma(sigma)
    grad_mu = as_array(grad_mu, "grad_mu")
    grad_sigma = as_array(grad_sigma, "grad_sigma")
    for name, arr in (("sigma", sigma), ("grad_mu", grad_mu), ("grad_sigma", grad_sigma)):
        if arr.shape != mu.shape:
            raise ValueError(f"{name} has shape {arr.shape}, which does not match mu with shape {mu.shape}")
    dtype = result_dtype(mu, sigma, grad_mu, grad_sigma)
    sigma, grad_mu, grad_sigma = cast(dtype, sigma, grad_mu, grad_sigma)
    nat_mu = np.empty(mu.shape, dtype=dtype)
    nat_second = np.empty(mu.shape, dtype=dtype)
    _gaussian_core(sigma.ravel(), grad_mu.ravel(), grad_sigma.ravel(), which, nat_mu.reshape(-1), nat_second.reshape(-1))
    check_finite(nat_mu, "grad_mu or sigma: the natural gradient for mu overflowed")
    check_finite(nat_second, "grad_sigma or sigma: the natural gradient for the second parameter overflowed")
    return nat_mu, nat_second


def categorical_fisher(probs) -> np.ndarray:
    """Fisher of softmax logits ``diag(π) - ππᵀ``: (K, K) for (K,), (N, K, K) for (N, K)."""
    probs = _simplex_rows(probs, "probs")
    fisher = -probs[..., :, None] * probs[..., None, :]
    k = probs.shape[-1]
    idx = np.arange(k)
    fisher[..., idx, idx] += probs
    return fisher


def _simplex_rows(probs, name: str) -> np.ndarray:
    probs = as_array(probs, name, ndim=(1, 2))
    _check_simplex(probs, name)
    return probs


def _check_simplex(probs: np.ndarray, name: str) -> None:
    tol = 1e-4 if probs.dtype == np.float32 else 1e-8
    if np.any(probs < 0):
        raise ValueError(f"{name} must be >= 0 (probabilities), smallest entry is {probs.min():.3e}")
    sums = probs.sum(axis=-1)
    off = np.abs(sums - 1.0)
    if np.any(off > tol * probs.shape[-1]):
        row = int(np.argmax(off)) if probs.ndim == 2 else 0
        raise ValueError(f"{name} rows must sum to 1; row {row} sums to {np.atleast_1d(sums)[row]!r}")


@njit(cache=True, inline="always", error_model="numpy")  # inlined at the IR level: a call per row cost 60 %
def _categorical_row(probs, grad, damping, out, i):
    """Sherman–Morrison for row i; returns 1 when the row needs diagnosis
    (non-finite input or output, a negative probability, or a row sum far from 1)."""
    k = probs.shape[1]
    total = 0.0
    weighted = 0.0
    proj = 0.0
    row_ok = True
    for j in range(k):
        p = probs[i, j]
        g = grad[i, j]
        if not (p >= 0.0 and np.isfinite(p) and np.isfinite(g)):
            row_ok = False
        # one division per element (BENCH trap 5): keep the reciprocal in out
        r = 1.0 / (p + damping)
        out[i, j] = r
        total += p
        weighted += p * r
        proj += p * g * r
    coeff = proj / ((1.0 - total) + damping * weighted)
    for j in range(k):
        x = out[i, j] * (grad[i, j] + coeff * probs[i, j])
        out[i, j] = x
        if not np.isfinite(x):
            row_ok = False
    return 0 if row_ok and abs(total - 1.0) <= 1e-4 * k else 1


@njit(cache=True, error_model="numpy")
def _categorical_serial(probs, grad, damping, out):
    bad = 0
    for i in range(probs.shape[0]):
        bad += _categorical_row(probs, grad, damping, out, i)
    return bad


@njit(cache=True, parallel=True, error_model="numpy")
def _categorical_parallel(probs, grad, damping, out):
    bad = 0
    for i in prange(probs.shape[0]):
        bad += _categorical_row(probs, grad, damping, out, i)
    return bad


def categorical_natural_gradient(probs, grad, damping: float, out=None) -> np.ndarray:
    """Damped natural gradient of softmax logits, row by row:
    ``x_n = (diag(π_n) - π_n π_nᵀ + λI)^{-1} g_n`` by Sherman–Morrison, O(K) per row.

    Args:
        probs: (N, K) or (K,) rows on the simplex (≥ 0, summing to 1).
        grad: same shape as ``probs``.
        damping: ``λ > 0``: ``diag(π) - ππᵀ`` has rank K-1 (``π`` spans its
            null space: ``(diag π - ππᵀ)1 = 0``), so λ = 0 is singular.
        out: optional preallocated C-contiguous output of the result dtype,
            reused by hot loops to avoid page faults on fresh memory.

    Relative accuracy is about ``1e-16 / λ`` (float64).  Lesson: "Categorical
    Softmax Classifier".
    """
    probs = as_array(probs, "probs", ndim=(1, 2), finite=False)
    grad = as_array(grad, "grad", ndim=(1, 2), finite=False)
    damping = check_damping(damping)
    if damping == 0:
        raise ValueError(
            "damping must be > 0: diag(pi) - pi pi^T has rank K-1 (the all-ones vector is in its null "
            "space), so the undamped categorical Fisher is singular"
        )
    if grad.shape != probs.shape:
        raise ValueError(f"grad has shape {grad.shape}, which does not match probs with shape {probs.shape}")
    dtype = result_dtype(probs, grad)
    probs, grad = cast(dtype, probs, grad)
    rows_p = probs.reshape(-1, probs.shape[-1])
    rows_g = grad.reshape(rows_p.shape)
    if out is None:
        out = np.empty(rows_p.shape, dtype=dtype)
    elif not (isinstance(out, np.ndarray) and out.dtype == dtype and out.flags.c_contiguous and out.size == rows_p.size):
        raise ValueError(f"out must be a C-contiguous {dtype} array with {rows_p.size} elements")
    rows_out = out.reshape(rows_p.shape)
    core = _categorical_parallel if rows_p.size >= PARALLEL_MIN_SIZE else _categorical_serial
    if core(rows_p, rows_g, dtype.type(damping), rows_out):
        check_finite(probs, "probs")
        check_finite(grad, "grad")
        _check_simplex(probs, "probs")
        raise ValueError(f"the natural gradient overflowed at damping {damping:g}; use a larger damping")
    return out.reshape(probs.shape)
