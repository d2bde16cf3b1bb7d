"""Damping: Tikhonov, Levenberg–Marquardt adaptation, and factored (π) damping.

Lesson: "Damping and Trust Regions".  ``(F + λI)^{-1}g`` interpolates between
the natural gradient (λ → 0) and ``g/λ`` (λ → ∞).  Levenberg–Marquardt adapts
λ from the reduction ratio ``ρ = actual decrease / predicted decrease`` of the
quadratic model ``m(s) = gᵀs + ½ sᵀ(F + λI)s``: a step that does what the
model predicted (ρ > 3/4) earns a smaller λ, a poor step (ρ < 1/4) a larger
one.  For K-FAC, Tikhonov damping of ``A ⊗ G`` is approximated by damping the
factors (Martens & Grosse 2015, §6.3):
``(A + π√λ I) ⊗ (G + (√λ/π) I)`` with ``π = sqrt((tr A / dim A) / (tr G / dim G))``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from ._validate import as_array, check_damping, check_output, check_scalar, check_square


@njit(cache=True)
def _add_diagonal_core(matrix, shift, out):
    n = matrix.shape[0]
    for i in range(n):
        for j in range(n):
            out[i, j] = matrix[i, j]
        out[i, i] += shift


def _shifted(matrix: np.ndarray, shift: float) -> np.ndarray:
    out = np.empty_like(matrix)
    _add_diagonal_core(matrix, matrix.dtype.type(shift), out)
    return out


def tikhonov(fisher, damping: float) -> np.ndarray:
    """``F + λI`` for a square ``fisher`` (d, d) and ``λ >= 0``; dtype kept."""
    fisher = as_array(fisher, "fisher", ndim=2)
    check_square(fisher, "fisher")
    damping = check_damping(damping)
    return check_output(_shifted(fisher, damping), "fisher or damping", "fisher + damping*I")


def reduction_ratio(actual: float, predicted: float) -> float:
    """``ρ = actual / predicted`` decrease; ``predicted`` must be > 0 (the model's
    step must be a descent step), both finite."""
    actual = check_scalar(actual, "actual")
    predicted = check_scalar(predicted, "predicted")
    if predicted <= 0:
        raise ValueError(f"predicted decrease must be > 0 for a descent step, got {predicted}")
    return actual / predicted


def lm_damping(
    damping: float,
    rho: float,
    decrease: float = 2 / 3,
    increase: float = 3 / 2,
    lower: float = 0.25,
    upper: float = 0.75,
    min_damping: float = 1e-8,
    max_damping: float = 1e8,
) -> float:
    """One Levenberg–Marquardt update: ``λ·increase`` if ρ < lower, ``λ·decrease``
    if ρ > upper, else unchanged; clipped to [min_damping, max_damping].
    A NaN/Inf ρ (the step broke the loss) counts as a bad step."""
    damping = check_damping(damping)
    decrease = check_scalar(decrease, "decrease", positive=True)
    increase = check_scalar(increase, "increase", positive=True)
    if not decrease < 1 < increase:
        raise ValueError(f"need decrease < 1 < increase, got decrease={decrease}, increase={increase}")
    if not lower <= upper:
        raise ValueError(f"need lower <= upper, got lower={lower}, upper={upper}")
    if not 0 <= min_damping <= max_damping:
        raise ValueError(f"need 0 <= min_damping <= max_damping, got {min_damping}, {max_damping}")
    try:
        rho = float(rho)
    except (TypeError, ValueError):
        raise ValueError(f"rho must be a real number, got {rho!r}") from None
    if not math.isfinite(rho) or rho < lower:
        damping *= increase
    elif rho > upper:
        damping *= decrease
    return min(max(damping, min_damping), max_damping)


@dataclass
class LevenbergMarquardt:
    """Adaptive damping state.  ``update(actual, predicted)`` computes ρ and
    returns (and stores) the new damping."""

    damping: float = 1.0
    decrease: float = 2 / 3
    increase: float = 3 / 2
    lower: float = 0.25
    upper: float = 0.75
    min_damping: float = 1e-8
    max_damping: float = 1e8

    def __post_init__(self) -> None:
        lm_damping(self.damping, 0.5, self.decrease, self.increase, self.lower, self.upper,
                   self.min_damping, self.max_damping)

    def update(self, actual_decrease: float, predicted_decrease: float) -> float:
        """ρ = actual / predicted decrease (both scalars); a non-finite actual decrease
        (the step broke the loss) counts as a bad step."""
        try:
            actual = float(actual_decrease)
        except (TypeError, ValueError):
            raise ValueError(f"actual_decrease must be a real number, got {actual_decrease!r}") from None
        predicted = check_scalar(predicted_decrease, "predicted_decrease")
        if math.isfinite(actual):
            rho = reduction_ratio(actual, predicted)
        else:
            rho = -math.inf
        self.damping = lm_damping(self.damping, rho, self.decrease, self.increase, self.lower,
                                  self.upper, self.min_damping, self.max_damping)
        return self.damping


def check_psd(M: np.ndarray, name: str) -> None:
    """Raise ValueError unless the symmetric ``M`` is positive semi-definite, up to
    rounding (smallest eigenvalue >= -n·eps·max|λ|).  O(n³): for public entry points."""
    if not np.allclose(M, M.T, rtol=0, atol=np.sqrt(np.finfo(M.dtype).eps) * float(np.abs(M).max())):
        raise ValueError(f"{name} must be symmetric (a Kronecker factor), but {name} - {name}^T is not ~0")
    w = np.linalg.eigvalsh(M.astype(np.float64))
    tol = M.shape[0] * np.finfo(M.dtype).eps * max(abs(w[0]), abs(w[-1]))
    if w[0] < -tol:
        raise ValueError(f"{name} must be positive semi-definite (a Kronecker factor); its smallest "
                         f"eigenvalue is {w[0]:.3e}")


def pi_factor(A: np.ndarray, G: np.ndarray) -> float:
    """``π = sqrt((tr A / dim A) / (tr G / dim G))`` (1 when a trace is 0)."""
    with np.errstate(over="ignore"):
        mean_a = float(np.trace(A, dtype=np.float64)) / A.shape[0]
        mean_g = float(np.trace(G, dtype=np.float64)) / G.shape[0]
    if not (math.isfinite(mean_a) and math.isfinite(mean_g)):
        raise ValueError("the trace of A or G overflowed; rescale A and G")
    if mean_a < 0 or mean_g < 0:
        raise ValueError("A and G must be positive semi-definite (a negative trace was found)")
    if not (mean_a > 0 and mean_g > 0):
        return 1.0
    pi = math.sqrt(mean_a) / math.sqrt(mean_g)  # no overflow/underflow of the quotient
    if not (math.isfinite(pi) and pi > 0):
        raise ValueError(f"pi = sqrt(mean tr A / mean tr G) over/underflowed (tr A/m = {mean_a:.3e}, "
                         f"tr G/n = {mean_g:.3e}); rescale A and G")
    return pi


def pi_damped(A: np.ndarray, G: np.ndarray, damping: float):
    """``(A + π√λ I, G + (√λ/π) I, π)`` for validated factors (no PSD check)."""
    pi = pi_factor(A, G)
    root = math.sqrt(damping)
    A_d = check_output(_shifted(A, pi * root), "A or damping", "A + pi*sqrt(damping)*I")
    G_d = check_output(_shifted(G, root / pi), "G or damping", "G + sqrt(damping)/pi*I")
    return A_d, G_d, pi


def pi_damping(A, G, damping: float):
    """Factored Tikhonov damping for a Kronecker factor pair.

    Returns ``(A + π√λ I, G + (√λ/π) I, π)`` with
    ``π = sqrt((tr A / dim A) / (tr G / dim G))`` (π = 1 when a trace is 0).
    Shapes: A (m, m), G (n, n), both symmetric positive semi-definite (checked,
    by their eigenvalues); dtypes kept.
    """
    A = as_array(A, "A", ndim=2)
    G = as_array(G, "G", ndim=2)
    check_square(A, "A")
    check_square(G, "G")
    damping = check_damping(damping)
    check_psd(A, "A")
    check_psd(G, "G")
    return pi_damped(A, G, damping)
