"""The verbs a claim's body calls, and the evidence each records."""
from decimal import Decimal

import mpmath
import numpy as np
import pytest
import sympy as sp

from ngproof import close
from ngproof.strategies import reals
from ngproof.vocabulary.checks import Checks, derived_seed, exact_difference_is_nonzero, parse_stated

x = sp.Symbol("x", real=True)
p = sp.Symbol("p", positive=True)


@pytest.fixture
def c():
    return Checks("test.claim", seed=0, profile="ci")


def last(checks: Checks):
    return checks.evidence[-1]


# --- the lesson's numbers, at the precision written -------------------------------------------

@pytest.mark.parametrize("stated, parsed", [
    ("0.622", (Decimal("0.622"), 3, False)),
    ("-2", (Decimal(-2), 0, True)),
    ("−0.5", (Decimal("-0.5"), 1, False)),
    ("126,000", (Decimal(126000), 0, True)),
    ("~1000", (Decimal(1000), -3, False)),
    ("≈ 0.88", (Decimal("0.88"), 2, False)),
])
def test_parse_stated(stated, parsed):
    assert parse_stated(stated) == parsed


def test_parse_stated_rejects_words():
    with pytest.raises(ValueError, match="cannot read the stated number 'about two'"):
        parse_stated("about two")


SIGMA_HALF = 1 / (1 + sp.exp(-sp.Rational(1, 2)))  # 0.62246


@pytest.mark.parametrize("computed, stated, status", [
    (SIGMA_HALF, "0.622", "verified"),
    (SIGMA_HALF, "0.62", "verified"),
    (SIGMA_HALF, "0.623", "refuted"),      # off by one in the last written digit
    (SIGMA_HALF, "0.6225", "verified"),
    (SIGMA_HALF, "0.6224", "refuted"),     # more digits written, more demanded
    (sp.Integer(-2), "-2", "verified"),
    (-2.0, "-2", "verified"),
    (sp.Rational(-5, 2), "-2", "refuted"),  # an integer as written is exact
    (sp.Rational(-2000001, 1000000), "-2", "refuted"),
    (sp.Integer(126000), "126,000", "verified"),
    (sp.Integer(126001), "126,000", "refuted"),
    (sp.Integer(1234), "~1000", "verified"),
    (sp.Integer(1600), "~1000", "refuted"),
    (sp.Rational(1, 8), "0.13", "verified"),  # a tie may be written either way
    (sp.Rational(1, 8), "0.12", "verified"),
    (sp.Rational(1, 8), "0.14", "refuted"),
    ((sp.atan(2) + sp.atan(sp.Rational(1, 2))) * 2 / sp.pi, "1", "verified"),  # simplify cannot, 50 digits can
    (sp.Integer(10) ** 45 + 1, "1" + "0" * 45, "refuted"),                      # exact integers stay exact
])
def test_example_compares_at_the_written_precision(c, computed, stated, status):
    c.example("a number", computed, stated)
    evidence = last(c)
    assert evidence.status == status
    assert evidence.kind == ("example" if status == "verified" else "counterexample")


def test_refuted_example_keeps_both_numbers(c):
    c.example("σ(0.5)", SIGMA_HALF, "0.623")
    assert last(c).counterexample == {"what": "σ(0.5)", "lesson": "0.623", "recomputed": "0.622459331202"}


# --- symbolic proofs ---------------------------------------------------------------------------

def test_true_claim_is_proved_with_steps(c):
    assert c.prove((x + 1) ** 2, x**2 + 2 * x + 1, scope="all real x")
    evidence = last(c)
    assert (evidence.kind, evidence.status, evidence.scope) == ("symbolic", "proved", "all real x")
    assert [s["label"] for s in evidence.steps][:2] == ["left side", "right side"]


def test_undecided_identity_is_inconclusive_never_refuted(c):
    assert not c.prove(sp.atan(p) + sp.atan(1 / p), sp.pi / 2, scope="p > 0")
    assert last(c).status == "inconclusive" and "not a disproof" in last(c).detail


def test_false_identity_is_refuted_at_an_exact_point(c):
    c.prove((x + 1) ** 2, x**2 + 1, scope="all real x")
    assert (last(c).kind, last(c).status) == ("counterexample", "refuted")
    assert "x = " in last(c).counterexample["point"]


def test_plainly_false_formula_is_refuted_not_inconclusive(c):
    z = sp.Symbol("z", positive=True)
    c.prove(2 * z, 3 * z, scope="z > 0")
    assert last(c).status == "refuted"
    assert sp.Rational(last(c).counterexample["values"]["z"]) > 0  # drawn where the assumption holds


def test_true_identity_sympy_cannot_reduce_stays_inconclusive(c):
    # sympy does not reduce this difference (it would need the identity itself): the points agree, so no refutation
    rewriters = [("refuse to rewrite", lambda e: sp.Integer(1))]
    c.prove(sp.sin(x) ** 2 + sp.cos(x) ** 2, 1, scope="all real x", rewriters=rewriters)
    assert last(c).status in ("proved", "inconclusive")


