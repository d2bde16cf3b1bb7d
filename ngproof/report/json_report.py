"""The JSON report (contract fields of DESIGN.md, plus environment, errata and wording notes).

Each claim carries its ``judgement`` (``erratum``, ``wording`` or ``holds``, as
declared) with ``reading``, ``defence`` and ``wording`` (a string, or null when
not declared); the summary adds ``errata`` (errata refuted as declared) and
``wording`` (wording notes whose claim holds as declared) to the status counts.
"""
from __future__ import annotations

import json
import math

from ngproof.course.lessons import lesson_id, lesson_of
from ngproof.engine.runner import ClaimResult
from ngproof.engine.verification import Run, environment

SCHEMA_VERSION = 1


def claim_record(result: ClaimResult, fully_proved: bool) -> dict:
    """One claim as the contract describes it."""
    claim = result.claim
    return {
        "id": claim.id,
        "lesson": lesson_id(claim),
        "title": claim.title,
        "statement": claim.statement,
        "source": {"section": claim.source.section, "quote": claim.source.quote},
        "expect": claim.expect,
        "condition": claim.condition,
        "judgement": claim.judgement,
        "reading": claim.reading or None,
        "defence": claim.defence or None,
        "wording": claim.wording,
        "status": result.status,
        "outcome": result.outcome,
        "fully_proved": fully_proved,
        "corrects": claim.corrects,
        "depends_on": list(claim.depends_on),
        "tags": list(claim.tags),
        "seconds": round(result.seconds, 4),
        "cached_at": result.cached_at,
        "output": result.output,
        "evidence": [e.to_dict() for e in result.evidence],
    }


def lessons(run: Run) -> list[dict]:
    """Each lesson the run covers, with its counts (one combined report for a course)."""
    rows: dict[str, dict] = {}
    for result in run.results:
        lesson = lesson_of(result.claim)
        if lesson is None:
            continue
        row = rows.setdefault(lesson.id, {"id": lesson.id, "title": lesson.title,
                                          "material": str(lesson.material) if lesson.material else None,
                                          "claims": 0, "unexpected": 0})
        row["claims"] += 1
        row["unexpected"] += result.outcome == "unexpected"
    return list(rows.values())


def report(run: Run) -> dict:
    """The whole run as a JSON-ready dict."""
    fully = run.fully_proved()
    return {
        "schema": SCHEMA_VERSION,
        "version": run.version,
        "seed": run.seed,
        "profile": run.profile,
        "seconds": round(run.seconds, 3),
        "started": run.started,
        "environment": environment(),
        "cache": run.cache,
        "executor": run.executor,
        "summary": {**run.summary, "errata": len(run.errata), "wording": len(run.wording_notes)},
        "errata": [r.claim.id for r in run.errata],
        "wording": [r.claim.id for r in run.wording_notes],
        "load_errors": [{"path": e.path, "message": e.message} for e in run.load_errors],
        "uncheckable": [{"section": u.source.section, "quote": u.source.quote, "reason": u.reason}
                        for u in run.uncheckable],
        "lessons": lessons(run),
        "claims": [claim_record(r, r.claim.id in fully) for r in run.results],
    }


def _strict(value):
    """JSON has no NaN or infinity: write them as the strings 'nan', 'inf', '-inf'."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {key: _strict(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_strict(item) for item in value]
    return value


def render(run: Run) -> str:
    """The JSON text of the report (strict JSON: parsers outside Python reject NaN)."""
    return json.dumps(_strict(report(run)), indent=2, ensure_ascii=False, default=str, allow_nan=False) + "\n"
