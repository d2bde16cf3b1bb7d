"""Coverage: which passages of the lesson the catalogue checks, which it lists as uncheckable, which it misses.

The lesson is read by :mod:`ngproof.course.material` (Markdown or plain text; its passages, headings and how
quotes are matched are described there).  A claim's source quote covers every passage that its occurrence
overlaps (usually the one passage that contains it; a quote may span part of a passage or run across two).
An occurrence under the claim's own section (from its heading to the next heading) is preferred; failing that,
one after the heading; failing that, anywhere (and a warning is printed).  A quote found nowhere is a *stale
citation*: the command then exits 1.  Passages listed with :func:`ngproof.uncheckable` are matched the same way.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ngproof.course import material as lesson_text
from ngproof.course.material import Heading, Material, normalise
from ngproof.engine.atomic import write_atomic

__all__ = ["Citation", "Coverage", "Heading", "Passage", "locate", "main", "measure", "normalise", "render",
           "split_passages", "to_dict"]


@dataclass
class Passage(lesson_text.Passage):
    """A passage of the lesson with the claims and uncheckable entries that cite it."""

    claims: list[str] = field(default_factory=list)
    uncheckable: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.claims:
            return "claims"
        return "uncheckable" if self.uncheckable else "uncovered"


@dataclass
class Citation:
    """Where one claim's (or uncheckable passage's) quote was found, or why it was not."""

    owner: str
    kind: str
    section: str
    quote: str
    passages: list[int] = field(default_factory=list)
    problem: str = ""
    warning: str = ""
    line: int | None = None


@dataclass
class Coverage:
    passages: list[Passage]
    headings: list[Heading]
    citations: list[Citation]

    @property
    def stale(self) -> list[Citation]:
        return [c for c in self.citations if c.problem]

    def summary(self) -> dict[str, int]:
        counts = {"passages": len(self.passages), "covered_by_claims": 0, "uncheckable": 0, "uncovered": 0}
        for passage in self.passages:
            key = {"claims": "covered_by_claims", "uncheckable": "uncheckable", "uncovered": "uncovered"}[passage.status]
            counts[key] += 1
        counts["stale_citations"] = len(self.stale)
        return counts


def split_passages(text: str) -> tuple[list[Passage], list[Heading]]:
    """The lesson's passages (ready to be cited) and headings."""
    parsed = lesson_text.parse(text)
    return [Passage(**vars(p)) for p in parsed.passages], parsed.headings


def locate(material: Material, passages: list[Passage], owner: str, kind: str, section: str, quote: str) -> Citation:
    """Find a quote in the material and the passages its occurrence overlaps."""
    found = material.find(quote, section)
    citation = Citation(owner, kind, section, quote, problem=found.problem, warning=found.warning)
    if found.spans:
        citation.line = material.line_at(found.spans[0][0])
    for passage in passages:
        if any(s < passage.end and passage.start < e for s, e in found.spans):
            citation.passages.append(passage.index)
    return citation


def measure(material: Material | str, catalogue) -> Coverage:
    """Map every passage of ``material`` (parsed, or its text) to the claims and uncheckable entries of ``catalogue``."""
    if isinstance(material, str):
        material = lesson_text.parse(material)
    passages = [Passage(**vars(p)) for p in material.passages]
    citations = []
    for claim in catalogue.claims:
        citations.append(locate(material, passages, claim.id, "claim", claim.source.section, claim.source.quote))
    for entry in catalogue.uncheckable:
        citations.append(locate(material, passages, entry.reason, "uncheckable", entry.source.section,
                                entry.source.quote))
    for citation in citations:
        for index in citation.passages:
            target = passages[index].claims if citation.kind == "claim" else passages[index].uncheckable
            if citation.owner not in target:
                target.append(citation.owner)
    return Coverage(passages, material.headings, citations)


def _short(text: str, width: int = 100) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render(coverage: Coverage, material: Path) -> str:
    marks = {"claims": "✔", "uncheckable": "·", "uncovered": "✗"}
    out = [f"Coverage of {material.name}"]
    section = None
    for passage in coverage.passages:
        if passage.section != section:
            section = passage.section
            out.append(section or "(before the first heading)")
        owners = ", ".join(passage.claims) if passage.claims else ("uncheckable" if passage.uncheckable else "NOT COVERED")
        out.append(f"  {marks[passage.status]} [{passage.index}] {_short(passage.text, 90)}  — {owners}")
    uncovered = [p for p in coverage.passages if p.status == "uncovered"]
    if uncovered:
        out.append("\nPassages no claim covers and none listed as uncheckable:")
        out.extend(f"  [{p.index}] line {p.line}, {p.section}: {_short(p.text)}" for p in uncovered)
    warnings = [c for c in coverage.citations if c.warning and not c.problem]
    if warnings:
        out.append("\nCitation warnings:")
        out.extend(f"  {c.owner if c.kind == 'claim' else 'uncheckable'}: {c.warning}: {_short(c.quote, 70)!r}"
                   for c in warnings)
    if coverage.stale:
        out.append("\nStale citations (the quote is not in the material):")
        out.extend(f"  {c.owner if c.kind == 'claim' else 'uncheckable (' + _short(c.owner, 40) + ')'}: "
                   f"{c.section!r}: {_short(c.quote, 70)!r}" for c in coverage.stale)
    counts = coverage.summary()
    out.append(f"\n{counts['passages']} passages: {counts['covered_by_claims']} covered by claims, "
               f"{counts['uncheckable']} listed as uncheckable, {counts['uncovered']} uncovered; "
               f"{counts['stale_citations']} stale citation(s)")
    return "\n".join(out) + "\n"


