"""Seeded exact points consistent with the symbols' assumptions.

A symbol declared ``positive`` gets a positive rational, ``integer`` an integer,
``nonzero`` never 0, and so on; ``domain`` narrows a symbol to an open interval
``(low, high)`` (either end ``None``).  Abstract matrices (``MatrixSymbol`` with
symbolic dimensions) become explicit rational matrices of small concrete size.
Undefined functions (``sp.Function("f")``) become seeded polynomials of degree
3 in their arguments, and their derivatives are then taken exactly.
Points are rationals with small denominators in ``[-5, 5]``, so exact arithmetic
stays cheap and transcendental functions stay well scaled.
"""
from __future__ import annotations

import random
from typing import Iterator, Mapping

import sympy as sp
from sympy.core.function import AppliedUndef

Domain = Mapping[sp.Symbol, tuple]
_SPAN = 5
# true assumptions that no rational point satisfies
_REFUSED = ("irrational", "transcendental", "prime", "composite", "polar", "imaginary", "infinite",
            "antihermitian")


class UnsampleableSymbol(ValueError):
    """A symbol whose assumptions no rational point satisfies (e.g. ``irrational=True``)."""


def _draw(symbol: sp.Symbol, rng: random.Random, interval: tuple | None) -> sp.Rational:
    facts = {k for k, v in symbol.assumptions0.items() if v}
    if "zero" in facts:
        return sp.S.Zero
    if symbol.assumptions0.get("real") is False or symbol.assumptions0.get("rational") is False:
        raise UnsampleableSymbol(f"symbol {symbol} is declared not real (or not rational): no rational point "
                                 "satisfies it")
    refused = [k for k in _REFUSED if k in facts]
    if refused:
        raise UnsampleableSymbol(f"symbol {symbol} is declared {refused[0]}: no rational point satisfies it")
    low, high = interval if interval else (None, None)
    low = -_SPAN if low is None else sp.Rational(low)
    high = _SPAN if high is None else sp.Rational(high)
    if facts & {"positive", "extended_positive"}:
        low = max(low, sp.S.Zero)
    if facts & {"negative", "extended_negative"}:
        high = min(high, sp.S.Zero)
    if facts & {"nonnegative", "extended_nonnegative"}:
        low = max(low, sp.S.Zero)
    if facts & {"nonpositive", "extended_nonpositive"}:
        high = min(high, sp.S.Zero)
    if low >= high:
        raise UnsampleableSymbol(f"symbol {symbol}: its assumptions and domain leave no interval to sample")
    for _ in range(200):
        if "integer" in facts or "even" in facts or "odd" in facts:
            value = sp.Integer(rng.randint(int(sp.ceiling(low)), int(sp.floor(high))))
        else:
            denominator = rng.randint(1, 12)
            value = low + (high - low) * sp.Rational(rng.randint(1, 64 * denominator - 1), 64 * denominator)
        if value == 0 and facts & {"positive", "negative", "nonzero", "extended_nonzero",
                                   "extended_positive", "extended_negative"}:
            continue
        if interval and not (value > low and value < high):
            continue
        if "even" in facts and value % 2 or "odd" in facts and not value % 2:
            continue
        if "noninteger" in facts and value.is_integer:
            continue
        return value
    raise UnsampleableSymbol(f"symbol {symbol}: found no value satisfying its assumptions in [{low}, {high}]")


def _matrix(symbol: sp.MatrixSymbol, rows: int, cols: int, rng: random.Random) -> sp.Matrix:
    return sp.Matrix(rows, cols, lambda i, j: sp.Rational(rng.randint(-40, 40), rng.randint(1, 8)))


def _polynomial(applied, rng: random.Random) -> sp.Lambda:
    """A seeded cubic in the function's arguments, kept positive (1 + p²), negative or nonnegative (p²)
    when the function is declared so."""
    args = sp.symbols(f"_x0:{len(applied.args)}")
    monomials = sorted(sp.itermonomials(args, 3), key=sp.default_sort_key)
    poly = sum(sp.Rational(rng.randint(-9, 9), rng.randint(1, 4)) * m for m in monomials)
    if applied.is_positive:
        poly = 1 + poly ** 2
    elif applied.is_negative:
        poly = -1 - poly ** 2
    elif applied.is_nonnegative:
        poly = poly ** 2
    return sp.Lambda(args, poly)


def exact_points(exprs, seed: int, count: int, domain: Domain | None = None) -> Iterator[dict]:
    """Yield ``count`` seeded substitutions for the free symbols of ``exprs`` (endless if ``count`` is 0).

    Each point maps every ``Symbol`` to an exact number, every ``MatrixSymbol``
    to an explicit matrix (symbolic dimensions are set first, to 2 or 3) and
    every undefined function to a polynomial (a ``Lambda``).
    """
    exprs = [sp.sympify(e) if not isinstance(e, sp.MatrixBase) else e for e in exprs]
    functions = {f.func: f for e in exprs for f in sorted(e.atoms(AppliedUndef), key=str)}
    symbols = sorted(set().union(*(e.free_symbols for e in exprs)) if exprs else set(), key=str)
    matrices = sorted({m for e in exprs for m in e.atoms(sp.MatrixSymbol)}, key=str)
    dimension_symbols = sorted({s for m in matrices for s in sp.Tuple(*m.shape).free_symbols}, key=str)
    scalars = [s for s in symbols if isinstance(s, sp.Symbol) and s not in dimension_symbols]
    rng = random.Random(seed)
    domain = dict(domain or {})
    drawn = 0
    while True:
        point: dict = {f: _polynomial(applied, rng) for f, applied in sorted(functions.items(), key=str)}
        for dim in dimension_symbols:
            point[dim] = sp.Integer(rng.choice((2, 3)))
        for m in matrices:
            rows, cols = (int(sp.sympify(n).subs(point)) for n in m.shape)
            point[m] = _matrix(m, rows, cols, rng)
        for s in scalars:
            point[s] = _draw(s, rng, domain.get(s))
        yield point
        drawn += 1
        if drawn >= count and count > 0:
            return


def substitute(expr, point: dict):
    """``expr`` at ``point``: functions, then matrices, then scalars replaced, and evaluated."""
    functions = {k: v for k, v in point.items() if isinstance(v, sp.Lambda)}
    matrices = {k: sp.ImmutableMatrix(v) for k, v in point.items() if isinstance(k, sp.MatrixSymbol)}
    scalars = {k: v for k, v in point.items() if isinstance(k, sp.Symbol)}
    expr = expr if isinstance(expr, (sp.MatrixBase, sp.MatrixExpr)) else sp.sympify(expr)
    if functions:
        expr = expr.subs(functions).doit()
    if matrices:
        expr = expr.xreplace(matrices).doit()
    # subs respects bound variables (of a Derivative, Integral, Limit, Sum); xreplace, much faster, does not
    bound = (sp.Derivative, sp.Integral, sp.Limit, sp.Sum, sp.Product, sp.Subs)
    expr = expr.subs(scalars) if expr.has(*bound) else expr.xreplace(scalars)
    if isinstance(expr, sp.MatrixExpr) and not isinstance(expr, sp.MatrixBase):
        expr = expr.doit()
        expr = expr.as_explicit() if isinstance(expr, sp.MatrixExpr) else expr
    return expr
