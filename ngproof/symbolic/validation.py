"""Independent checks of symbolic verdicts at seeded exact points.

A rewriter that multiplies through by a denominator, cancels a factor or
substitutes can turn a false identity into ``0`` (a pivot that is identically
zero without being written as zero, dropped by taking the numerator).  So a
reduction to zero is trusted only after the *original* sides agree at
``POINTS`` exact points consistent with the symbols' assumptions
(:mod:`ngproof.symbolic.points`), judged by :func:`ngproof.symbolic.numbers.gap`.
A point where the sides are undefined is replaced by another; a statement
undefined at every tried point is unsound (it divides by zero everywhere).
The same points search a failed proof for a counterexample.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import sympy as sp
from sympy.matrices.exceptions import MatrixError

from ngproof.symbolic.numbers import Gap, gap, sign
from ngproof.symbolic.points import Domain, exact_points, substitute

POINTS = 3
TRIES = 12


@dataclass(frozen=True)
class Check:
    """The verdict at the points: ``holds``, ``fails`` (with ``point``), or ``unsound``/``undecided`` with why."""

    verdict: str
    detail: str
    point: dict | None = None
    left: object = None
    right: object = None


def _flat(value) -> list:
    if isinstance(value, sp.MatrixBase):
        return list(value)
    if isinstance(value, (list, tuple)):
        return [e for item in value for e in _flat(item)]
    return [sp.sympify(value)]


def _at(side, point: dict) -> list:
    if isinstance(side, (list, tuple)):
        return [e for item in side for e in _at(item, point)]
    return _flat(substitute(side, point))


def shown(point: dict) -> str:
    """A point as text: symbols with their values (matrices and functions named only)."""
    parts = []
    for key, value in sorted(point.items(), key=lambda kv: str(kv[0])):
        if isinstance(value, sp.Lambda):
            parts.append(f"{key} = {value.expr}")
        elif isinstance(value, sp.MatrixBase):
            parts.append(f"{key} = {value.tolist()}")
        else:
            parts.append(f"{key} = {value}")
    return ", ".join(parts)


def _evaluate(lhs, rhs, point: dict, conditions: Sequence[sp.Basic]) -> tuple[str, list[Gap], list, list]:
    """``defined`` / ``undefined`` / ``excluded`` at one point, with the gaps of each entry pair."""
    try:
        for condition in conditions:
            if sign_of_nonzero(substitute(condition, point)) != "nonzero":
                return "excluded", [], [], []
        left, right = _at(lhs, point), _at(rhs, point)
    except (ZeroDivisionError, ValueError, TypeError, MatrixError):
        return "undefined", [], [], []
    if len(left) != len(right):
        raise ValueError(f"the sides have {len(left)} and {len(right)} entries at {shown(point)}")
    gaps = [gap(a, b) for a, b in zip(left, right)]
    if any(g.verdict == "undefined" for g in gaps):
        return "undefined", gaps, left, right
    return "defined", gaps, left, right


def sign_of_nonzero(value) -> str:
    """``nonzero``, ``zero`` or ``unknown`` for one exact value (a stated condition's denominator)."""
    verdict = gap(value, 0).verdict
    return {"apart": "nonzero", "equal": "zero"}.get(verdict, "unknown")


def _related(points, relations: Mapping):
    """Each point with the related symbols set from the others (``u = e^θ``)."""
    for point in points:
        for symbol, value in relations.items():
            point[symbol] = substitute(value, point)
        yield point


def check_equality(lhs, rhs, *, seed: int, domain: Domain | None = None, conditions: Sequence[sp.Basic] = (),
                   relations: Mapping | None = None, points: int = POINTS) -> Check:
    """Whether ``lhs == rhs`` at ``points`` seeded exact points.

    ``conditions`` are expressions assumed nonzero; ``relations`` ({u: exp(θ)})
    fix some symbols in terms of others.
    """
    relations = dict(relations or {})
    exprs = [e for side in (lhs, rhs) for e in _flat_symbolic(side)] + list(conditions) + list(relations.values())
    defined = excluded = 0
    tried = 0
    for point in _related(exact_points(exprs, seed, 0, domain), relations):
        tried += 1
        state, gaps, left, right = _evaluate(lhs, rhs, point, conditions)
        if state == "defined":
            apart = [i for i, g in enumerate(gaps) if g.verdict == "apart"]
            if apart:
                i = apart[0]
                return Check("fails", f"left ≠ right at {shown(point)} (entry {i}: {sp.N(left[i], 12)} vs "
                             f"{sp.N(right[i], 12)}, relative gap {sp.N(gaps[i].relative, 3)})", point, left, right)
            undecided = [i for i, g in enumerate(gaps) if g.verdict == "undecided"]
            if undecided:
                i = undecided[0]
                return Check("undecided", f"at {shown(point)} entry {i} differs by a relative "
                             f"{sp.N(gaps[i].relative, 3)}: neither 0 nor clearly apart at 50 and 100 digits", point)
            defined += 1
            if defined >= points:
                return Check("holds", f"left = right at {points} seeded exact points (e.g. {shown(point)})")
        elif state == "excluded":
            excluded += 1
        if tried >= TRIES:
            break
    if excluded and not defined:
        return Check("unsound", f"a stated condition (assumed ≠ 0) is 0 at every one of {tried} tried points")
    if not defined:
        return Check("unsound", f"the sides are undefined (a division by zero) at every one of {tried} tried points")
    return Check("undecided", f"the sides are defined at only {defined} of {tried} tried points")


def check_nonnegative(expr, *, seed: int, domain: Domain | None = None, relations: Mapping | None = None,
                      points: int = POINTS) -> Check:
    """Whether every entry of ``expr`` is ≥ 0 at ``points`` seeded exact points."""
    relations = dict(relations or {})
    defined = tried = 0
    for point in _related(exact_points(_flat_symbolic(expr) + list(relations.values()), seed, 0, domain), relations):
        tried += 1
        try:
            values = _at(expr, point)
        except (ZeroDivisionError, ValueError, TypeError, MatrixError):
            values = None
        signs = [sign(v) for v in values] if values is not None else ["undefined"]
        if "undefined" not in signs:
            if "negative" in signs:
                i = signs.index("negative")
                return Check("fails", f"entry {i} is {sp.N(values[i], 12)} < 0 at {shown(point)}", point,
                             values[i], 0)
            if "undecided" in signs:
                return Check("undecided", f"the sign is not decided at 50 and 100 digits at {shown(point)}", point)
            defined += 1
            if defined >= points:
                return Check("holds", f"≥ 0 at {points} seeded exact points (e.g. {shown(point)})")
        if tried >= TRIES:
            break
    if not defined:
        return Check("unsound", f"the expression is undefined at every one of {tried} tried points")
    return Check("undecided", f"the expression is defined at only {defined} of {tried} tried points")


def _flat_symbolic(side) -> list:
    if isinstance(side, (list, tuple)):
        return [e for item in side for e in _flat_symbolic(item)]
    return [side]
