"""One battery over every claim of the packaged catalogue, as optax runs one over every optimiser.

Each test names every offending claim at once.  Whether a declared-false claim really has a
counterexample is settled by running it (`verify` reports it unexpected otherwise); here
the declarations are checked: ids, dependencies, corrections and citations.
"""
from __future__ import annotations

import re

import pytest

from ngproof.course.lessons import find_lessons
from ngproof.course.material import read
from ngproof.engine.discovery import default_catalogue, discover
from ngproof.vocabulary.claims import Claim, Source

# The section headings of lesson 24-02, in order, as the lesson parser must read them from the
# packaged lesson text (plain text, one paragraph per line): what a claim's source may cite.
LESSON_HEADINGS = (
    "24-02 — Natural Gradient Descent",  # the title, for the lines above the first section
    "Learning Objectives",
    "Core Content",
    "Why Standard Gradient Descent Has a Problem",
    "The Natural Gradient",
    "Reparameterization Invariance",
    "Natural Gradient vs Newton's Method",
    "Computing Natural Gradients for Specific Models",
    "Bernoulli Log-Likelihood with Cross-Entropy Loss",
    "Mean-Field Gaussian Variational Inference",
    "Categorical Softmax Classifier",
    "Practical Approximations",
    "Diagonal Approximation",
    "K-FAC (Kronecker-Factored Approximate Curvature)",
    "Empirical Fisher",
    "Damping and Trust Regions",
    "Connection to TRPO and PPO",
    "Key Terms",
    "Worked Examples",
    "Example 1: Natural Gradient for a Single-Parameter Bernoulli",
    "Example 2: Natural Gradient for Multivariate Gaussian",
    "Example 3: K-FAC Block Diagonal Structure",
    "Practice Problems",
    "Summary",
    "Quiz",
    "Pitfalls",
    "Next Steps",
)


@pytest.fixture(scope="module")
def catalogue():
    return discover()


@pytest.fixture(scope="module")
def lesson():
    """The packaged lesson text, found as every command finds it: through its lesson.toml."""
    (packaged,) = find_lessons([default_catalogue()])
    return read(packaged.material)


def test_catalogue_loads_cleanly(catalogue):
    assert catalogue.claims
    assert catalogue.load_errors == []


def test_ids_are_unique(catalogue):
    ids = [c.id for c in catalogue.claims]
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


def test_dependencies_resolve(catalogue):
    known = {c.id for c in catalogue.claims}
    dangling = [(c.id, d) for c in catalogue.claims for d in c.depends_on if d not in known or d == c.id]
    assert dangling == []


def test_dependencies_have_no_cycle(catalogue):
    graph = {c.id: [d for d in c.depends_on if d != c.id] for c in catalogue.claims}
    state: dict[str, str] = {}
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for dep in graph.get(node, []):
            if state.get(dep) == "open":
                cycles.append(path[path.index(dep):] + [dep] if dep in path else [node, dep])
            elif dep not in state:
                visit(dep, path + [dep])
        state[node] = "done"

    for node in graph:
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_corrections_point_at_lesson_errata(catalogue):
    by_id = catalogue.by_id()
    wrong = [(c.id, c.corrects) for c in catalogue.claims if c.corrects
             and (c.corrects not in by_id or not by_id[c.corrects].is_erratum or c.expect != "holds")]
    assert wrong == [], "a correction must hold and name a claim declared 'false' or 'holds-if'"


def test_every_erratum_has_a_correction(catalogue):
    corrected = {c.corrects for c in catalogue.claims if c.corrects}
    assert [c.id for c in catalogue.claims if c.is_erratum and c.id not in corrected] == []


def test_every_claim_cites_a_lesson_heading(catalogue, lesson):
    headings = {heading.text for heading in lesson.headings}
    cited = [(c.id, c.source.section) for c in catalogue.claims if c.source.section not in headings]
    cited += [(u.source.quote[:40], u.source.section) for u in catalogue.uncheckable
              if u.source.section not in headings]
    assert cited == []


def test_every_claim_has_a_title_statement_and_quote(catalogue):
    empty = [c.id for c in catalogue.claims
             if not (c.title.strip() and c.statement.strip() and c.source.quote.strip())]
    assert empty == []


