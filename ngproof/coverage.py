"""Coverage: which passages of the lesson the catalogue checks, which it lists as uncheckable, which it misses.

The lesson is plain text, one block per line.  It is split into *passages*:

* a display formula ``$$...$$`` on its own line, joined with the sentence before it when that sentence ends in
  ``:`` and introduces it (``... the Lagrangian is:``);
* a table row (the header row and the ``|---|`` rule are not passages);
* a bullet (``- ...``) and a quiz option line (``A. ... B. ...``), each one passage;
* ``Correct Answer: ...``, one passage;
* every other line, one passage per sentence (never split inside ``$...$`` math, nor after ``e.g.``, ``i.e.``,
  ``vs.`` or inside a decimal number; a sentence glued to the next one, as in ``latents.Problem 2``, is split).

Headings are not passages: a line (or a fragment left after splitting) with no math, no sentence-ending
punctuation and at most 90 characters; short labels ending in ``:`` (``Solution:``, ``Key takeaways:``);
``Click for answer``; a lone ``-``; and the quiz prompts ``Question N: ...?``.

A claim's source quote covers every passage that its occurrence overlaps (usually the one passage that contains
it; a quote may span part of a passage or run across two).  Quotes are matched after normalising: LaTeX spacing
commands (``\\,``, ``\\;``, ``\\!``, ``\\:``, ``\\quad``, ``\\qquad``, ``\\ ``) and all whitespace are removed.
An occurrence under the claim's own section (from its heading to the next heading) is preferred; failing that,
one after the heading; failing that, anywhere (and a warning is printed).  A quote found nowhere is a *stale
citation*: the command then exits 1.  Passages listed with :func:`ngproof.uncheckable` are matched the same way.
"""
from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ngproof.atomic import write_atomic

_LATEX_SPACING = re.compile(r"\\(?:qquad|quad)(?![A-Za-z])|\\[,;:! ]")
_WHITESPACE = re.compile(r"\s+")
_ABBREVIATIONS = ("e.g.", "i.e.", "vs.", "etc.", "cf.")
_QUESTION = re.compile(r"^Question \d+:")
_OPTIONS = re.compile(r"^A\. .* B\. ")
_GLUED_LABEL = re.compile(r"(?<=[a-z0-9)$])(?=(?:Problem|Example|Question) \d+:)")
_MAX_HEADING = 90
_MAX_LABEL = 40


@dataclass
class Passage:
    """A unit of the lesson that a claim can cite: its text, kind, section and place in the material."""

    index: int
    kind: str
    section: str
    text: str
    start: int
    end: int
    claims: list[str] = field(default_factory=list)
    uncheckable: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.claims:
            return "claims"
        return "uncheckable" if self.uncheckable else "uncovered"


@dataclass(frozen=True)
class Heading:
    text: str
    start: int


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


def normalise(text: str) -> str:
    """Text for matching: LaTeX spacing commands and all whitespace removed."""
    return _WHITESPACE.sub("", _LATEX_SPACING.sub("", text))


def _normalised_with_origin(text: str) -> tuple[str, list[int]]:
    """The normalised text and, for each of its characters, the index of that character in ``text``."""
    kept = [True] * len(text)
    for match in _LATEX_SPACING.finditer(text):
        for i in range(match.start(), match.end()):
            kept[i] = False
    chars, origin = [], []
    for i, ch in enumerate(text):
        if kept[i] and not ch.isspace():
            chars.append(ch)
            origin.append(i)
    return "".join(chars), origin


def _is_label(text: str) -> bool:
    """A label that introduces what follows (``Solution:``, ``Click for answer``), not a passage."""
    stripped = text.strip()
    return stripped in ("-", "Click for answer") or bool(_QUESTION.match(stripped)) or (
        stripped.endswith(":") and "$" not in stripped and len(stripped) <= _MAX_LABEL)


def _is_heading(text: str) -> bool:
    stripped = text.strip()
    if not stripped or "$" in stripped or len(stripped) > _MAX_HEADING or _is_label(stripped):
        return False
    return stripped[-1] not in ".?!;,:"


