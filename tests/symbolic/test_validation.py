"""Equality and sign checked at exact points: holds, fails (with the point), unsound."""
import sympy as sp

from ngproof.symbolic.validation import check_equality, check_nonnegative

x = sp.Symbol("x", real=True)
u, t = sp.Symbol("u", positive=True), sp.Symbol("t", real=True)


def test_a_true_identity_holds_at_the_points():
    assert check_equality((x + 1) ** 2, x ** 2 + 2 * x + 1, seed=0).verdict == "holds"


def test_a_false_identity_fails_with_its_point():
    check = check_equality((x + 1) ** 2, x ** 2 + 1, seed=0)
    assert check.verdict == "fails" and x in check.point and "left ≠ right" in check.detail


def test_a_quotient_by_an_exact_zero_that_is_not_written_as_zero_is_never_a_counterexample():
    # evalf returns a huge number for x / (sin² x + cos² x − 1); it changes with the precision, so it decides nothing
    check = check_equality(x / (sp.sin(x) ** 2 + sp.cos(x) ** 2 - 1), 1, seed=0)
    assert check.verdict == "undecided"


def test_relations_tie_a_symbol_to_the_others():
    # u stands for e^t: 1/(1 + 1/u) = u/(1 + u) holds either way, but e^t/(1+e^t) = u/(1+u) only with u = e^t
    assert check_equality(sp.exp(t) / (1 + sp.exp(t)), u / (1 + u), seed=0).verdict == "fails"
    assert check_equality(sp.exp(t) / (1 + sp.exp(t)), u / (1 + u), seed=0, relations={u: sp.exp(t)}).verdict == "holds"


def test_nonnegativity():
    assert check_nonnegative(x ** 2, seed=0).verdict == "holds"
    assert check_nonnegative(x ** 3, seed=0).verdict == "fails"
