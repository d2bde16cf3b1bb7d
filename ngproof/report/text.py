"""The report for people: one line per claim grouped by lesson section, errata last."""
from __future__ import annotations

import json

from ngproof.lessons import lesson_id
from ngproof.runner import ClaimResult
from ngproof.verification import Run

MARKS = {"proved": "✔", "verified": "✓", "refuted": "✗", "inconclusive": "?", "error": "E", "timeout": "T"}


def claim_line(result: ClaimResult) -> str:
    """``  ✔ proved      id — title  (0.12 s)``, flagged when the outcome is unexpected."""
    flag = "  << UNEXPECTED" if result.outcome == "unexpected" else ""
    erratum = "  [lesson erratum]" if result.claim.is_erratum and result.outcome == "expected" else ""
    cached = f", cached {result.cached_at}" if result.cached_at else ""
    return (f"  {MARKS[result.status]} {result.status:<12} {result.claim.id} — {result.claim.title}"
            f"  ({result.seconds:.2f} s{cached}){erratum}{flag}")


def cache_lines(run: Run) -> list[str]:
    """Which results the cache supplied and from when, and any damaged entry it found."""
    if run.cache is None:
        return []
    stamps = sorted(r.cached_at for r in run.results if r.cached_at)
    lines = []
    if stamps:
        span = stamps[0] if stamps[0] == stamps[-1] else f"{stamps[0]} to {stamps[-1]}"
        lines.append(f"{len(stamps)} of {len(run.results)} results reused from the cache {run.cache['directory']} "
                     f"(obtained {span}; --no-cache reruns them)")
    rerun = run.cache["rerun"].values()
    if rerun:
        changed: dict[str, int] = {}
        for reason in rerun:
            for part in reason.removeprefix("changed: ").split(", ") if reason.startswith("changed: ") else ():
                changed[part] = changed.get(part, 0) + 1
        counts = [f"{sum(r == 'not in the cache' for r in rerun)} not in the cache",
                  f"{sum(r.startswith('changed: ') for r in rerun)} changed"
                  + (f" ({', '.join(f'{part} {n}' for part, n in sorted(changed.items()))})" if changed else ""),
                  f"{len(run.cache['damaged'])} damaged"]
        lines.append(f"{len(rerun)} run afresh: {', '.join(c for c in counts if not c.startswith('0 '))}")
    for claim_id, reason in run.cache["damaged"].items():
        lines.append(f"cache: damaged entry for {claim_id} ({reason}); the claim was rerun")
    lines.extend(f"cache: {warning}" for warning in run.cache["warnings"])
    return lines


def _counterexample_lines(result: ClaimResult) -> list[str]:
    lines = []
    for evidence in result.evidence:
        if evidence.status in ("refuted", "error", "timeout", "inconclusive"):
            lines.append(f"      {evidence.kind}: {evidence.detail.splitlines()[0] if evidence.detail else ''}")
            if evidence.counterexample:
                text = json.dumps(evidence.counterexample, ensure_ascii=False, default=str)
                lines.append(f"        {text[:400]}{'…' if len(text) > 400 else ''}")
    return lines


def render(run: Run) -> str:
    """The whole text report."""
    lines: list[str] = []
    section = lesson = None
    several = len({lesson_id(r.claim) for r in run.results}) > 1
    for result in run.results:
        if several and lesson_id(result.claim) != lesson:
            lesson, section = lesson_id(result.claim), None
            lines.append(f"\n== lesson {lesson or '(none)'} ==")
        if result.claim.source.section != section:
            section = result.claim.source.section
            lines.append(f"\n{section}")
        lines.append(claim_line(result))
    if run.errata:
        lines.append("\nErrata of the lesson (statements as written that fail; see the corrected claims):")
        corrections = {r.claim.corrects: r.claim.id for r in run.results if r.claim.corrects}
        for result in run.errata:
            fix = corrections.get(result.claim.id)
            lines.append(f"  ✗ {result.claim.id}: {result.claim.title}" + (f"  → corrected by {fix}" if fix else ""))
            if result.claim.condition:
                lines.append(f"      holds only if: {result.claim.condition}")
            lines.extend(_counterexample_lines(result))
    unexpected = [r for r in run.results if r.outcome == "unexpected"]
    if unexpected:
        lines.append("\nUnexpected outcomes:")
        for result in unexpected:
            lines.append(f"  {result.claim.id}: {result.status}, declared '{result.claim.expect}'")
            lines.extend(_counterexample_lines(result))
    for error in run.load_errors:
        lines.append(f"\nLOAD ERROR {error.path}: {error.message}")
    counts = ", ".join(f"{n} {s}" for s, n in run.summary.items() if n)
    lines.append(f"\n{len(run.results)} claim{'' if len(run.results) == 1 else 's'}: {counts or 'none'}; seed {run.seed}, profile {run.profile}, "
                 f"{run.seconds:.1f} s")
    lines.extend(cache_lines(run))
    if run.executor and (run.executor["lost_workers"] or run.executor["retried_claims"]):
        lost, retried = run.executor["lost_workers"], run.executor["retried_claims"]
        lines.append(f"Dask: {lost} worker{'' if lost == 1 else 's'} lost mid-run, {len(retried)} "
                     f"claim{'' if len(retried) == 1 else 's'} retried ({', '.join(retried)})")
    if not run.results:
        lines.append("no claims were run: a run that verifies nothing fails")
    lines.append("FAILED" if run.failed else "OK: every outcome as expected")
    return "\n".join(lines).lstrip("\n") + "\n"
