"""The sound symbolic rule: a difference counts as zero only when sympy rewrites it to 0.

``reduce_to_zero`` tries exact rewritings in order of cost (expand, cancel,
together, simplify; a caller may put its own first) and stops at the first that
yields the literal ``0`` for every entry.  Nothing here decides by sampling:
``Expr.equals`` is never used, and ``force=True`` is never passed (it would
ignore the symbols' assumptions).  Failing to reach 0 is *not* a disproof.

A rewriter that divides, multiplies through or cancels states what it assumes
nonzero (``Rewriter.assumes``); the reduction carries those conditions, and
:mod:`ngproof.symbolic.validation` checks them, with the original sides, at
exact points before anything counts as proved.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

import sympy as sp

@dataclass(frozen=True)
class Rewriter:
    """A named exact rewriting.

    ``assumes(expr)`` lists what must be nonzero for the rewrite to be valid;
    ``relations`` maps a symbol to what it stands for (``{u: exp(θ)}`` for a
    rewriter that writes ``e^θ`` as ``u``): at exact points, ``u`` takes that value.
    """

    name: str
    rewrite: Callable[[sp.Expr], sp.Expr]
    assumes: Callable[[sp.Expr], list[sp.Expr]] | None = None
    relations: Mapping[sp.Symbol, sp.Expr] = field(default_factory=dict)


def relations_of(rewriters: Sequence[Rewriter | tuple]) -> dict:
    """The symbol relations stated by ``rewriters``, merged."""
    merged: dict = {}
    for rewriter in map(as_rewriter, rewriters):
        merged.update(rewriter.relations)
    return merged


def as_rewriter(item: Rewriter | tuple) -> Rewriter:
    """A :class:`Rewriter` from itself or a ``(name, function)`` pair (which assumes nothing)."""
    return item if isinstance(item, Rewriter) else Rewriter(*item)


DEFAULT_REWRITERS: tuple[Rewriter, ...] = (
    Rewriter("expand", sp.expand),
    Rewriter("cancel", sp.cancel),
    Rewriter("together + cancel", lambda e: sp.cancel(sp.together(e))),
    Rewriter("simplify", sp.simplify),
)


@dataclass(frozen=True)
class Reduction:
    """The outcome of ``reduce_to_zero``: whether every entry reached 0, how, and what it assumed nonzero."""

    zero: bool
    method: str
    residual: sp.Basic
    conditions: tuple[sp.Basic, ...] = ()


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
    matrices = [isinstance(side, (sp.MatrixBase, sp.MatrixExpr)) for side in (lhs, rhs)]
    if matrices[0] != matrices[1]:
        raise ValueError("one side is a matrix and the other a scalar: compare a matrix with sp.zeros(rows, cols)")
    if matrices[0] and lhs.shape != rhs.shape:
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
    conditions: list[sp.Basic] = []
    for entry in entries(diff):
        if is_literal_zero(entry):
            methods.append("identically")
            continue
        for rewriter in map(as_rewriter, (*rewriters, *DEFAULT_REWRITERS)):
            rewritten = rewriter.rewrite(entry)
            if is_literal_zero(rewritten):
                methods.append(rewriter.name)
                if rewriter.assumes is not None:
                    conditions.extend(c for c in rewriter.assumes(entry) if c not in conditions)
                break
        else:
            residual.append(rewritten)
    if residual:
        return Reduction(False, "none", residual[0])
    used = sorted(set(methods), key=methods.index)
    return Reduction(True, ", ".join(used), sp.S.Zero, tuple(conditions))


def proves_nonnegative(expr, rewriters: Sequence[Rewriter] = ()) -> tuple[bool, str]:
    """True when sympy's assumption system deduces ``expr >= 0`` (for every entry)."""
    methods = []
    for entry in entries(expr):
        for rewriter in map(as_rewriter, (("as given", lambda e: e), *rewriters, *DEFAULT_REWRITERS)):
            if sp.sympify(rewriter.rewrite(entry)).is_nonnegative is True:
                methods.append(rewriter.name)
                break
        else:
            return False, "none"
    return True, ", ".join(sorted(set(methods), key=methods.index))
