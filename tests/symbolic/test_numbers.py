"""Exact inputs, and equal / apart / undecided at 50 and 100 digits."""
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp

from ngproof.symbolic.numbers import InexactInput, exact_number, gap, sign


@pytest.mark.parametrize("value, exact", [
    (3, sp.Integer(3)), (Fraction(1, 3), sp.Rational(1, 3)), ("0.1", sp.Rational(1, 10)),
    (sp.sqrt(2), sp.sqrt(2)), (True, sp.Integer(1)),
])
def test_exact_numbers_are_read_exactly(value, exact):
    assert exact_number(value) == exact


@pytest.mark.parametrize("value", [0.1, np.float64(0.5), sp.Float(0.1), object(), "one half"])
def test_inexact_numbers_are_refused_with_how_to_write_them(value):
    with pytest.raises(InexactInput):
        exact_number(value, "x")


def test_fifty_digit_floats_are_accepted():
    fifty = sp.Float(mpmath.sqrt(mpmath.mpf(2), prec=200), 50)
    assert exact_number(fifty) == fifty


@pytest.mark.parametrize("lhs, rhs, verdict", [
    (sp.Rational(1, 3), sp.Rational(1, 3), "equal"),
    (sp.Integer(10) ** 30 + 1, sp.Integer(10) ** 30, "apart"),          # rationals: any difference counts
    (sp.exp(1) * sp.exp(2), sp.exp(3), "equal"),
    (sp.pi, sp.Rational(22, 7), "apart"),
    (sp.sqrt(2), sp.Rational(141421356237, 10 ** 11), "undecided"),     # 2e-12 apart: below the threshold
    (sp.log(0), 0, "apart"),                                            # a divergent side is not a finite value
    (sp.nan, 1, "undefined"),
    (sp.exp(-200), 0, "apart"),                                         # relative, so tiny values still count
])
def test_gap(lhs, rhs, verdict):
    assert gap(lhs, rhs).verdict == verdict


def test_a_sum_that_cancels_below_the_working_precision_is_zero():
    t = sp.Rational(205, 44)
    assert gap(sp.exp(t) / (1 + sp.exp(t)), 1 / (1 + sp.exp(-t))).verdict == "equal"


def test_gap_needs_every_symbol_assigned():
    with pytest.raises(ValueError, match="unassigned"):
        gap(sp.Symbol("x"), 1)


@pytest.mark.parametrize("value, expected", [
    (sp.Rational(-1, 3), "negative"), (0, "nonnegative"), (sp.exp(-5) - sp.Rational(1, 10), "negative"),
    (sp.sqrt(2) - sp.Rational(7, 5), "nonnegative"), (sp.zoo, "undefined"),
])
def test_sign(value, expected):
    assert sign(value) == expected
