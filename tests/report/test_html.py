"""The HTML report: self-contained, escaped, errata first, every link resolving."""
import re

import pytest

from ngproof.engine.verification import Run
from ngproof.report import html
from ngproof.report.mathml import rich_text as escape   # how the page writes declared prose


@pytest.fixture
def page(run: Run) -> str:
    return html.render(run, figures=False)


def test_a_hostile_title_never_reaches_the_page_as_markup(page: str):
    assert "<script>alert(1)" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_self_contained_nothing_loaded_from_elsewhere(page: str):
    assert not re.search(r"<(link|img|iframe)\b", page)
    assert re.findall(r"<script\b[^>]*>", page) == ["<script>"]      # the graph's own, inline; nothing fetched
    assert not re.search(r"\b(src|href)=\"(https?:)?//", page)
    assert "@import" not in page and "url(http" not in page
    assert {u for u in re.findall(r"https?://[^\s\"'<>]+", page)} <= {
        "http://www.w3.org/1998/Math/MathML", "http://www.w3.org/2000/svg"}


def test_formulas_are_native_mathml_without_menclose(page: str):
    assert page.count("<math") >= 6 and "menclose" not in page
    assert 'class="tex-fallback"' in page and r"\foo{x} = 1" in page   # the unknown command shows its source


def test_errata_come_first_with_quote_counterexample_and_correction(page: str):
    errata = page[page.index('id="errata"'):page.index('id="claims"')]
    assert "equivalent to standard gradient descent on the log-odds" in errata
    assert "-0.5" in errata and "theta = 0, y = 1" in errata
    assert 'href="#claim-demo.corrected"' in errata
    assert page.index('id="summary"') < page.index('id="errata"') < page.index('id="claims"')


def _erratum(page: str, claim_id: str) -> str:
    errata = page[page.index('id="errata"'):page.index('id="wording"')]
    start = errata.index(f'<h3><a href="#claim-{claim_id}"')
    return errata[start:errata.index("</dl>", start)]


def test_an_erratum_reads_quote_reading_defence_counterexample_correction_in_order(page: str, run: Run):
    claim = next(r.claim for r in run.results if r.claim.id == "demo.wrong")
    erratum = _erratum(page, "demo.wrong")
    order = ['class="erratum-quote"', "equivalent to standard gradient descent on the log-odds",
             'class="erratum-reading"', escape(claim.reading), 'class="erratum-defence"', escape(claim.defence),
             'class="erratum-counterexample"', "at θ = 0, y = 1 the sides differ", "-0.5",
             'class="erratum-correction"', 'href="#claim-demo.corrected"']
    positions = [erratum.index(part) for part in order]
    assert positions == sorted(positions)


def test_an_erratum_without_reading_or_defence_says_so(page: str):
    erratum = _erratum(page, "demo.hostile")
    assert "(no reading stated in the catalogue)" in erratum and "(no defence stated in the catalogue)" in erratum
    assert "No corrected claim in this run." in erratum


def test_wording_notes_have_their_own_section_apart_from_the_errata(page: str, run: Run):
    claim = next(r.claim for r in run.results if r.claim.id == "demo.loose")
    assert page.index('id="errata"') < page.index('id="wording"') < page.index('id="claims"')
    errata = page[page.index('id="errata"'):page.index('id="wording"')]
    notes = page[page.index('id="wording"'):page.index('id="claims"')]
    assert "demo.loose" not in errata and 'href="#claim-demo.wrong"' not in notes
    note = notes[notes.index('href="#claim-demo.loose"'):]
    order = ["the Fisher is the covariance of the score", "Read as:", escape(claim.reading), "Note:",
             escape(claim.wording)]
    positions = [note.index(part) for part in order]
    assert positions == sorted(positions)
    summary = page[page.index('id="summary"'):page.index('id="errata"')]
    assert "<th>wording notes</th>" in summary and "<td>2</td><td>1</td></tr>" in summary   # errata, notes


def test_each_claim_card_shows_its_reading(page: str, run: Run):
    claims = page[page.index('id="claims"'):]
    for claim_id in ("demo.wrong", "demo.loose"):
        claim = next(r.claim for r in run.results if r.claim.id == claim_id)
        card = claims[claims.index(f'id="claim-{claim_id}"'):]
        card = card[:card.index("</article>")]
        assert f"<strong>Read as:</strong> {escape(claim.reading)}" in card
    loose = claims[claims.index('id="claim-demo.loose"'):]
    assert "note on wording" in loose[:loose.index("</article>")]
    gradient = claims[claims.index('id="claim-demo.gradient"'):]
    assert "Read as:" not in gradient[:gradient.index("</article>")]   # nothing declared, nothing shown


def test_every_internal_link_has_its_anchor(page: str):
    anchors = set(re.findall(r'id="([^"]+)"', page))
    targets = set(re.findall(r'href="#([^"]+)"', page))
    assert targets and targets <= anchors


def test_sections_status_evidence_and_dependencies_are_shown(page: str):
    claims = page[page.index('id="claims"'):]
    assert claims.index("Bernoulli Log-Likelihood with Cross-Entropy Loss") < claims.index("Worked Examples")
    card = claims[claims.index('id="claim-demo.gradient"'):claims.index('id="claim-demo.wrong"')]
    assert "★ fully proved" in card and "worst relative error" in card and "3.1e-16" in card
    assert "used by" in card and 'href="#claim-demo.wrong"' in card
    assert "outcome-unexpected" in claims and "ZeroDivisionError" in claims


def test_summary_load_errors_uncheckable_and_no_figure_undeclared(page: str):
    assert "seed 7" in page and "profile ci" in page and "FAILED" in page
    assert "theorems/99_bad.py" in page and "an opinion, nothing to check" in page
    assert 'id="figures"' not in page and "Worked Example 1" not in page  # the run declares no figure


def test_results_reused_from_the_cache_say_so(run: Run):
    run.results[0].cached_at = "2026-01-01T00:00:00+00:00"
    page = html.render(run, figures=False)
    assert "1 of 8 results were reused from the result cache" in page
    assert "reused from the cache, obtained 2026-01-01T00:00:00+00:00" in page


def test_the_lesson_named_in_lesson_toml_heads_the_page(tmp_path):
    from ngproof.engine.verification import verify

    (tmp_path / "lesson.toml").write_text('id = "99-01"\ntitle = "A <tiny> lesson"\n', encoding="utf-8")
    (tmp_path / "01_one.py").write_text(
        "from ngproof import claim\n\n"
        "@claim('one.identity', title='One is one', statement='1 = 1', source=('Section', 'one is one'))\n"
        "def _(c):\n    c.observe(True, detail='1 == 1')\n", encoding="utf-8")
    page = html.render(verify([tmp_path]), figures=False)
    assert "<h1>99-01 A &lt;tiny&gt; lesson: every claim checked</h1>" in page


def test_what_a_claim_printed_is_shown_escaped_and_folded():
    from ngproof.engine.runner import ClaimResult
    from ngproof.engine.verification import Run
    from ngproof.vocabulary.claims import Claim, Source
    from ngproof.vocabulary.evidence import Evidence

    claim = Claim("p.printed", "prints", "x", Source("S", "q"), body=lambda c: None)
    result = ClaimResult(claim, "verified", 0.1, [Evidence("numeric", "verified", "ok")], output="<b>loud</b>\n")
    page = html.render(Run([result], [], 0, "ci", 0.1, "now"), figures=False)
    assert "<details class=\"output\"><summary>what the claim printed</summary><pre>&lt;b&gt;loud&lt;/b&gt;" in page
