"""Claims an honest author who believed something false would write, and what the engine must say.

Each test trips one soundness rule (README, "Statuses"): an unsound rewriter cannot prove,
a comparison that cannot fail is no evidence, a refutation survives two precisions and a
relative threshold, contradictory evidence is an error, an observed failure does not refute.
"""
import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import strategies as st

from ngproof import close
from ngproof.strategies import probability_vectors, vectors
from ngproof.symbolic import Rewriter
from ngproof.symbolic.models import COMBINED_NUMERATOR, softmax
from ngproof.vocabulary.checks import Checks
from ngproof.vocabulary.evidence import contradiction, judge_status


@pytest.fixture
def c():
    return Checks("soundness.claim", seed=0, profile="ci")


def softmax_fisher(k: int) -> sp.Matrix:
    _, pi = softmax(k)
    return sp.diag(*pi) - sp.Matrix(pi) * sp.Matrix(pi).T


# --- a false statement is never proved -----------------------------------------------------------

def test_an_unsound_rewriter_cannot_prove_that_the_singular_softmax_fisher_is_invertible(c):
    # diag(π) − ππᵀ has rank K − 1: F F⁻¹ g = g is false, yet LUsolve divides by a pivot that is
    # identically zero (not written as zero) and the combined numerator drops that denominator.
    fisher = softmax_fisher(3)
    g = sp.Matrix(sp.symbols("g1:4", real=True))
    c.prove(fisher * fisher.LUsolve(g), g, scope="all logits and gradients", rewriters=[COMBINED_NUMERATOR])
    evidence = c.evidence[-1]
    assert evidence.status == "error" and "unsound" in evidence.detail
    assert judge_status(c.evidence) == "error"


def test_a_rewriter_that_multiplies_through_by_zero_cannot_prove(c):
    x = sp.Symbol("x", real=True)
    times_zero = ("multiply through by (x − x)", lambda e: sp.expand(e * (x - x)))
    c.prove(x + 1, x, scope="all x", rewriters=[times_zero])
    assert c.evidence[-1].status == "error" and "left ≠ right" in c.evidence[-1].detail


def test_a_rewriter_whose_stated_condition_is_identically_zero_cannot_prove(c):
    # the rewriter says what it divides by; here that quantity is zero for every x, though not written as 0
    x = sp.Symbol("x", real=True)
    divides_by = sp.sin(x) ** 2 + sp.cos(x) ** 2 - 1
    rewriter = Rewriter("cancel by sin² + cos² − 1", sp.cancel, assumes=lambda e: [divides_by])
    c.prove((x ** 2 - 1) / (x - 1), x + 1, scope="x ≠ 1", rewriters=[rewriter])
    assert c.evidence[-1].status == "error" and "stated condition" in c.evidence[-1].detail


def test_a_sound_reduction_is_proved_and_says_it_was_rechecked(c):
    fisher = softmax_fisher(3)
    ones = sp.Matrix([1, 1, 1])
    c.prove(fisher * ones, sp.zeros(3, 1), scope="the null direction of every softmax Fisher",
            rewriters=[COMBINED_NUMERATOR])
    assert c.evidence[-1].status == "proved" and "re-checked" in c.evidence[-1].detail


def test_a_plainly_false_formula_is_refuted_at_a_point_that_respects_the_assumptions(c):
    z = sp.Symbol("z", positive=True)
    c.prove(2 * z, 3 * z, scope="z > 0")
    assert c.evidence[-1].status == "refuted"
    c.prove_nonnegative(-z, scope="z > 0")
    assert c.evidence[-1].status == "refuted"


def test_closed_arithmetic_alone_is_verified_not_proved(c):
    c.prove(sp.Rational(1, 4) + sp.Rational(1, 4), sp.Rational(1, 2), scope="for all models")
    assert (c.evidence[-1].kind, c.evidence[-1].status) == ("example", "verified")
    assert judge_status(c.evidence) == "verified"


# --- a numeric comparison that cannot fail is no evidence --------------------------------------------

