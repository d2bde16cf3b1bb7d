"""Seeded exact points that honour the symbols' assumptions."""
import pytest
import sympy as sp

from ngproof.symbolic.points import UnsampleableSymbol, exact_points, substitute


def test_points_honour_assumptions_and_domains():
    p, n, r, e = (sp.Symbol("p", positive=True), sp.Symbol("n", integer=True, negative=True),
                  sp.Symbol("r", real=True), sp.Symbol("e", even=True))
    points = list(exact_points([p + n + r + e], seed=3, count=40, domain={r: (0, sp.Rational(1, 2))}))
    assert len(points) == 40
    assert all(pt[p] > 0 and pt[n] < 0 and pt[n].is_integer and 0 < pt[r] < sp.Rational(1, 2) and pt[e] % 2 == 0
               for pt in points)
    assert all(value.is_Rational for pt in points for value in pt.values())


def test_points_are_seeded():
    x = sp.Symbol("x", real=True)
    assert list(exact_points([x], 7, 5)) == list(exact_points([x], 7, 5)) != list(exact_points([x], 8, 5))


def test_an_assumption_no_rational_satisfies_is_refused():
    with pytest.raises(UnsampleableSymbol, match="no rational point satisfies it"):
        next(exact_points([sp.Symbol("q", irrational=True)], 0, 1))


def test_abstract_matrices_and_functions_become_concrete():
    n = sp.Symbol("n", integer=True, positive=True)
    A, v = sp.MatrixSymbol("A", n, n), sp.MatrixSymbol("v", n, 1)
    f, x = sp.Function("f"), sp.Symbol("x", real=True)
    [point] = exact_points([A * v, sp.diff(f(x), x)], 1, 1)
    assert point[n] in (2, 3) and point[A].shape == (point[n], point[n])
    product = substitute(A * v, point)
    assert product == point[A] * point[v]
    assert substitute(sp.diff(f(x) ** 2, x), point) == substitute(2 * f(x) * sp.diff(f(x), x), point)
