"""How a claim's status follows from its evidence, and its outcome from the declaration."""
import pytest

from ngproof.vocabulary.evidence import contradiction, KINDS, STATUSES, Evidence, judge_outcome, judge_status


def pieces(*statuses):
    return [Evidence("numeric", s, "") for s in statuses]


@pytest.mark.parametrize("statuses, status", [
    ((), "inconclusive"),
    (("proved",), "proved"),
    (("proved", "verified"), "proved"),
    (("verified", "verified"), "verified"),
    (("proved", "inconclusive"), "inconclusive"),   # a proof does not cover an unsettled check
    (("verified", "inconclusive"), "inconclusive"),
    (("proved", "refuted"), "error"),               # contradictory: one of the two is unsound
    (("verified", "refuted"), "refuted"),           # sampling may miss what one counterexample shows
    (("inconclusive", "refuted"), "refuted"),
    (("refuted", "error"), "error"),                # a crashed check is never hidden
    (("proved", "error"), "error"),
])
def test_status_table(statuses, status):
    assert judge_status(pieces(*statuses)) == status


@pytest.mark.parametrize("expect, status, outcome", [
    ("holds", "proved", "expected"),
    ("holds", "verified", "expected"),
    ("holds", "refuted", "unexpected"),
    ("holds", "inconclusive", "unexpected"),
    ("holds", "error", "unexpected"),
    ("holds", "timeout", "unexpected"),
    ("false", "refuted", "expected"),
    ("false", "proved", "unexpected"),
    ("false", "verified", "unexpected"),
    ("false", "inconclusive", "unexpected"),
    ("false", "error", "unexpected"),
    ("holds-if", "refuted", "expected"),
    ("holds-if", "proved", "unexpected"),
    ("holds-if", "timeout", "unexpected"),
])
def test_outcome_table(expect, status, outcome):
    assert judge_outcome(expect, status) == outcome


def test_contract_enums():
    assert STATUSES == ("proved", "verified", "refuted", "inconclusive", "error", "timeout")
    assert KINDS == ("symbolic", "numeric", "example", "counterexample")


def test_evidence_serialises_every_field():
    record = Evidence("numeric", "verified", "40 cases", cases=40, max_rel_error=1e-15).to_dict()
    assert {"kind", "status", "detail", "scope", "cases", "max_rel_error", "tolerance", "counterexample",
            "steps"} <= set(record)


def test_contradiction_names_both_pieces():
    evidence = pieces("proved", "refuted", "verified")
    conflict = contradiction(evidence)
    assert conflict.status == "error" and "proved" in conflict.detail and "refuted" in conflict.detail
    assert contradiction(pieces("proved", "verified")) is None
