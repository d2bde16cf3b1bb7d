"""Fisher estimators from per-sample Jacobians of a model's outputs.

Lesson: "Practical Approximations — Empirical Fisher" and Practice Problem 5.
With ``J_n`` the Jacobian of the outputs (logits) for input ``n`` with respect
to the d parameters and ``Λ_n`` the Fisher of the output distribution:

* exact Fisher ``F = (1/N) Σ_n J_nᵀ Λ_n J_n``, an expectation over labels
  drawn from the model (softmax: ``Λ = diag π - ππᵀ``; Bernoulli with a single
  logit: ``Λ = p(1-p)``; Gaussian with variance s: ``Λ = I/s``).  For these
  losses it equals the generalized Gauss–Newton matrix;
* Monte-Carlo Fisher: the same expectation estimated with labels ``ỹ ~ p(y|x)``
  sampled from the model; unbiased;
* empirical Fisher: the outer product of the scores at the *true* labels.  It
  is not the Fisher: it estimates ``E_data[s sᵀ]``, which matches ``F`` only
  when the model's predictive distribution equals the data distribution.

The score of a softmax output is ``∇_z log p(y|z) = e_y - π``; the
per-sample parameter score is ``J_nᵀ(e_y - π_n)``.  All estimators return a
(d, d) matrix in the dtype of ``jacobians`` (float32 kept, otherwise float64),
computed as Gram matrices by BLAS ``syrk``; a result that overflows raises
ValueError naming the input instead of returning Inf.
"""

from __future__ import annotations

import numpy as np

from ._blas import gram
from ._validate import as_array, cast, check_same_length, check_scalar, result_dtype
from .closed_forms import _check_simplex


def _jacobians_and_probs(jacobians, probs):
    jacobians = as_array(jacobians, "jacobians", ndim=3)
    probs = as_array(probs, "probs", ndim=2)
    if probs.shape != jacobians.shape[:2]:
        raise ValueError(
            f"probs has shape {probs.shape}, which does not match jacobians with shape {jacobians.shape} "
            "(need probs (N, K) for jacobians (N, K, d))"
        )
    _check_simplex(probs, "probs")
    dtype = result_dtype(jacobians, probs)
    return cast(dtype, jacobians, probs)


def scores_outer_mean(scores) -> np.ndarray:
    """``(1/B) Σ_b s_b s_bᵀ`` for scores of shape (B, d); returns (d, d)."""
    scores = as_array(scores, "scores", ndim=2)
    return gram(scores, "scores")


def softmax_fisher(jacobians, probs) -> np.ndarray:
    """Exact Fisher of a softmax output ``(1/N) Σ J_nᵀ (diag π_n - π_n π_nᵀ) J_n``.

    Args:
        jacobians: (N, K, d) Jacobians of the logits with respect to the parameters.
        probs: (N, K) softmax probabilities.
    """
    jacobians, probs = _jacobians_and_probs(jacobians, probs)
    n, k, d = jacobians.shape
    return gram(softmax_sqrt_rows(jacobians, probs).reshape(n * k, d), "jacobians", 1.0 / n)


