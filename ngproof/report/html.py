"""The HTML report for readers of the lesson: one self-contained, offline page.

Summary, then the errata of the lesson (each in a referee's order: the
lesson's quote, how the claim reads it, the best case for the lesson, the
counterexample, the corrected claim), the notes on wording (sentences whose
meaning holds but whose literal form is loose: not errata), then every claim
section by section with its formula as native MathML, citation, reading,
proof steps, numeric evidence, timing and links along the dependency graph
(also drawn as inline SVG), then the figures the catalogue declares (none,
and no section, when it declares none) and the passages with nothing to
check.  The template autoescapes: every string
from a theorem reaches the page as text, never as markup.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from ngproof.course.lessons import Lesson, lesson_of
from ngproof.engine.runner import ClaimResult
from ngproof.engine.verification import Run
from ngproof.report import figures as figure_module
from ngproof.report import graph
from ngproof.report.mathml import from_presentation, rich_text, to_mathml
from ngproof.vocabulary.evidence import STATUSES, Evidence

TEMPLATES = Path(__file__).parent / "templates"


@dataclass
class ClaimView:
    """What the template shows of one claim."""

    result: ClaimResult
    anchor: str
    statement: Markup
    quote: Markup
    fully_proved: bool
    depends_on: list[tuple[str, bool]]          # (id, present in this run)
    dependents: list[str]
    corrected_by: list[str] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    reading: Markup | None = None               # how the claim reads the quote; None when not declared
    defence: Markup | None = None               # an erratum's best case for the lesson
    wording: Markup | None = None               # the note on a loosely worded sentence that holds

    @property
    def claim(self):
        return self.result.claim


def _environment() -> Environment:
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True,
                              trim_blocks=True, lstrip_blocks=True)
    environment.filters["seconds"] = lambda value: f"{value:.2f} s" if value < 100 else f"{value:.0f} s"
    environment.filters["number"] = lambda value: "—" if value is None else f"{value:.2g}"
    return environment


def _value(value: Any) -> str:
    """A counterexample value as a reader would write it."""
    if isinstance(value, dict):
        return ", ".join(f"{k} = {_value(v)}" for k, v in value.items())
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def _step_formula(step: dict[str, str]) -> Markup:
    """A proof step in sympy's own MathML when the run made it, else its LaTeX converted."""
    printed = from_presentation(step["mathml"]) if step.get("mathml") else None
    return (printed or to_mathml(step.get("latex", ""), display=True)).markup


def _evidence_view(evidence: Evidence) -> dict[str, Any]:
    return {
        "item": evidence,
        "steps": [{"label": s.get("label", ""), "formula": _step_formula(s)} for s in evidence.steps],
        "counterexample": [(str(k), _value(v)) for k, v in (evidence.counterexample or {}).items()],
        "multiline": "\n" in evidence.detail,
    }


def _prose(text: str | None) -> Markup | None:
    """A declared sentence with its ``$…$`` formulas as MathML; None when not declared."""
    return rich_text(text) if text else None


def claim_views(run: Run) -> dict[str, ClaimView]:
    """Every claim of the run, keyed by id, with its links both ways."""
    present = {r.claim.id for r in run.results}
    dependents: dict[str, list[str]] = {}
    for result in run.results:
        for dependency in result.claim.depends_on:
            dependents.setdefault(dependency, []).append(result.claim.id)
    corrected_by = run.corrections()
    fully = run.fully_proved()
    return {
        r.claim.id: ClaimView(
            result=r,
            anchor=graph.anchor(r.claim.id),
            statement=to_mathml(r.claim.statement, display=True).markup,
            quote=rich_text(r.claim.source.quote),
            fully_proved=r.claim.id in fully,
            depends_on=[(d, d in present) for d in r.claim.depends_on],
            dependents=dependents.get(r.claim.id, []),
            corrected_by=corrected_by.get(r.claim.id, []),
            evidence=[_evidence_view(e) for e in r.evidence],
            reading=_prose(r.claim.reading),
            defence=_prose(r.claim.defence),
            wording=_prose(r.claim.wording),
        )
        for r in run.results
    }


def lessons(run: Run) -> dict[str, Lesson | None]:
    """The lesson of every claim (None for a claim outside any ``lesson.toml``)."""
    return {r.claim.id: lesson_of(r.claim) for r in run.results}


def sections(run: Run, views: dict[str, ClaimView], lesson_by_claim: dict[str, Lesson | None]) -> list:
    """Claims grouped by (lesson, section), in order of first appearance.

    Returns ``[(heading, [ClaimView, ...]), ...]``; headings name the lesson
    too when the run spans several lessons.
    """
    several = len({lesson.id for lesson in lesson_by_claim.values() if lesson}) > 1
    grouped: dict[tuple[str, str], list[ClaimView]] = {}
    for result in run.results:
        lesson = lesson_by_claim[result.claim.id]
        key = (lesson.id if lesson and several else "", result.claim.source.section)
        grouped.setdefault(key, []).append(views[result.claim.id])
    return [(f"{lesson_id} · {section}" if lesson_id else section, claims)
            for (lesson_id, section), claims in grouped.items()]


def render(run: Run, *, figures: bool = True) -> str:
    """The whole report as one HTML document.

    The figures are those the catalogue declares (``run.figures``), each drawn in a child
    process; ``figures=False`` lists them as skipped without drawing them.
    """
    views = claim_views(run)
    summary = run.summary
    lesson_by_claim = lessons(run)
    titles = list(dict.fromkeys(f"{lesson.id} {lesson.title}" for lesson in lesson_by_claim.values() if lesson))
    template = _environment().get_template("report.html.j2")
    return template.render(
        run=run,
        statuses=STATUSES,
        summary=summary,
        errata=[views[r.claim.id] for r in run.errata],
        wording=[views[r.claim.id] for r in run.wording_notes],
        unexpected=[views[r.claim.id] for r in run.results if r.outcome == "unexpected"],
        sections=sections(run, views, lesson_by_claim),
        lesson_titles=titles,
        views=views,
        graph=graph.render(run.results, run.fully_proved()),
        graph_script=Markup((TEMPLATES / "graph.js").read_text(encoding="utf-8")),
        colours=graph.STATUS_COLOURS,
        figures=figure_module.draw_all(run.figures, None if figures else "figures were not requested"),
        uncheckable=[(u, rich_text(u.source.quote)) for u in run.uncheckable],
        cached=[r.cached_at for r in run.results if getattr(r, "cached_at", None)],
    )
