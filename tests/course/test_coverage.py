"""``coverage``: the lesson split into passages, each mapped to the claims citing it; stale citations fail."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from ngproof.course.coverage import normalise, split_passages

LESSON = r"""01-01 — A Tiny Lesson
Phase: 1 — Warm-up
Squares
The square of a real number is never negative. It is zero only at zero.
The identity reads:
$$(a + b)^2 = a^2 + 2ab + b^2$$
- Every square is at least $0$.
- A bullet with an opinion
| Aspect | Value |
|---|---|
| Derivative of $x^2$ | $2x$ |
Example 1: Numbers
Solution:
We have $3^2 = 9$, e.g. by counting. The ratio 2.5 is not split.Question 1: Is this a prompt?
Quiz
A. It is negative B. It is nonnegative C. It is complex D. None
Correct Answer: B. It is nonnegative
Summary
"""

MODULE = r'''
from ngproof import claim, uncheckable

@claim("tiny.nonnegative", title="squares are nonnegative", statement="x^2 \\ge 0",
       source=("Squares", "The square of a real number is never negative."))
def _(c):
    c.prove_nonnegative(x ** 2, scope="all real x")

@claim("tiny.binomial", title="binomial square", statement="(a+b)^2",
       source=("Squares", r"$$(a+b)^2 = a^2 + 2ab + b^2$$"))
def _(c):
    a, b = sp.symbols("a b")
    c.prove((a + b) ** 2, a ** 2 + 2 * a * b + b ** 2, scope="all a, b")

@claim("tiny.answer", title="the quiz answer", statement="x^2 \\ge 0",
       source=("Quiz", "It is nonnegative"))
def _(c):
    c.prove_nonnegative(x ** 2, scope="all real x")

uncheckable("Squares", "- A bullet with an opinion", "an opinion")
'''


def test_passages_split_sentences_formulas_bullets_rows_and_answers():
    passages, headings = split_passages(LESSON)
    kinds = [(p.kind, p.text) for p in passages]
    assert ("sentence", "The square of a real number is never negative.") in kinds
    assert ("sentence", "It is zero only at zero.") in kinds
    assert ("formula", "The identity reads: $$(a + b)^2 = a^2 + 2ab + b^2$$") in kinds
    assert ("bullet", "- Every square is at least $0$.") in kinds
    assert ("table-row", "| Derivative of $x^2$ | $2x$ |") in kinds
    assert ("answer", "Correct Answer: B. It is nonnegative") in kinds
    assert kinds.count(("sentence", "The ratio 2.5 is not split.")) == 1
    assert ("sentence", "We have $3^2 = 9$, e.g. by counting.") in kinds
    texts = [p.text for p in passages]
    assert not any(t in texts for t in ("Solution:", "Squares", "Question 1: Is this a prompt?", "| Aspect | Value |"))
    assert [h.text for h in headings] == ["01-01 — A Tiny Lesson", "Phase: 1 — Warm-up", "Squares",
                                          "Example 1: Numbers", "Quiz", "Summary"]
    assert all(LESSON[p.start:p.end] == p.text for p in passages if p.kind not in ("formula",))


def test_normalise_ignores_whitespace_and_latex_spacing():
    assert normalise(r"a \, b\;c \quad d  e") == normalise("abcde") == "abcde"


@pytest.fixture
def lesson(tmp_path) -> Path:
    path = tmp_path / "01-01-tiny.txt"
    path.write_text(LESSON)
    return path


def test_coverage_maps_passages_to_claims_and_lists_the_rest(ngproof_cli, write_catalogue, lesson, tmp_path):
    catalogue = write_catalogue({"01_tiny.py": MODULE})
    report = tmp_path / "coverage.json"
    process = ngproof_cli("coverage", "--material", lesson, catalogue, "--json", report)
    assert process.returncode == 0, process.stdout + process.stderr
    data = json.loads(report.read_text())
    by_text = {p["text"]: p for p in data["passages"]}
    assert by_text["The square of a real number is never negative."]["claims"] == ["tiny.nonnegative"]
    assert by_text["The identity reads: $$(a + b)^2 = a^2 + 2ab + b^2$$"]["claims"] == ["tiny.binomial"]
    assert by_text["- A bullet with an opinion"]["status"] == "uncheckable"
    # the answer text appears in the options and the answer line: both are covered
    assert by_text["Correct Answer: B. It is nonnegative"]["claims"] == ["tiny.answer"]
    assert by_text["A. It is negative B. It is nonnegative C. It is complex D. None"]["claims"] == ["tiny.answer"]
    assert by_text["It is zero only at zero."]["status"] == "uncovered"
    summary = data["summary"]
    assert summary["passages"] == len(data["passages"])
    assert summary["covered_by_claims"] + summary["uncheckable"] + summary["uncovered"] == summary["passages"]
    assert summary["stale_citations"] == 0
    assert "tiny.binomial" in process.stdout and "It is zero only at zero." in process.stdout
    assert f"{summary['passages']} passages: {summary['covered_by_claims']} covered by claims" in process.stdout


def test_a_stale_citation_fails(ngproof_cli, write_catalogue, lesson):
    stale = MODULE.replace("The square of a real number is never negative.", "The square of a real number is positive.")
    process = ngproof_cli("coverage", "--material", lesson, write_catalogue({"01_tiny.py": stale}))
    assert process.returncode == 1
    assert "Stale citations" in process.stdout and "tiny.nonnegative" in process.stdout


def test_a_stale_uncheckable_quote_fails_too(ngproof_cli, write_catalogue, lesson):
    stale = MODULE.replace('uncheckable("Squares", "- A bullet with an opinion"', 'uncheckable("Squares", "- A vanished bullet"')
    process = ngproof_cli("coverage", "--material", lesson, write_catalogue({"01_tiny.py": stale}))
    assert process.returncode == 1 and "Stale citations" in process.stdout


def test_a_quote_under_another_section_is_found_with_a_warning(ngproof_cli, write_catalogue, lesson):
    moved = MODULE.replace('source=("Quiz", "It is nonnegative")', 'source=("Summary", "It is nonnegative")')
    process = ngproof_cli("coverage", "--material", lesson, write_catalogue({"01_tiny.py": moved}))
    assert process.returncode == 0
    assert "quote found outside its section 'Summary'" in process.stdout


def test_a_missing_material_is_a_usage_error(ngproof_cli, write_catalogue, tmp_path):
    process = ngproof_cli("coverage", "--material", tmp_path / "nowhere.txt", write_catalogue({"01_tiny.py": MODULE}))
    assert process.returncode == 2 and "no such file" in process.stderr