def test_a_fuzz_of_a_false_statement_with_an_infinite_cond_is_not_verified(c):
    # the author believes (diag π − ππᵀ)⁺ g = g and, honestly, passes cond = inf for a singular matrix
    def test(pi, g):
        fisher = np.diag(pi) - np.outer(pi, pi)
        return close(np.linalg.pinv(fisher) @ g, g, cond=np.inf)
    c.fuzz(test, probability_vectors(3), vectors(3), scope="all π, g")
    assert c.evidence[-1].status == "inconclusive" and "ill-conditioned" in c.evidence[-1].detail


def test_a_fuzz_of_a_false_statement_with_an_honest_huge_cond_is_not_verified(c):
    def test(pi, g):
        fisher = np.diag(pi) - np.outer(pi, pi)
        return close(np.linalg.pinv(fisher) @ g, g, cond=np.linalg.cond(fisher))  # ~1e16: tolerance ~1000
    c.fuzz(test, probability_vectors(3), vectors(3), scope="all π, g")
    assert c.evidence[-1].status == "inconclusive"


def test_close_with_nan_and_infinite_cond_is_never_ok():
    comparison = close(np.nan, 1.0, cond=np.inf)
    assert not comparison.informative and not comparison.ok
    assert not close(1.0, 2.0, cond=1e15).informative  # tolerance 32·eps·1e15 ≈ 7: cannot fail
    assert close(1.0, 1.0 + 1e-12, cond=1e3).ok


def test_a_fuzz_over_one_fixed_case_is_an_example_not_fuzzing(c):
    c.fuzz(lambda v: close(v * 2.0, v + v), st.just(3.0), scope="one case")
    assert (c.evidence[-1].kind, c.evidence[-1].cases) == ("example", 1)


def test_an_exact_form_that_returns_nothing_is_an_error_not_agreement(c):
    with pytest.raises(ValueError, match="must return the two sides"):
        c.fuzz(lambda v: close(v, v + 1.0), vectors(2), scope="s", exact=lambda v: ([], []))


# --- a true statement is never refuted -----------------------------------------------------------------

def test_a_true_statement_whose_fifty_digit_quadrature_is_only_1e_23_accurate_is_not_refuted(c):
    # ∫₀¹ x² dx = 1/3, computed by a quadrature accurate to ~1e-23 only (the value is truncated there)
    with mpmath.workdps(50):
        value = mpmath.quad(lambda t: t ** 2, [0, 1])
        inaccurate = sp.Float(mpmath.nstr(value, 23), 50)
    c.counterexample({}, inaccurate, sp.Rational(1, 3), detail="quadrature vs 1/3")
    assert c.evidence[-1].status == "inconclusive"


def test_a_value_that_passed_through_fifteen_digit_text_is_not_a_counterexample(c):
    with mpmath.workdps(50):
        root = mpmath.sqrt(2)
    as_text = str(root)  # outside workdps: 15 digits, then read back into a 50-digit float
    c.counterexample({}, sp.Float(as_text, 50), sp.sqrt(2), detail="√2 through text")
    assert c.evidence[-1].status == "inconclusive"


def test_large_magnitudes_through_a_square_root_are_judged_relatively(c):
    big = sp.Integer(4) * 10 ** 40
    c.counterexample({}, sp.Float(mpmath.sqrt(mpmath.mpf(big), prec=170), 50), sp.sqrt(big), detail="2e20")
    assert c.evidence[-1].status == "inconclusive"


def test_a_real_difference_is_refuted_at_both_precisions(c):
    c.counterexample({}, sp.sqrt(2), sp.Rational(7, 5), detail="√2 is not 1.4")
    assert c.evidence[-1].status == "refuted"


def test_machine_float_inputs_to_a_counterexample_are_rejected_with_how_to_write_them(c):
    x = sp.Symbol("x", real=True)
    with pytest.raises(ValueError, match="sp.Rational"):
        c.counterexample({x: 0.1}, 10 * x, 1, detail="0.1 is not 1/10 in binary")


# --- contradiction and observation ------------------------------------------------------------------------