@pytest.mark.parametrize("lhs, rhs", [
    (sp.Float(0.5) * x, x / 2),                           # equal, but by rounding arithmetic
    (sp.Float(0.1), sp.Rational(1, 10)),                  # the double 0.1 is not 1/10
    (sp.exp(x) * (1 + sp.Float(1e-20)), sp.exp(x)),       # 1 + 1e-20 rounds to 1.0
    (sp.Matrix([[x * 0.25]]), sp.Matrix([[x / 4]])),
])
def test_floats_never_make_a_proof(c, lhs, rhs):
    c.prove(lhs, rhs, scope="all real x")
    assert last(c).status == "inconclusive" and "floating-point" in last(c).detail


def test_prove_nonnegative(c):
    c.prove_nonnegative(x**2 + p, scope="all real x, p > 0")
    assert last(c).status == "proved"
    c.prove_nonnegative(x - p, scope="all real x, p > 0")
    assert last(c).status == "refuted" and "< 0" in last(c).detail
    c.prove_nonnegative(sp.exp(x) - x, scope="all real x")  # true, but not deduced by the assumptions
    assert last(c).status == "inconclusive"
    c.prove_nonnegative(sp.Float(0.1) * 3 - sp.Rational(3, 10), scope="a rounding residue, 5.6e-17")
    assert last(c).status == "inconclusive" and "floating-point" in last(c).detail


# --- counterexamples ---------------------------------------------------------------------------

def test_counterexample_is_confirmed_exactly(c):
    c.counterexample({x: sp.Rational(1, 2)}, (x + 1) ** 2, x**2 + 1, detail="at x = 1/2")
    evidence = last(c)
    assert (evidence.kind, evidence.status) == ("counterexample", "refuted")
    assert evidence.counterexample["values"] == {"x": "1/2"}
    assert evidence.counterexample["difference"] == "relative 0.444"  # |9/4 − 5/4| / (9/4)
    c.counterexample({x: "0.5"}, (x + 1) ** 2, x**2 + 1, detail="a decimal string is read exactly")
    assert last(c).counterexample["values"] == {"x": "1/2"}


def test_counterexample_values_must_be_exact(c):
    with pytest.raises(ValueError, match="machine float.*sp.Rational"):
        c.counterexample({x: 0.1}, x, sp.Rational(1, 10), detail="0.1 is not 1/10")


def test_counterexample_where_the_sides_agree_does_not_refute(c):
    c.counterexample({x: 0}, (x + 1) ** 2, x**2 + 1, detail="at x = 0")
    assert last(c).status == "inconclusive" and "not confirmed apart" in last(c).detail


def test_counterexample_must_assign_every_symbol(c):
    y = sp.Symbol("y")
    with pytest.raises(ValueError, match="unassigned.*y"):
        c.counterexample({x: 1}, x + y, x, detail="y left free")


def test_machine_floats_in_the_sides_cannot_refute(c):
    # 0.1·3 was rounded while the side was built: a 5.6e-17 "difference" is no counterexample.
    with pytest.raises(ValueError, match="machine-precision float"):
        c.counterexample({x: 1}, x * sp.Float(0.1) * 3, sp.Rational(3, 10) * x, detail="rounding")
    with pytest.raises(ValueError, match="machine-precision float"):
        c.fuzz(lambda v: close(v * 0.3 * (1 + 1e-9), v * 0.3), reals(1, 2), scope="s",
               exact=lambda v: (sp.Float(0.1) * 3 * sp.Rational(v), sp.Rational(3, 10) * sp.Rational(v)))


def test_fifty_digit_numbers_may_refute(c):
    root_two = sp.Float(mpmath.sqrt(mpmath.mpf(2), prec=200), 60)
    c.counterexample({x: 1}, root_two + sp.Rational(1, 10**5), sp.sqrt(2), detail="off by 1e-5")
    assert last(c).status == "refuted"
    c.counterexample({x: 1}, root_two, sp.sqrt(2), detail="equal to 60 digits")
    assert last(c).status == "inconclusive"


def test_a_gap_below_the_refutation_threshold_does_not_refute(c):
    # 1e-20 apart at 50 digits: the rounding of some 50-digit computation, or a real gap? not a counterexample
    root_two = sp.Float(mpmath.sqrt(mpmath.mpf(2), prec=200), 60)
    c.counterexample({x: 1}, root_two + sp.Rational(1, 10**20), sp.sqrt(2), detail="off by 1e-20")
    assert last(c).status == "inconclusive"


def test_exact_difference_sees_what_doubles_cannot():
    assert exact_difference_is_nonzero(sp.Integer(10) ** 20 + 1, sp.Integer(10) ** 20)[0]
    assert not exact_difference_is_nonzero(sp.sqrt(8), 2 * sp.sqrt(2))[0]


# --- fuzzing -------------------------------------------------------------------------------------

