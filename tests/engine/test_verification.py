"""A run's verdict: it fails closed on unexpected outcomes, load errors, or nothing run."""
import pytest

from ngproof.engine.discovery import LoadError
from ngproof.engine.runner import ClaimResult
from ngproof.engine.verification import Run, verify
from ngproof.vocabulary.claims import Claim, Source


def result(claim_id, status, expect="holds", depends_on=(), condition=None):
    claim = Claim(claim_id, "t", "-", Source("S", "q"), body=lambda c: None, expect=expect,
                  depends_on=depends_on, condition=condition)
    return ClaimResult(claim, status, 0.1)


def run_of(*results, load_errors=()):
    return Run(list(results), list(load_errors), seed=0, profile="ci", seconds=1.0, started="now")


def test_expected_outcomes_pass():
    assert not run_of(result("a", "proved"), result("b", "refuted", expect="false")).failed


@pytest.mark.parametrize("bad", [
    result("x", "inconclusive"),
    result("x", "error"),
    result("x", "timeout"),
    result("x", "refuted"),
    result("x", "proved", expect="false"),
    result("x", "verified", expect="holds-if", condition="c"),
])
def test_any_unexpected_outcome_fails(bad):
    assert run_of(result("a", "proved"), bad).failed


def test_load_errors_and_empty_runs_fail():
    assert run_of(result("a", "proved"), load_errors=[LoadError("m.py", "line 1: SyntaxError")]).failed
    assert run_of().failed


def test_summary_counts_every_status_and_the_unexpected():
    run = run_of(result("a", "proved"), result("b", "proved"), result("c", "refuted", expect="false"),
                 result("d", "timeout"))
    assert run.summary == {"proved": 2, "verified": 0, "refuted": 1, "inconclusive": 0, "error": 0,
                           "timeout": 1, "unexpected": 1}


def test_errata_are_the_declared_false_claims_that_were_refuted():
    run = run_of(result("lesson", "refuted", expect="false"), result("cond", "refuted", expect="holds-if",
                 condition="c"), result("wrong", "refuted"), result("unrefuted", "proved", expect="false"))
    assert [r.claim.id for r in run.errata] == ["lesson", "cond"]


def test_fully_proved_needs_every_dependency_proved():
    run = run_of(result("base", "proved"), result("numeric", "verified"), result("on-base", "proved", depends_on=("base",)),
                 result("on-numeric", "proved", depends_on=("on-base", "numeric")),
                 result("on-missing", "proved", depends_on=("not-run",)),
                 result("loop-a", "proved", depends_on=("loop-b",)), result("loop-b", "proved", depends_on=("loop-a",)))
    assert run.fully_proved() == {"base", "on-base"}


def test_verify_selects_and_runs_a_catalogue(write_catalogue):
    directory = write_catalogue({"01_a.py": '''
        @claim("sel.one", title="selected", statement="s", source=("S", "q"))
        def _(c):
            c.prove(x, x, scope="all x")

        @claim("other.two", title="not selected", statement="s", source=("S", "q"))
        def _(c):
            raise RuntimeError("must not run")
    '''})
    run = verify([directory], keyword="sel.one", jobs=1, seed=5)
    assert [(r.claim.id, r.status) for r in run.results] == [("sel.one", "proved")]
    assert run.seed == 5 and run.paths == [str(directory)] and not run.failed


def test_wording_notes_are_the_holding_claims_with_a_note():
    noted = Claim("noted", "t", "-", Source("S", "q"), body=lambda c: None, wording="loose word")
    broken = Claim("broken", "t", "-", Source("S", "q"), body=lambda c: None, wording="loose word")
    run = run_of(ClaimResult(noted, "proved", 0.1), ClaimResult(broken, "refuted", 0.1), result("plain", "proved"),
                 result("lesson", "refuted", expect="false"))
    assert [r.claim.id for r in run.wording_notes] == ["noted"]
    assert [r.claim.judgement for r in run.results] == ["wording", "wording", "holds", "erratum"]


def test_corrections_map_each_corrected_claim_to_its_corrections():
    fix = [ClaimResult(Claim(i, "t", "-", Source("S", "q"), body=lambda c: None, corrects="lesson"), "proved", 0.1)
           for i in ("fix-a", "fix-b")]
    run = run_of(result("lesson", "refuted", expect="false"), *fix, result("other", "proved"))
    assert run.corrections() == {"lesson": ["fix-a", "fix-b"]}