def to_dict(coverage: Coverage, material: Path) -> dict:
    return {
        "material": str(material),
        "summary": coverage.summary(),
        "passages": [{"index": p.index, "kind": p.kind, "section": p.section, "text": p.text, "line": p.line,
                      "status": p.status,
                      "claims": p.claims, "uncheckable": p.uncheckable} for p in coverage.passages],
        "stale": [{"owner": c.owner, "kind": c.kind, "section": c.section, "quote": c.quote, "problem": c.problem}
                  for c in coverage.stale],
        "warnings": [{"owner": c.owner, "kind": c.kind, "section": c.section, "quote": c.quote, "warning": c.warning,
                      "line": c.line}
                     for c in coverage.citations if c.warning],
    }


def _lesson_part(catalogue, lesson):
    """The claims and uncheckable passages of ``lesson`` only."""
    from ngproof.course.lessons import lesson_of, lesson_of_module
    from ngproof.engine.discovery import Catalogue

    def ours(found) -> bool:
        return found is not None and found.directory == lesson.directory

    return Catalogue([c for c in catalogue.claims if ours(lesson_of(c))],
                     [u for u in catalogue.uncheckable if ours(lesson_of_module(u.module))], catalogue.load_errors)


def targets(material: Path | None, wanted: str | None, catalogue, lessons: list) -> list[tuple[str | None, Path, object]]:
    """What to measure: (lesson id, material, that lesson's part of the catalogue) for each lesson.

    ``--material`` measures the whole catalogue (or lesson ``wanted``) against it;
    without it, every lesson whose ``lesson.toml`` names its material is measured against its own.
    """
    from ngproof.course.lessons import MANIFEST, LessonError

    if wanted is not None:
        chosen = [lesson for lesson in lessons if lesson.id == wanted]
        if not chosen:
            names = ", ".join(sorted(lesson.id for lesson in lessons)) or f"none (no {MANIFEST} in the catalogue)"
            raise LessonError(f"no lesson {wanted!r}; lessons: {names}")
        lessons = chosen
    if material is not None:
        return [(wanted, material, _lesson_part(catalogue, lessons[0]) if wanted else catalogue)]
    named = [lesson for lesson in lessons if lesson.material is not None]
    if not named:
        raise LessonError(f"give --material, or name the lesson's text in its {MANIFEST} "
                          f"(material = \"path/relative/to/{MANIFEST}\")")
    for lesson in named:
        if not lesson.material.is_file():
            raise LessonError(f"{lesson.directory / MANIFEST}: material {lesson.material}: no such file")
    return [(lesson.id, lesson.material, _lesson_part(catalogue, lesson)) for lesson in named]


def main(args) -> int:
    """``python -m ngproof coverage [--material PATH] [--lesson ID] [PATH...] [--json FILE]``: exit 1 on a stale citation."""
    from ngproof.course.lessons import LessonError, find_lessons
    from ngproof.engine.discovery import discover

    paths = list(args.paths)
    catalogue = discover(paths)
    try:
        measured = [(lesson_id, material_path, measure(lesson_text.read(material_path), part))
                    for lesson_id, material_path, part in targets(
                        args.material, getattr(args, "lesson", None), catalogue, find_lessons(paths))]
    except (LessonError, lesson_text.MaterialError) as exc:
        print(f"ngproof: error: {exc}", file=sys.stderr)
        return 2
    for lesson_id, material_path, coverage in measured:
        if len(measured) > 1:
            print(f"== lesson {lesson_id} ==")
        print(render(coverage, material_path), end="")
    for error in catalogue.load_errors:
        print(f"LOAD ERROR {error.path}: {error.message}", file=sys.stderr)
    if getattr(args, "json", None):
        documents = [dict(to_dict(coverage, material_path), lesson=lesson_id)
                     for lesson_id, material_path, coverage in measured]
        data = documents[0] if len(documents) == 1 else {"lessons": documents}
        write_atomic(args.json, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return 1 if any(coverage.stale for _, _, coverage in measured) or catalogue.load_errors else 0