def test_agreeing_fuzz_is_verified_with_cases_and_worst_error(c):
    assert c.fuzz(lambda v: close(np.exp(np.log(v)), v), reals(0.1, 10), scope="v in [0.1, 10]")
    evidence = last(c)
    assert (evidence.kind, evidence.status) == ("numeric", "verified")
    assert evidence.cases >= 10 and 0 <= evidence.max_rel_error <= evidence.tolerance


def test_max_examples_limits_the_budget(c):
    c.fuzz(lambda v: close(v, v), reals(-1e6, 1e6), scope="s", max_examples=5)
    assert last(c).cases <= 5


def test_a_claims_budget_scales_with_the_profile():
    thorough = Checks("c", profile="thorough")
    thorough.fuzz(lambda v: close(v, v), reals(-1e6, 1e6), scope="s", max_examples=2)
    assert thorough.evidence[-1].cases > 2 * 5  # 2 × (1000 / 40) = 50 examples asked for


def test_fuzz_failure_confirmed_exactly_refutes_with_the_shrunk_input(c):
    c.fuzz(lambda v: close(2 * v, v), reals(1, 2), scope="v in [1, 2]",
           exact=lambda v: (2 * sp.Rational(v), sp.Rational(v)))
    evidence = last(c)
    assert (evidence.kind, evidence.status) == ("counterexample", "refuted")
    assert evidence.counterexample["inputs"] == [1.0]
    assert evidence.counterexample["relative_error"] == pytest.approx(0.5)


def test_fuzz_failure_without_exact_form_is_inconclusive(c):
    c.fuzz(lambda v: close(2 * v, v), reals(1, 2), scope="v in [1, 2]")
    assert last(c).status == "inconclusive" and "no exact form" in last(c).detail


def test_rounding_failure_that_exact_arithmetic_clears_is_inconclusive(c):
    # 1e16 swallows v in doubles; exactly, v + 1e16 - 1e16 is v.
    c.fuzz(lambda v: close((v + 1e16) - 1e16, v), reals(1, 2), scope="v in [1, 2]",
           exact=lambda v: (sp.Rational(v) + 10**16 - 10**16, sp.Rational(v)))
    assert last(c).status == "inconclusive" and "rounding" in last(c).detail


def test_an_assert_inside_the_fuzz_test_is_an_error_not_a_counterexample(c):
    def test(v):
        assert v < 1.5, "the test's own precondition"
        return close(v, v)
    with pytest.raises(AssertionError, match="own precondition"):
        c.fuzz(test, reals(1, 2), scope="s")
    assert c.evidence == []


def test_fuzz_test_must_compare_something(c):
    with pytest.raises(ValueError, match="must return close"):
        c.fuzz(lambda v: [], reals(), scope="s")


def test_fuzz_inputs_follow_the_seed():
    def drawn(seed):
        seen = []
        Checks("same.claim", seed=seed).fuzz(lambda v: (seen.append(v), close(v, v))[1], reals(0, 1),
                                            scope="s", max_examples=8)
        return seen
    assert drawn(3) == drawn(3)
    assert drawn(3) != drawn(4)


# --- experiments and seeds ----------------------------------------------------------------------

def test_observe(c):
    c.observe(True, detail="converged")
    assert (last(c).kind, last(c).status, last(c).counterexample) == ("numeric", "verified", None)
    c.observe(False, detail="diverged", data={"loss": np.float64(3.5)})
    # an observed failure is not re-checked by the engine: no refutation
    assert (last(c).kind, last(c).status, last(c).counterexample) == ("numeric", "inconclusive", {"loss": 3.5})
    assert "c.counterexample" in last(c).detail


def test_rng_and_derived_seeds_depend_on_seed_and_claim():
    draw = lambda claim_id, seed: Checks(claim_id, seed=seed).rng.integers(2**62)  # noqa: E731
    assert draw("a", 1) == draw("a", 1)
    assert len({draw("a", 1), draw("a", 2), draw("b", 1)}) == 3
    assert derived_seed(5, "a") == derived_seed(5, "a") != derived_seed(5, "b")
    assert 0 <= derived_seed(2**32 - 1, "x") < 2**32


def test_proof_steps_carry_sympy_mathml_only_when_asked_and_sequences_fall_back_to_latex():
    x = sp.Symbol("x")
    asked = Checks("c", mathml=True)
    assert asked.prove((x + 1) ** 2, x**2 + 2 * x + 1, scope="all x")
    assert "<mi>x</mi>" in asked.evidence[0].steps[0]["mathml"]
    assert asked.prove([x, 2 * x], [x, x + x], scope="all x")
    assert "mathml" not in asked.evidence[1].steps[0] and asked.evidence[1].status == "proved"
    plain = Checks("c", mathml=False)
    plain.prove(x, x, scope="all x")
    assert "mathml" not in plain.evidence[0].steps[0]


def test_counterexample_values_of_unknown_types_become_text():
    from ngproof.vocabulary.checks import _plain

    class Opaque:
        def __repr__(self):
            return "Opaque()"

    assert _plain({"a": [Opaque(), 1.5, None, "s"]}) == {"a": ["Opaque()", 1.5, None, "s"]}
