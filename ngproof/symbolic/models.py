"""Small exact models shared by the catalogue: softmax, Gaussian moments, SPD matrices, vec and ⊗.

Everything here builds sympy objects whose equalities ``cancel`` or ``expand``
decide exactly:

* the softmax is written in ``u_k = e^{z_k} > 0``, so probabilities, scores
  (``∂/∂z_k = u_k ∂/∂u_k``) and their expectations are rational in ``u``;
* an expectation over ``z ~ N(μ, σ²)`` of a polynomial in ``z`` is taken by
  writing ``z = μ + σε`` and replacing ``ε^k`` by the standard normal moment
  ``E[ε^k]`` (0 for odd k, ``(k-1)!!`` for even k);
* a symbolic SPD matrix is ``L Lᵀ`` with ``L`` lower triangular and a
  positive diagonal, so its determinant is a positive monomial.
"""
from __future__ import annotations

import sympy as sp

from ngproof.symbolic import Rewriter


def softmax(k: int, name: str = "u") -> tuple[list[sp.Symbol], list[sp.Expr]]:
    """Positive symbols ``u_1..u_k`` (``u_i = e^{z_i}``) and ``π_i = u_i / Σ_j u_j``."""
    u = list(sp.symbols(f"{name}1:{k + 1}", positive=True))
    total = sum(u)
    return u, [ui / total for ui in u]


def d_logit(expr: sp.Expr, ui: sp.Symbol) -> sp.Expr:
    """``∂expr/∂z_i`` for ``u_i = e^{z_i}``: the chain rule gives ``u_i ∂expr/∂u_i``."""
    return ui * sp.diff(expr, ui)


def softmax_score(u: list[sp.Symbol], pi: list[sp.Expr], label: int) -> sp.Matrix:
    """``∇_z log π_label``, differentiated (not quoted): a column of length k."""
    return sp.Matrix([d_logit(sp.log(pi[label]), ui) for ui in u])


def standard_normal_moment(k: int) -> sp.Integer:
    """``E[ε^k]`` for ``ε ~ N(0, 1)``: 0 for odd k, ``(k-1)!!`` for even k."""
    return sp.Integer(0) if k % 2 else sp.factorial2(k - 1) if k else sp.Integer(1)


def gaussian_expectation(expr: sp.Expr, z, mu, sigma) -> sp.Expr:
    """``E[expr]`` over ``z ~ N(μ, σ²)`` for ``expr`` polynomial in ``z``, exactly.

    ``z``, ``mu`` and ``sigma`` may also be equal-length sequences: independent
    coordinates ``z_i ~ N(μ_i, σ_i²)``, whose joint moments factorise.
    """
    coordinates = list(zip(*(v if isinstance(v, (list, tuple)) else (v,) for v in (z, mu, sigma))))
    eps = [sp.Dummy(f"eps{i}") for i in range(len(coordinates))]
    standardised = expr.subs({zi: mi + si * ei for (zi, mi, si), ei in zip(coordinates, eps)})
    poly = sp.Poly(sp.expand(standardised), *eps)
    return sp.expand(sum(coeff * sp.prod([standard_normal_moment(k) for k in powers]) for powers, coeff in poly.terms()))


def spd(n: int, name: str = "l") -> tuple[sp.Matrix, sp.Matrix]:
    """A symbolic SPD matrix ``L Lᵀ`` and its factor ``L`` (lower triangular, positive diagonal)."""
    lower = sp.zeros(n, n)
    for i in range(n):
        for j in range(i + 1):
            lower[i, j] = sp.Symbol(f"{name}{i + 1}{j + 1}", positive=(i == j), real=True)
    return lower * lower.T, lower


def general(rows: int, cols: int, name: str) -> sp.Matrix:
    """A matrix of independent real symbols ``name_ij``."""
    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{name}{i + 1}{j + 1}", real=True))


def kron(a: sp.Matrix, b: sp.Matrix) -> sp.Matrix:
    """Explicit Kronecker product ``a ⊗ b`` (block (i, j) is ``a_ij b``)."""
    return sp.Matrix(sp.BlockMatrix([[a[i, j] * b for j in range(a.cols)] for i in range(a.rows)]).as_explicit())


def vec(m: sp.Matrix) -> sp.Matrix:
    """Column-major vec: the columns of ``m`` stacked (Fortran order)."""
    return sp.Matrix([m[i, j] for j in range(m.cols) for i in range(m.rows)])


def row_vec(m: sp.Matrix) -> sp.Matrix:
    """Row-major flatten: the rows of ``m`` concatenated (C order, PyTorch's ``flatten``)."""
    return sp.Matrix([m[i, j] for i in range(m.rows) for j in range(m.cols)])


def limit_parts(expr: sp.Expr, t: sp.Symbol) -> tuple[list[sp.Expr], sp.Expr]:
    """The pieces that decide ``lim_{t→0} expr`` for ``expr`` rational in ``t``.

    Writes ``expr = Σ a_j t^j / Σ_{j≥k} b_j t^j`` with ``b_k`` the lowest
    nonzero denominator coefficient and returns ``([a_0, …, a_k], b_k)``:
    when ``a_0 = … = a_{k-1} = 0`` and ``b_k ≠ 0`` the limit is ``a_k / b_k``.
    No cancellation is needed, so a common factor ``t^k`` cannot hide a 0/0.
    """
    numerator, denominator = sp.fraction(sp.together(expr))
    numerator, denominator = sp.Poly(numerator, t), sp.Poly(denominator, t)
    k = min(power for (power,) in denominator.monoms())
    return [sp.expand(numerator.coeff_monomial(t**j)) for j in range(k + 1)], sp.factor(denominator.coeff_monomial(t**k))


def denominators(expr: sp.Expr) -> list[sp.Expr]:
    """The bases of the negative powers in ``expr``: their product is its combined denominator."""
    return sorted({power.base for power in expr.atoms(sp.Pow) if power.exp.is_negative}, key=sp.default_sort_key)


# A rational expression is 0 wherever it is defined when the numerator of its combined form is the zero polynomial;
# this drops the denominator, so it assumes that no factor of the denominator is identically 0.
COMBINED_NUMERATOR = Rewriter("numerator of the combined fraction", lambda e: sp.expand(sp.numer(sp.together(e))),
                              assumes=denominators)


def exponential_substitution(theta: sp.Symbol, u: sp.Symbol) -> Rewriter:
    """Write ``e^θ`` as ``u > 0``: sigmoid and softmax quantities become rational in ``u``, where
    ``cancel`` decides equality; the relation ``u = e^θ`` goes with it to the exact-point checks."""
    def rewrite(e):
        return sp.cancel(sp.expand_log(e, force=False).subs(sp.exp(-theta), 1 / u).subs(sp.exp(theta), u))
    return Rewriter(f"rational in {u} = e^{theta}", rewrite, relations={u: sp.exp(theta)})
