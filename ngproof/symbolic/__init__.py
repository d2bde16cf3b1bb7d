"""The sound symbolic rule: a difference counts as zero only when sympy rewrites it to 0.

``reduce_to_zero`` tries exact rewritings in order of cost (expand, cancel,
together, simplify; a caller may put its own first) and stops at the first that
yields the literal ``0`` for every entry.  Nothing here samples points:
``Expr.equals`` and numeric evaluation are never used, and ``force=True`` is
never passed (it would ignore the symbols' assumptions).  Failing to reach 0 is
*not* a disproof.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import sympy as sp

Rewriter = tuple[str, Callable[[sp.Expr], sp.Expr]]

DEFAULT_REWRITERS: tuple[Rewriter, ...] = (
    ("expand", sp.expand),
    ("cancel", sp.cancel),
    ("together + cancel", lambda e: sp.cancel(sp.together(e))),
    ("simplify", sp.simplify),
)


@dataclass(frozen=True)
class Reduction:
    """The outcome of ``reduce_to_zero``: whether every entry reached 0, and how."""

    zero: bool
    method: str
    residual: sp.Basic


def entries(expr) -> list[sp.Basic]:
    """The scalar entries of an expression, a matrix, or a nested sequence."""
    if isinstance(expr, sp.MatrixBase):
        return list(expr)
    if isinstance(expr, sp.MatrixExpr):
        explicit = expr.doit()
        return list(explicit.as_explicit()) if explicit.shape[0].is_number and explicit.shape[1].is_number else [explicit]
    if isinstance(expr, (list, tuple)):
        return [e for item in expr for e in entries(item)]
    return [sp.sympify(expr)]


def difference(lhs, rhs):
    """``lhs - rhs`` for scalars, matrices, or equal-length sequences of them."""
    if isinstance(lhs, (list, tuple)):
        if len(lhs) != len(rhs):
            raise ValueError(f"sides have different lengths: {len(lhs)} and {len(rhs)}")
        return [difference(a, b) for a, b in zip(lhs, rhs)]
    if isinstance(lhs, (sp.MatrixBase, sp.MatrixExpr)) and lhs.shape != rhs.shape:
        raise ValueError(f"sides have different shapes: {lhs.shape} and {rhs.shape}")
    return lhs - rhs


def has_float(expr) -> bool:
    """Whether a floating-point number occurs anywhere in ``expr`` (a scalar, matrix or sequence).

    sympy rounds Float arithmetic as it builds expressions (``exp(x)*(1 + 1e-20) - exp(x)``
    is already 0), so an expression with a Float can never carry a proof.
    """
    if isinstance(expr, (list, tuple)):
        return any(has_float(item) for item in expr)
    return sp.sympify(expr).has(sp.Float)


def is_literal_zero(expr: sp.Basic) -> bool:
    """True only for the literal zero (structural, no numeric judgement)."""
    if isinstance(expr, sp.MatrixExpr):
        return isinstance(expr, sp.ZeroMatrix)
    return expr == 0


def reduce_to_zero(diff, rewriters: Sequence[Rewriter] = ()) -> Reduction:
    """Rewrite each entry of ``diff`` until it is literally 0, trying cheap rewriters first."""
    residual = []
    methods = []
    for entry in entries(diff):
        if is_literal_zero(entry):
            methods.append("identically")
            continue
        for name, rewrite in (*rewriters, *DEFAULT_REWRITERS):
            rewritten = rewrite(entry)
            if is_literal_zero(rewritten):
                methods.append(name)
                break
        else:
            residual.append(rewritten)
    if residual:
        return Reduction(False, "none", residual[0])
    used = sorted(set(methods), key=methods.index)
    return Reduction(True, ", ".join(used), sp.S.Zero)


def proves_nonnegative(expr, rewriters: Sequence[Rewriter] = ()) -> tuple[bool, str]:
    """True when sympy's assumption system deduces ``expr >= 0`` (for every entry)."""
    methods = []
    for entry in entries(expr):
        for name, rewrite in (("as given", lambda e: e), *rewriters, *DEFAULT_REWRITERS):
            if sp.sympify(rewrite(entry)).is_nonnegative is True:
                methods.append(name)
                break
        else:
            return False, "none"
    return True, ", ".join(sorted(set(methods), key=methods.index))
