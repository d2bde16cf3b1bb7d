"""Parametric families as sympy objects: expectations, Fisher matrices, KL Taylor coefficients.

A family is given by its log-density ``log p(x | θ)`` and an ``expectation``
that maps an expression in the outcome ``x`` to its mean under ``p(· | θ)``:

* ``bernoulli_expectation``: ``x ∈ {0, 1}``, a two-term sum;
* ``ngproof.symbolic.models.gaussian_expectation``: polynomials in ``x`` under
  ``N(μ, σ²)`` by the standard normal moments.

From these, the Fisher matrix ``I_ij = E[∂_i log p ∂_j log p]`` and the Taylor
coefficients of ``t ↦ D_KL(p_θ ‖ p_{θ + t v})`` are built by differentiation and
exact expectation only, so that ``cancel``/``expand`` decide the identities.
"""
from __future__ import annotations

from typing import Callable, Sequence

import sympy as sp

Expectation = Callable[[sp.Expr], sp.Expr]


def bernoulli_expectation(x: sp.Symbol, p: sp.Expr) -> Expectation:
    """``E[f(x)]`` for ``x ~ Bernoulli(p)``: ``p f(1) + (1 - p) f(0)``."""
    return lambda expr: p * expr.subs(x, 1) + (1 - p) * expr.subs(x, 0)


def scores(log_density: sp.Expr, params: Sequence[sp.Symbol]) -> sp.Matrix:
    """The score ``∇_θ log p(x | θ)`` as a column."""
    return sp.Matrix([sp.diff(log_density, p) for p in params])


def fisher(log_density: sp.Expr, params: Sequence[sp.Symbol], expectation: Expectation,
           rewrite: Callable[[sp.Expr], sp.Expr] = sp.cancel) -> sp.Matrix:
    """``I(θ)_ij = E[∂_i log p · ∂_j log p]``, each entry passed through ``rewrite``."""
    s = scores(log_density, params)
    n = len(params)
    return sp.Matrix(n, n, lambda i, j: rewrite(expectation(s[i] * s[j])))


def kl_taylor(log_density: sp.Expr, params: Sequence[sp.Symbol], direction: Sequence[sp.Expr],
              expectation: Expectation, order: int = 3,
              rewrite: Callable[[sp.Expr], sp.Expr] = sp.cancel) -> list[sp.Expr]:
    """Coefficients ``c_0 .. c_{order-1}`` of ``D_KL(p_θ ‖ p_{θ + t v}) = Σ c_k t^k + O(t^order)``.

    ``c_k = (1/k!) E_θ[-∂_t^k log p(x | θ + t v)]`` at ``t = 0`` (for ``k ≥ 1``; ``c_0 = 0``
    by construction of the log-ratio), each passed through ``rewrite``.
    """
    t = sp.Dummy("t")
    shifted = log_density.subs({p: p + t * v for p, v in zip(params, direction)}, simultaneous=True)
    log_ratio = log_density - shifted
    coefficients = []
    for k in range(order):
        derivative = sp.diff(log_ratio, t, k) if k else log_ratio
        coefficients.append(rewrite(expectation(derivative.subs(t, 0)) / sp.factorial(k)))
    return coefficients


def quadratic_form(matrix: sp.Matrix, vector: Sequence[sp.Expr]) -> sp.Expr:
    """``vᵀ M v`` as a scalar."""
    v = sp.Matrix(vector)
    return (v.T * matrix * v)[0, 0]
