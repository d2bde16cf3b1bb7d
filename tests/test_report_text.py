"""The console report: summary and what needs attention first; errata compact, in full with -v."""
from ngproof.engine.discovery import LoadError
from ngproof.engine.runner import ClaimResult
from ngproof.engine.verification import Run
from ngproof.report.text import claim_line, render
from ngproof.vocabulary.claims import Claim, Source
from ngproof.vocabulary.evidence import Evidence


def result(claim_id, status, section="S", expect="holds", corrects=None, condition=None, evidence=(), **declared):
    claim = Claim(claim_id, f"title of {claim_id}", "-", Source(section, declared.pop("quote", "q")),
                  body=lambda c: None, expect=expect, corrects=corrects, condition=condition, **declared)
    return ClaimResult(claim, status, 0.25, list(evidence))


def run_of(*results, load_errors=()):
    return Run(list(results), list(load_errors), seed=9, profile="ci", seconds=2.0, started="now")


REFUTATION = Evidence("counterexample", "refuted", "at x = 1: 4 against 2", counterexample={"values": {"x": 1}})


def test_claim_line_marks_status_erratum_wording_and_surprise():
    assert claim_line(result("a", "proved")) == "  ✔ proved       a — title of a  (0.25 s)"
    assert claim_line(result("b", "refuted", expect="false")).endswith("[lesson erratum]")
    assert claim_line(result("w", "proved", wording="loose")).endswith("[wording note]")
    assert claim_line(result("c", "inconclusive")).endswith("<< UNEXPECTED")


def test_claims_are_grouped_by_section_in_order_only_when_verbose():
    run = run_of(result("a", "proved", "First"), result("b", "proved", "First"), result("c", "proved", "Second"))
    text = render(run, verbose=True)
    claims = text.split("Claims, section by section:")[1]
    assert claims.startswith("\n\nFirst\n  ✔ proved       a") and "\n\nSecond\n  ✔ proved       c" in claims
    assert claims.count("First") == 1
    assert "✔ proved" not in render(run) and "-v/--verbose" in render(run)


def test_summary_and_verdict_come_first():
    text = render(run_of(result("a", "proved"), result("lesson", "refuted", expect="false", evidence=[REFUTATION]),
                         result("w", "verified", wording="loose")))
    first, second = text.splitlines()[:2]
    assert first.startswith("3 claims: 1 proved, 1 verified, 1 refuted; 1 errata of the lesson, 1 wording notes; ")
    assert "seed 9, profile ci" in first and second == "OK: every outcome as expected"


ERRATUM = dict(expect="holds-if", condition="λ > 0", evidence=[REFUTATION], quote="the lesson's sentence",
               reading="the sentence read for every λ", defence="true for the positive λ the section has in mind")


def test_errata_are_one_line_each_by_default():
    text = render(run_of(result("lesson", "refuted", **ERRATUM), result("fixed", "proved", corrects="lesson")))
    errata = text.split("Errata of the lesson (1)")[1].split("\n\n")[0]
    assert "\n  ✗ lesson: title of lesson  → corrected by fixed" in errata
    assert "-v shows quote, reading, defence, counterexample, correction" in errata
    for detail in ("the lesson's sentence", "read for every λ", "positive λ", "at x = 1", "λ > 0"):
        assert detail not in text


def test_a_verbose_erratum_reads_quote_reading_defence_counterexample_correction_in_order():
    text = render(run_of(result("lesson", "refuted", **ERRATUM), result("fixed", "proved", corrects="lesson")),
                  verbose=True)
    errata = text.split("Errata of the lesson (1)")[1].split("Claims, section by section")[0]
    order = ["✗ lesson: title of lesson", "lesson says:     “the lesson's sentence” (S)",
             "reading:         the sentence read for every λ", "defence:         true for the positive λ",
             "counterexample:  at x = 1: 4 against 2", '{"values": {"x": 1}}',
             "holds only if:   λ > 0", "corrected by:    fixed (proved): title of fixed"]
    positions = [errata.index(part) for part in order]
    assert positions == sorted(positions)


def test_a_verbose_erratum_says_what_its_declaration_lacks():
    text = render(run_of(result("lesson", "refuted", expect="false")), verbose=True)
    errata = text.split("Errata of the lesson (1)")[1]
    assert "reading:         (not stated in the catalogue)" in errata
    assert "defence:         (not stated in the catalogue)" in errata
    assert "counterexample:  (none recorded)" in errata and "corrected by:    (no corrected claim in this run)" in errata


def test_long_fields_wrap_under_their_label():
    text = render(run_of(result("lesson", "refuted", expect="false", defence="tick " * 60)), verbose=True)
    lines = [line for line in text.splitlines() if "tick" in line]
    assert len(lines) > 1 and all(len(line) <= 110 for line in lines)
    assert lines[0].startswith("      defence:         tick") and lines[1].startswith(" " * 23 + "tick")


def test_wording_notes_have_their_own_section_and_are_not_errata():
    note = "says 'covariance' for the uncentred second moment, which the formula makes clear"
    run = run_of(result("w", "proved", wording=note, reading="E[g gᵀ]", quote="the covariance of the gradient"))
    compact = render(run)
    assert "0 errata of the lesson, 1 wording notes" in compact and "Errata of the lesson" not in compact
    assert f"Notes on wording (1): the meaning holds, the literal sentence is loose; not errata\n  ≈ w: {note}" in compact
    assert compact.splitlines()[1] == "OK: every outcome as expected"
    verbose = render(run, verbose=True).split("Notes on wording (1)")[1]
    order = ["≈ w: title of w", "lesson says:     “the covariance of the gradient” (S)", "reading:         E[g gᵀ]",
             f"note:            {note}"]
    positions = [verbose.index(part) for part in order]
    assert positions == sorted(positions)


def test_a_wording_note_on_a_claim_that_failed_is_an_unexpected_outcome_not_a_note():
    text = render(run_of(result("w", "refuted", wording="loose", evidence=[REFUTATION])))
    assert "Notes on wording" not in text and "Unexpected outcomes (1):\n  w: refuted, declared 'holds'" in text


def test_unexpected_outcomes_and_load_errors_come_before_the_errata_and_fail():
    text = render(run_of(result("lesson", "refuted", expect="false", evidence=[REFUTATION]),
                         result("a", "error", evidence=[Evidence("numeric", "error", "ValueError: bad\ntrace")]),
                         load_errors=[LoadError("t/02_b.py", "line 3: SyntaxError: invalid syntax")]))
    assert "a: error, declared 'holds' — title of a" in text and "numeric: ValueError: bad" in text
    assert "LOAD ERROR t/02_b.py: line 3: SyntaxError" in text
    assert text.startswith("2 claims: 1 refuted, 1 error, 1 unexpected; 1 errata of the lesson, 0 wording notes; seed 9")
    assert text.splitlines()[1] == "FAILED"
    assert text.index("Unexpected outcomes (1)") < text.index("LOAD ERROR") < text.index("Errata of the lesson")


def test_an_empty_run_says_so_and_fails():
    text = render(run_of())
    assert "no claims were run" in text and "FAILED" in text.splitlines()