def _sentence_ends(text: str) -> list[int]:
    """Offsets just after each sentence end in ``text`` (outside math)."""
    ends, in_math, i = [], False, 0
    while i < len(text):
        ch = text[i]
        if ch == "$":
            in_math = not in_math
        elif ch in ".?!" and not in_math:
            before = text[: i + 1]
            after = text[i + 1:]
            if any(before.endswith(a) for a in _ABBREVIATIONS) or (ch == "." and after[:1].isdigit()):
                i += 1
                continue
            nxt = after.lstrip()
            glued = after[:1].isupper()
            spaced = after[:1].isspace() and (not nxt or nxt[0].isupper() or nxt[0] in "$*⚠(")
            if not after or glued or spaced:
                ends.append(i + 1)
        i += 1
    return ends


def _split_sentences(text: str, offset: int) -> list[tuple[str, int, int]]:
    pieces, start = [], 0
    cut_points = sorted(set(_sentence_ends(text)) | {m.start() for m in _GLUED_LABEL.finditer(text)})
    for end in [*cut_points, len(text)]:
        piece = text[start:end]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            pieces.append((piece.strip(), offset + start + lead, offset + start + lead + len(piece.strip())))
        start = end
    return pieces


def split_passages(material: str) -> tuple[list[Passage], list[Heading]]:
    """Split the lesson into passages and headings (see the module docstring)."""
    passages: list[Passage] = []
    headings: list[Heading] = []
    state = {"section": "", "table_header": False}
    previous_line: list[Passage] = []

    def add(kind: str, text: str, start: int, end: int, into: list[Passage]) -> None:
        passage = Passage(len(passages), kind, state["section"], text, start, end)
        passages.append(passage)
        into.append(passage)

    offset = 0
    for raw in material.splitlines(keepends=True):
        line, start = raw.rstrip("\r\n"), offset
        offset += len(raw)
        stripped = line.strip()
        if not stripped:
            continue
        start += len(line) - len(line.lstrip())
        end = start + len(stripped)
        this_line: list[Passage] = []
        if stripped.startswith("$$") and stripped.endswith("$$") and len(stripped) > 4:
            lead = previous_line[-1] if previous_line else None
            if lead and lead.text.endswith(":") and lead.kind in ("sentence", "label"):
                passages.remove(lead)
                add("formula", lead.text + " " + stripped, lead.start, end, this_line)
            else:
                add("formula", stripped, start, end, this_line)
        elif stripped.startswith("|"):
            if not set(stripped) <= set("|-: "):
                if state["table_header"]:
                    add("table-row", stripped, start, end, this_line)
                state["table_header"] = True       # the first row names the columns
        elif stripped.startswith("- "):
            add("bullet", stripped, start, end, this_line)
        elif _OPTIONS.match(stripped):
            add("options", stripped, start, end, this_line)
        elif stripped.startswith("Correct Answer:"):
            add("answer", stripped, start, end, this_line)
        elif _is_label(stripped):
            add("label", stripped, start, end, this_line)
        elif _is_heading(stripped):
            headings.append(Heading(stripped, start))
            state["section"] = stripped
        else:
            for text, s, e in _split_sentences(stripped, start):
                if _is_heading(text):
                    headings.append(Heading(text, s))
                    state["section"] = text
                else:
                    add("label" if _is_label(text) else "sentence", text, s, e, this_line)
        if not stripped.startswith("|"):
            state["table_header"] = False
        previous_line = this_line
    kept = [p for p in passages if p.kind != "label"]
    for index, passage in enumerate(kept):
        passage.index = index
    return kept, headings


def _section_span(headings: list[Heading], section: str, length: int) -> tuple[int, int] | None:
    """[start, end) of the section's text: from its first heading to the next heading."""
    for i, heading in enumerate(headings):
        if heading.text == section:
            end = headings[i + 1].start if i + 1 < len(headings) else length
            return heading.start, end
    return None


