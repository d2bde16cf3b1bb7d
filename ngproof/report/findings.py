"""What a run has to tell the author of the lesson, each at its place: errata, wording notes, unexpected outcomes.

* ``error``: an unexpected outcome (the catalogue or the lesson changed; CI fails);
* ``warning``: an erratum, a statement of the lesson refuted as declared;
* ``notice``: a wording note, a statement whose meaning holds but whose literal form is loose.

Workflow annotations (:mod:`ngproof.report.annotations`) and SARIF
(:mod:`ngproof.report.sarif`) render the same list.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ngproof.engine.runner import ClaimResult
from ngproof.engine.verification import Run
from ngproof.report.places import Place, place

LEVELS = ("error", "warning", "notice")
RULES = {"error": "unexpected-outcome", "warning": "erratum", "notice": "wording"}


@dataclass(frozen=True)
class Finding:
    """One thing to show the author: its level, the claim, a title, the message and where."""

    level: str
    claim_id: str
    title: str
    message: str
    place: Place

    @property
    def rule(self) -> str:
        return RULES[self.level]


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def _erratum(result: ClaimResult, corrected_by: str | None) -> str:
    claim = result.claim
    parts = [f"Lesson erratum: {claim.title}. The lesson says: {claim.source.quote}"]
    if claim.condition:
        parts.append(f"It holds only if {claim.condition}.")
    refuting = next((e for e in result.evidence if e.status == "refuted"), None)
    if refuting is not None and refuting.detail:
        parts.append(f"Counterexample: {_first_line(refuting.detail)}")
    if corrected_by:
        parts.append(f"Corrected by claim {corrected_by}.")
    return " ".join(parts)


def _unexpected(result: ClaimResult) -> str:
    claim = result.claim
    declared = "to hold" if claim.expect == "holds" else f"declared {claim.expect}"
    lines = [f"{claim.title}: status {result.status}, expected {declared}."]
    lines += [f"{e.kind} [{e.status}]: {_first_line(e.detail)}" for e in result.evidence
              if e.status not in ("proved", "verified") or claim.expect != "holds"]
    return "\n".join(lines)


def findings(run: Run, base: Path | None = None) -> list[Finding]:
    """Every finding of ``run``, unexpected outcomes first, then errata, then wording notes."""
    corrections = {r.claim.corrects: r.claim.id for r in run.results if r.claim.corrects}
    found = []
    for result in run.results:
        claim = result.claim
        if result.outcome == "unexpected":
            found.append(Finding("error", claim.id, f"ngproof: {claim.id} unexpected", _unexpected(result),
                                 place(claim, base)))
        elif claim.judgement == "erratum" and result.status == "refuted":
            found.append(Finding("warning", claim.id, f"ngproof: lesson erratum ({claim.id})",
                                 _erratum(result, corrections.get(claim.id)), place(claim, base)))
        elif claim.judgement == "wording":
            found.append(Finding("notice", claim.id, f"ngproof: wording ({claim.id})",
                                 f"{claim.title}: the statement holds as meant; its wording is loose. {claim.wording}",
                                 place(claim, base)))
    return sorted(found, key=lambda f: LEVELS.index(f.level))
