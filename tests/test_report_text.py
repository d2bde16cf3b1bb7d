"""The report for people: one line per claim under its section, errata with their evidence, a verdict."""
from ngproof.claims import Claim, Source
from ngproof.discovery import LoadError
from ngproof.evidence import Evidence
from ngproof.report.text import claim_line, render
from ngproof.runner import ClaimResult
from ngproof.verification import Run


def result(claim_id, status, section="S", expect="holds", corrects=None, condition=None, evidence=()):
    claim = Claim(claim_id, f"title of {claim_id}", "-", Source(section, "q"), body=lambda c: None,
                  expect=expect, corrects=corrects, condition=condition)
    return ClaimResult(claim, status, 0.25, list(evidence))


def run_of(*results, load_errors=()):
    return Run(list(results), list(load_errors), seed=9, profile="ci", seconds=2.0, started="now")


REFUTATION = Evidence("counterexample", "refuted", "at x = 1: 4 against 2", counterexample={"values": {"x": 1}})


def test_claim_line_marks_status_erratum_and_surprise():
    assert claim_line(result("a", "proved")) == "  ✔ proved       a — title of a  (0.25 s)"
    assert claim_line(result("b", "refuted", expect="false")).endswith("[lesson erratum]")
    assert claim_line(result("c", "inconclusive")).endswith("<< UNEXPECTED")


def test_claims_are_grouped_by_section_in_order():
    text = render(run_of(result("a", "proved", "First"), result("b", "proved", "First"), result("c", "proved", "Second")))
    assert text.startswith("First\n  ✔ proved       a") and "\n\nSecond\n  ✔ proved       c" in text
    assert text.count("First") == 1


def test_errata_list_correction_condition_and_counterexample():
    text = render(run_of(
        result("lesson", "refuted", expect="holds-if", condition="λ > 0", evidence=[REFUTATION]),
        result("fixed", "proved", corrects="lesson")))
    errata = text.split("Errata of the lesson")[1]
    assert "✗ lesson: title of lesson  → corrected by fixed" in errata
    assert "holds only if: λ > 0" in errata
    assert "at x = 1: 4 against 2" in errata and '{"values": {"x": 1}}' in errata
    assert text.rstrip().endswith("OK: every outcome as expected")


def test_unexpected_outcomes_and_load_errors_are_listed_and_fail():
    text = render(run_of(result("a", "error", evidence=[Evidence("numeric", "error", "ValueError: bad\ntrace")]),
                         load_errors=[LoadError("t/02_b.py", "line 3: SyntaxError: invalid syntax")]))
    assert "a: error, declared 'holds'" in text and "numeric: ValueError: bad" in text
    assert "LOAD ERROR t/02_b.py: line 3: SyntaxError" in text
    assert "1 claim: 1 error, 1 unexpected; seed 9, profile ci" in text
    assert text.rstrip().endswith("FAILED")


def test_an_empty_run_says_so_and_fails():
    text = render(run_of())
    assert "no claims were run" in text and text.rstrip().endswith("FAILED")
