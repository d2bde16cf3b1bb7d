"""``show ID``: one claim as a student reads it, top to bottom.

    quote (file:line) → statement → reading → declared → best case for the lesson
    → status → evidence with its scope → counterexample → correction and its status
"""
from __future__ import annotations

import json
import textwrap

from ngproof.course.lessons import lesson_of
from ngproof.engine.runner import ClaimResult

_MARKS = {"proved": "✔", "verified": "✓", "refuted": "✗", "inconclusive": "?", "error": "E", "timeout": "T"}
_WIDTH = 100


def _field(label: str, text: str) -> list[str]:
    """``label: text`` wrapped, continuation lines under the text."""
    indent = " " * (len(label) + 4)
    return textwrap.wrap(text, _WIDTH, initial_indent=f"  {label}: ", subsequent_indent=indent,
                         break_long_words=False, break_on_hyphens=False) or [f"  {label}:"]


def where_in_lesson(result: ClaimResult) -> str:
    """``lesson 07-01, "Section" (lessons/07-01.md:14)``: the line when the lesson's text is at hand."""
    claim = result.claim
    lesson = lesson_of(claim)
    place = f'section "{claim.source.section}"'
    if lesson is None:
        return place
    text = f"lesson {lesson.id} ({lesson.title}), {place}"
    if lesson.material is not None and lesson.material.is_file():
        from ngproof.course.material import MaterialError, read
        try:
            line = read(lesson.material).line_of(claim.source.quote, claim.source.section)
        except MaterialError:
            line = None
        text += f", {lesson.material.name}:{line}" if line else f" (quote not found in {lesson.material.name})"
    return text


def _declared(result: ClaimResult) -> str:
    claim = result.claim
    if claim.expect == "false":
        return "the lesson's statement is false as written (a lesson erratum)"
    if claim.expect == "holds-if":
        return f"holds only if {claim.condition} (a lesson erratum: the lesson states it unconditionally)"
    return "holds" + (" (the meaning holds; the wording is loose)" if claim.wording else "")


def _status(result: ClaimResult) -> str:
    verdict = "as declared" if result.outcome == "expected" else f"UNEXPECTED: declared '{result.claim.expect}'"
    when = f"cached result of {result.cached_at}" if result.cached_at else f"run now, {result.seconds:.2f} s"
    return f"{_MARKS[result.status]} {result.status}, {verdict} ({when})"


def _evidence_lines(result: ClaimResult) -> list[str]:
    lines = []
    for evidence in result.evidence:
        head = f"  {_MARKS.get(evidence.status, '?')} {evidence.kind}, {evidence.status}"
        lines.append(head + (f" for {evidence.scope}" if evidence.scope else ""))
        detail = evidence.detail.splitlines()[0] if evidence.detail else ""
        if detail:
            lines.extend(textwrap.wrap(detail, _WIDTH, initial_indent="      ", subsequent_indent="      "))
        if evidence.max_rel_error is not None and evidence.tolerance is not None:
            lines.append(f"      worst relative error {evidence.max_rel_error:.2g} (tolerance {evidence.tolerance:.2g})")
        for step in evidence.steps:
            lines.append(f"      {step.get('label', '')}: {_short(step.get('latex', ''))}")
        if evidence.counterexample:
            lines.append("      counterexample:")
            # the point first (a cached result comes back with its keys sorted)
            for key, value in sorted(evidence.counterexample.items(), key=lambda kv: kv[0] not in ("values", "inputs")):
                shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
                lines.append(f"        {key} = {_short(shown)}")
    return lines


def _short(text: str, width: int = 300) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render(result: ClaimResult, corrections: list[ClaimResult], by_id: dict | None = None) -> str:
    """The claim, its result and the results of the claims that correct it."""
    claim = result.claim
    lines = [f"{claim.id} — {claim.title}", f"  {where_in_lesson(result)}"]
    lines += _field("the lesson says", claim.source.quote)
    lines += _field("statement", claim.statement)
    if claim.reading:
        lines += _field("read as", claim.reading)
    lines += _field("declared", _declared(result))
    if claim.defence:
        lines += _field("best case for the lesson", claim.defence)
    if claim.wording:
        lines += _field("wording", claim.wording)
    if claim.corrects:
        corrected = (by_id or {}).get(claim.corrects)
        lines += _field("corrects", f"{claim.corrects}" + (f" — {corrected.title}" if corrected else ""))
    if claim.depends_on:
        lines += _field("builds on", ", ".join(claim.depends_on))
    lines += ["", f"Status: {_status(result)}", "Evidence:"]
    lines += _evidence_lines(result) or ["  (none)"]
    for correction in corrections:
        lines += ["", f"Corrected by {correction.claim.id} — {correction.claim.title}"]
        lines += _field("statement", correction.claim.statement)
        lines += _field("status", _status(correction))
        lines += [line for line in _evidence_lines(correction) if not line.startswith("      ")]
    if claim.is_erratum and not corrections:
        lines += ["", "No claim of the catalogue corrects it yet (declare one with corrects=...)."]
    return "\n".join(lines) + "\n"