def softmax_sqrt_rows(jacobians: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """``B_n = P_nᵀ J_n`` with ``P_n = diag(√π_n) - π_n √π_nᵀ``, shape (N, K, m).

    ``P_n P_nᵀ = diag π_n - π_n π_nᵀ`` (since Σπ = 1), so ``Σ_n B_nᵀB_n`` is the
    softmax Fisher as one Gram matrix (no difference of two large Grams);
    row c of ``B_n`` is ``√π_c (J_n[c] - π_nᵀ J_n)``.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        centred = jacobians - np.einsum("nk,nkd->nd", probs, jacobians)[:, None, :]
        centred *= np.sqrt(probs)[:, :, None]
    return centred


def bernoulli_output_fisher(jacobians, probs) -> np.ndarray:
    """Exact Fisher of a single-logit Bernoulli output ``(1/N) Σ p_n(1-p_n) J_n J_nᵀ``.

    Args:
        jacobians: (N, d) gradients of the logit with respect to the parameters.
        probs: (N,) probabilities ``p_n = σ(logit_n)`` in [0, 1].
    """
    jacobians = as_array(jacobians, "jacobians", ndim=2)
    probs = as_array(probs, "probs", ndim=1)
    check_same_length(jacobians, "jacobians", probs, "probs")
    if np.any((probs < 0) | (probs > 1)):
        raise ValueError("probs must lie in [0, 1]")
    dtype = result_dtype(jacobians, probs)
    jacobians, probs = cast(dtype, jacobians, probs)
    weighted = np.sqrt(probs * (1 - probs))[:, None] * jacobians
    return gram(weighted, "jacobians")


def gaussian_output_fisher(jacobians, variance: float = 1.0) -> np.ndarray:
    """Exact Fisher of a Gaussian output with fixed variance ``(1/N) Σ J_nᵀ J_n / variance``.

    Args:
        jacobians: (N, K, d) Jacobians of the mean with respect to the parameters.
        variance: the output variance ``s > 0``.
    """
    jacobians = as_array(jacobians, "jacobians", ndim=3)
    variance = check_scalar(variance, "variance", positive=True)
    n, k, d = jacobians.shape
    with np.errstate(over="ignore"):
        scale = 1.0 / (n * variance)
    if not 0 < scale < np.inf:
        raise ValueError(f"1 / (N * variance) over/underflowed for variance {variance:g}; rescale variance")
    return gram(jacobians.reshape(n * k, d), "jacobians", scale)


def _label_scores(jacobians, probs, labels) -> np.ndarray:
    """Per-sample parameter scores ``J_nᵀ(e_{y_n} - π_n)``, shape (N, d)."""
    residual = -probs.copy()
    residual[np.arange(probs.shape[0]), labels] += 1
    return np.einsum("nk,nkd->nd", residual, jacobians)


def monte_carlo_fisher(jacobians, probs, samples: int = 1, seed: int = 0) -> np.ndarray:
    """Monte-Carlo Fisher with labels sampled from the model.

    ``(1/(N S)) Σ_n Σ_s J_nᵀ (e_ỹ - π_n)(e_ỹ - π_n)ᵀ J_n`` with
    ``ỹ ~ Categorical(π_n)`` drawn by ``numpy.random.Generator(PCG64(seed))``.
    Unbiased for :func:`softmax_fisher`; its entries have variance
    ``O(1/(N S))``.
    """
    jacobians, probs = _jacobians_and_probs(jacobians, probs)
    if int(samples) != samples or samples < 1:
        raise ValueError(f"samples must be a positive integer, got {samples!r}")
    rng = np.random.default_rng(seed)
    n = probs.shape[0]
    cumulative = np.cumsum(probs.astype(np.float64), axis=1)
    cumulative[:, -1] = np.inf
    total = np.zeros((jacobians.shape[2],) * 2, dtype=jacobians.dtype)
    for _ in range(int(samples)):
        u = rng.random(n)
        labels = (u[:, None] >= cumulative).sum(axis=1)
        gram(_label_scores(jacobians, probs, labels), "jacobians", 1.0 / (n * int(samples)), out=total)
    return total


def empirical_fisher(jacobians, probs, labels) -> np.ndarray:
    """Empirical Fisher ``(1/N) Σ_n J_nᵀ (e_{y_n} - π_n)(e_{y_n} - π_n)ᵀ J_n`` at the true labels.

    Not the Fisher (lesson: "⚠️ Common Pitfall"): it estimates the second
    moment of the scores under the data, which differs from the Fisher
    away from the optimum.  ``labels`` is (N,) integers in [0, K).
    """
    jacobians, probs = _jacobians_and_probs(jacobians, probs)
    labels = np.asarray(labels)
    if labels.shape != probs.shape[:1] or labels.dtype.kind not in "iu":
        raise ValueError(f"labels must be integers of shape {probs.shape[:1]}, got {labels.dtype} {labels.shape}")
    if labels.min() < 0 or labels.max() >= probs.shape[1]:
        raise ValueError(f"labels must lie in [0, {probs.shape[1]}), got range [{labels.min()}, {labels.max()}]")
    return gram(_label_scores(jacobians, probs, labels), "jacobians")