def test_contradictory_evidence_is_an_error_showing_both(c):
    x = sp.Symbol("x", real=True)
    c.prove((x + 1) ** 2, x ** 2 + 2 * x + 1, scope="all x")
    c.counterexample({x: 2}, x ** 2, 3, detail="an unrelated point the author thought refutes it")
    assert judge_status(c.evidence) == "error"
    conflict = contradiction(c.evidence)
    assert "proved (all x)" in conflict.detail and "refuted (an unrelated point" in conflict.detail


def test_an_observed_failure_does_not_refute(c):
    c.observe(False, detail="the loss went up once")
    assert c.evidence[-1].status == "inconclusive" and judge_status(c.evidence) == "inconclusive"


# --- found by an adversarial review ----------------------------------------------------------------------

def test_complex_values_are_compared_as_complex_never_cut_to_their_real_part(c):
    c.fuzz(lambda a: close(np.array([a + 5j]), np.array([a + 0j])), st.floats(1, 2), scope="s")
    assert c.evidence[-1].status != "verified"
    assert not close(1 + 5j, 1 + 0j).ok and close(1 + 5j, 1 + 5j).ok


def test_an_empty_comparison_is_an_error_not_agreement():
    with pytest.raises(ValueError, match="nothing to compare"):
        close(np.array([]), np.array([])).ok


def test_a_zero_over_zero_side_is_never_a_counterexample(c):
    x = sp.Symbol("x", real=True)
    root_two = sp.sqrt(5 + 2 * sp.sqrt(6)) - sp.sqrt(3)  # equals √2, not written so
    c.counterexample({x: root_two}, (x ** 2 - 2) / (x - sp.sqrt(2)), x + sp.sqrt(2), detail="0/0 at x = √2")
    assert c.evidence[-1].status == "inconclusive"


def test_a_domain_must_name_symbols_of_the_sides(c):
    x = sp.Symbol("x", real=True)
    with pytest.raises(ValueError, match="not a symbol of the sides"):
        c.prove(sp.sqrt(x ** 2), x, scope="x in (0, 5)", domain={"x": (0, 5)})
    c.prove(sp.sqrt(x ** 2), x, scope="x in (0, 5)", domain={x: (0, 5)})
    assert c.evidence[-1].status != "refuted"


def test_counterexample_values_must_respect_the_symbols_assumptions(c):
    x = sp.Symbol("x", positive=True)
    with pytest.raises(ValueError, match="not positive"):
        c.counterexample({x: -1}, sp.log(x ** 2), 2 * sp.log(x), detail="outside the domain")
    with pytest.raises(ValueError, match="symbol object itself"):
        c.counterexample({"x": 1}, x, 1, detail="a name")


def test_a_float_recomputation_of_an_exact_number_is_judged_at_the_refutation_threshold(c):
    c.example("percent", 0.07 * 100, "7")
    assert c.evidence[-1].status == "verified"
    c.example("total", 0.7 * 180000.0, "126,000")
    assert c.evidence[-1].status == "verified"
    c.example("total", 125000.0, "126,000")
    assert c.evidence[-1].status == "refuted"


def test_bound_variables_and_declared_functions_are_honoured_at_the_points(c):
    x = sp.Symbol("x", real=True)
    c.prove(sp.Derivative(x ** 3, x), 3 * x ** 2, scope="all x")
    assert c.evidence[-1].status == "proved"
    f = sp.Function("f", positive=True)
    c.prove(sp.log(f(x) ** 2), 2 * sp.log(f(x)), scope="positive f", rewriters=[("expand_log", sp.expand_log)])
    assert c.evidence[-1].status in ("proved", "inconclusive")
    assert c.evidence[-1].status != "error"


def test_a_fuzz_test_must_return_comparisons(c):
    with pytest.raises(ValueError, match="close"):
        c.fuzz(lambda v: np.isclose(v, v), st.floats(0, 1), scope="s")


def test_a_matrix_against_a_scalar_zero_says_how_to_write_it(c):
    m = sp.Matrix([[1, 2], [3, 4]])
    with pytest.raises(ValueError, match="sp.zeros"):
        c.prove(m * m - m * m, 0, scope="s")