def test_every_claim_says_how_it_reads_the_lesson_and_every_erratum_states_the_lessons_best_case(catalogue):
    assert [c.id for c in catalogue.claims if len(c.reading.strip()) < 20] == []
    assert [c.id for c in catalogue.claims if c.is_erratum and len(c.defence.strip()) < 20] == []
    assert [c.id for c in catalogue.claims if c.judgement == "wording" and len(c.wording.strip()) < 20] == []


def test_the_lesson_parser_reads_the_headings_of_24_02(lesson):
    assert [heading.text for heading in lesson.headings] == list(LESSON_HEADINGS)
    assert not lesson.markdown and len(lesson.passages) == 241


def test_quotes_are_verbatim_and_inside_their_section(catalogue, lesson):
    sources = [(c.id, c.source) for c in catalogue.claims] + [(u.source.quote[:40], u.source) for u in catalogue.uncheckable]
    found = [(owner, lesson.find(source.quote, source.section)) for owner, source in sources]
    assert [owner for owner, where in found if where.problem] == []
    assert [(owner, where.warning) for owner, where in found if where.warning] == []


# Two quotes cite the same sentence when they are equal once normalised, or when one holds the
# other and the shorter is long enough to be that sentence's own words rather than a formula or
# phrase that many sentences share.
SAME_SENTENCE_MIN = 30


def sentence_key(quote: str) -> str:
    """A quote normalised: LaTeX math delimiters ($, \\( \\), \\[ \\]) and all whitespace removed,
    case folded, trailing punctuation dropped.  Whitespace goes entirely, not just collapsed, since
    LaTeX spacing (``a+b`` against ``a + b``) does not change what a sentence says."""
    bare = re.sub(r"\\[()\[\]]|\$", "", quote)
    return re.sub(r"\s+", "", bare).casefold().rstrip(".,;:")


def same_sentence(a: str, b: str) -> bool:
    return a == b or min(len(a), len(b)) >= SAME_SENTENCE_MIN and (a in b or b in a)


def contradictions(claims) -> list[tuple[str, str, str]]:
    """(holding claim, erratum, quote) for every sentence judged holding by one claim (``expect
    holds``, wording notes included) and false by another (``false``/``holds-if``), neither
    correcting the other."""
    holding = [c for c in claims if not c.is_erratum]
    errata = [c for c in claims if c.is_erratum]
    return [(h.id, e.id, e.source.quote) for h in holding for e in errata
            if h.corrects != e.id and same_sentence(sentence_key(h.source.quote), sentence_key(e.source.quote))]


def test_no_sentence_is_judged_both_holding_and_false(catalogue):
    found = contradictions(catalogue.claims)
    assert found == [], "one claim says the sentence holds, another that it is false; " \
        "make one correct the other, cite the part each judges, or settle on one judgement:\n" + \
        "\n".join(f"  {h} holds / {e} {next(c.expect for c in catalogue.claims if c.id == e)}: {q[:90]!r}"
                  for h, e, q in found)


def _declared(claim_id: str, quote: str, **kwargs) -> Claim:
    return Claim(claim_id, "t", "-", Source("S", quote), body=lambda c: None, **kwargs)


def test_the_contradiction_check_normalises_quotes_and_spares_corrections():
    sentence = "This is exactly a natural gradient step with the Fisher matrix of the policy."
    claims = [
        _declared("lesson", sentence, expect="false"),
        _declared("same", "this is  EXACTLY a natural gradient step with the Fisher matrix of the policy"),
        _declared("noted", sentence.upper(), wording="loose"),
        _declared("part", "a natural gradient step with the Fisher matrix"),
        _declared("fix", sentence, corrects="lesson"),
        _declared("other", "The KL divergence is locally quadratic."),
        _declared("formula", "$I_\\ell \\approx A \\otimes G$", expect="holds-if", condition="c"),
        _declared("formula-too", "$$I_\\ell\\approx A\\otimes G$$"),
        _declared("short", "$A \\otimes G$"),
    ]
    assert contradictions(claims) == [("same", "lesson", sentence), ("noted", "lesson", sentence),
                                      ("part", "lesson", sentence),
                                      ("formula-too", "formula", "$I_\\ell \\approx A \\otimes G$")]


def test_every_passage_of_the_lesson_is_covered_or_listed_as_uncheckable(catalogue, lesson):
    from ngproof.course.coverage import measure

    coverage = measure(lesson, catalogue)
    uncovered = [p.text[:80] for p in coverage.passages if p.status == "uncovered"]
    assert uncovered == [] and coverage.summary()["stale_citations"] == 0