def locate(material: str, passages: list[Passage], headings: list[Heading], owner: str, kind: str,
           section: str, quote: str) -> Citation:
    """Find a quote in the material and the passages its occurrence overlaps."""
    citation = Citation(owner, kind, section, quote)
    normal_text, origin = _normalised_with_origin(material)
    needle = normalise(quote)
    if not needle:
        citation.problem = "empty quote"
        return citation
    spans, at = [], normal_text.find(needle)
    while at != -1:
        spans.append((origin[at], origin[at + len(needle) - 1] + 1))
        at = normal_text.find(needle, at + 1)
    if not spans:
        citation.problem = "quote not found in the material"
        return citation
    section_span = _section_span(headings, section, len(material))
    if section_span is None:
        chosen = spans
        citation.warning = f"section {section!r} is not a heading of the material"
    else:
        inside = [s for s in spans if section_span[0] <= s[0] < section_span[1]]
        after = [s for s in spans if s[0] >= section_span[0]]
        chosen = inside or after or spans
        if not inside:
            citation.warning = f"quote found outside its section {section!r}"
    for passage in passages:
        if any(s < passage.end and passage.start < e for s, e in chosen):
            citation.passages.append(passage.index)
    return citation


def measure(material: str, catalogue) -> Coverage:
    """Map every passage of ``material`` to the claims and uncheckable entries of ``catalogue``."""
    passages, headings = split_passages(material)
    citations = []
    for claim in catalogue.claims:
        citations.append(locate(material, passages, headings, claim.id, "claim", claim.source.section, claim.source.quote))
    for entry in catalogue.uncheckable:
        citations.append(locate(material, passages, headings, entry.reason, "uncheckable", entry.source.section,
                                entry.source.quote))
    for citation in citations:
        for index in citation.passages:
            target = passages[index].claims if citation.kind == "claim" else passages[index].uncheckable
            if citation.owner not in target:
                target.append(citation.owner)
    return Coverage(passages, headings, citations)


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
        out.extend(f"  [{p.index}] {p.section}: {_short(p.text)}" for p in uncovered)
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
        "passages": [{"index": p.index, "kind": p.kind, "section": p.section, "text": p.text, "status": p.status,
                      "claims": p.claims, "uncheckable": p.uncheckable} for p in coverage.passages],
        "stale": [{"owner": c.owner, "kind": c.kind, "section": c.section, "quote": c.quote, "problem": c.problem}
                  for c in coverage.stale],
        "warnings": [{"owner": c.owner, "kind": c.kind, "section": c.section, "quote": c.quote, "warning": c.warning}
                     for c in coverage.citations if c.warning],
    }


def _lesson_part(catalogue, lesson):
    """The claims and uncheckable passages of ``lesson`` only."""
    from ngproof.discovery import Catalogue
    from ngproof.lessons import lesson_of, lesson_of_module

    def ours(found) -> bool:
        return found is not None and found.directory == lesson.directory

    return Catalogue([c for c in catalogue.claims if ours(lesson_of(c))],
                     [u for u in catalogue.uncheckable if ours(lesson_of_module(u.module))], catalogue.load_errors)


def targets(material: Path | None, wanted: str | None, catalogue, lessons: list) -> list[tuple[str | None, Path, object]]:
    """What to measure: (lesson id, material, that lesson's part of the catalogue) for each lesson.

    ``--material`` measures the whole catalogue (or lesson ``wanted``) against it;
    without it, every lesson whose ``lesson.toml`` names its material is measured against its own.
    """
    from ngproof.lessons import MANIFEST, LessonError

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
    from ngproof.discovery import default_catalogue, discover
    from ngproof.lessons import LessonError, find_lessons

    paths = list(args.paths) or None
    catalogue = discover(paths)
    try:
        measured = [(lesson_id, material_path, measure(material_path.read_text(encoding="utf-8"), part))
                    for lesson_id, material_path, part in targets(
                        args.material, getattr(args, "lesson", None), catalogue,
                        find_lessons(paths or [default_catalogue()]))]
    except LessonError as exc:
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
