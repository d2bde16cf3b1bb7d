"""The sound symbolic rule: zero only when sympy rewrites the difference to a literal 0."""
import pytest
import sympy as sp

from ngproof.symbolic import difference, entries, has_float, is_literal_zero, proves_nonnegative, reduce_to_zero

x = sp.Symbol("x", real=True)
p = sp.Symbol("p", positive=True)


@pytest.mark.parametrize("lhs, rhs, method", [
    ((x + 1) ** 2, x**2 + 2 * x + 1, "expand"),
    ((x**2 - 1) / (x - 1), x + 1, "cancel"),
    (sp.sin(x) ** 2 + sp.cos(x) ** 2, 1, "simplify"),
    (x, x, "identically"),
])
def test_true_identities_reduce_to_zero(lhs, rhs, method):
    reduction = reduce_to_zero(difference(lhs, rhs))
    assert reduction.zero and reduction.method == method


@pytest.mark.parametrize("expr", [
    x + sp.Rational(1, 10**30),           # tiny but nonzero
    sp.exp(x) - 1 - x - x**2 / 2,          # a truncated series
    sp.sqrt(x**2) - x,                     # false for x < 0
    sp.Float(0.5) * x - sp.Rational(1, 3) * x,
    sp.Matrix([[0, 0], [0, x - 1]]),       # one nonzero entry among zeros
])
def test_nonzero_expressions_are_never_called_zero(expr):
    assert not reduce_to_zero(expr).zero


def test_true_identity_beyond_simplify_is_not_zero_and_keeps_the_residual():
    reduction = reduce_to_zero(sp.atan(p) + sp.atan(1 / p) - sp.pi / 2)
    assert not reduction.zero and reduction.method == "none" and reduction.residual != 0


def test_float_half_is_not_structurally_the_rational_half():
    # sympy's == is structural: neither a Float zero nor Float(0.5) counts as the exact number.
    assert sp.Float(0.5) != sp.Rational(1, 2)
    assert is_literal_zero(sp.S.Zero) and is_literal_zero(sp.ZeroMatrix(2, 2))
    assert not is_literal_zero(sp.Float(0.5) - sp.Rational(1, 3))
    assert has_float(sp.Float(0.5) * x) and has_float([x, [sp.Matrix([[0.25]])]])
    assert not has_float([x / 2, sp.Matrix([[sp.Rational(1, 4)]])])


def test_floats_collapse_as_expressions_are_built():
    # Why the proof rule refuses Floats: sympy rounds before any rewriter sees the expression.
    assert sp.exp(x) * (1 + sp.Float(1e-20)) - sp.exp(x) * sp.Float(1.0) == 0
    assert has_float(sp.exp(x) * (1 + sp.Float(1e-20)))


def test_custom_rewriters_run_first_and_are_named():
    swap = ("rewrite as sine", lambda e: e.rewrite(sp.sin))
    reduction = reduce_to_zero(sp.cos(x) - sp.sin(x + sp.pi / 2), [swap])
    assert reduction.zero and reduction.method in ("rewrite as sine", "identically")


def test_matrices_reduce_entrywise_and_name_every_method():
    diff = sp.Matrix([[(x + 1) ** 2 - x**2 - 2 * x - 1, 0], [0, (x**2 - 1) / (x - 1) - x - 1]])
    reduction = reduce_to_zero(diff)
    assert reduction.zero and reduction.method == "expand, identically, cancel"  # in entry order


def test_abstract_matrix_expressions():
    a = sp.MatrixSymbol("A", 2, 2)
    assert reduce_to_zero(difference(a * a.I, sp.Identity(2))).zero
    assert not reduce_to_zero(difference(a * a, a.T * a)).zero


def test_difference_rejects_mismatched_sides():
    with pytest.raises(ValueError, match="shapes"):
        difference(sp.Matrix([[1, 2]]), sp.Matrix([[1], [2]]))
    with pytest.raises(ValueError, match="lengths"):
        difference([x, x], [x])


def test_entries_flatten_nested_sequences_and_matrices():
    assert entries([x, (sp.Matrix([[1, 2]]), 3)]) == [x, 1, 2, 3]


@pytest.mark.parametrize("expr", [x**2, p, sp.exp(x), (x - 1) ** 2 + p, sp.Matrix([[x**2, p]])])
def test_proves_nonnegative(expr):
    ok, method = proves_nonnegative(expr)
    assert ok and method != "none"


@pytest.mark.parametrize("expr", [x, x - p, -p, x**3, sp.Matrix([[p, -p]])])
def test_does_not_prove_what_can_be_negative(expr):
    assert proves_nonnegative(expr) == (False, "none")


def test_nonnegativity_after_a_rewriter():
    # (x²+2x+1) is not seen as a square until factored.
    square = x**2 + 2 * x + 1
    assert proves_nonnegative(square, [("factor", sp.factor)])[0]
