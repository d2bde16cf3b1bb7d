"""The report for people at a console: what needs attention first, detail on request.

Default: the summary and the verdict, the unexpected outcomes and load errors,
then one line per erratum of the lesson and one per note on wording.
``verbose`` adds each erratum as a referee would write it (the lesson's sentence,
how it was read, the best case for it, the counterexample, the correction),
each wording note with its sentence and reading, and one line per claim,
section by section.
"""
from __future__ import annotations

import json
import textwrap

from ngproof.course.lessons import lesson_id
from ngproof.engine.runner import ClaimResult
from ngproof.engine.verification import Run

MARKS = {"proved": "✔", "verified": "✓", "refuted": "✗", "inconclusive": "?", "error": "E", "timeout": "T"}
WIDTH = 110          # wrap prose fields of the detail at this many columns
_LABEL = 17          # width of the labels of an erratum's detail ("counterexample: ")
_NOT_STATED = "(not stated in the catalogue)"


def claim_line(result: ClaimResult) -> str:
    """``  ✔ proved      id — title  (0.12 s)``, flagged when the outcome is unexpected."""
    flag = "  << UNEXPECTED" if result.outcome == "unexpected" else ""
    judged = {"erratum": "  [lesson erratum]", "wording": "  [wording note]"}.get(result.claim.judgement, "")
    note = judged if result.outcome == "expected" else ""
    cached = f", cached {result.cached_at}" if result.cached_at else ""
    return (f"  {MARKS[result.status]} {result.status:<12} {result.claim.id} — {result.claim.title}"
            f"  ({result.seconds:.2f} s{cached}){note}{flag}")


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


def _evidence_lines(result: ClaimResult, statuses: tuple[str, ...], indent: str, kind: bool = True) -> list[str]:
    """The first line of each evidence with one of ``statuses`` (after its kind), and its numbers (cut at 400)."""
    lines = []
    for evidence in result.evidence:
        if evidence.status in statuses:
            first = evidence.detail.splitlines()[0] if evidence.detail else ""
            lines.append(f"{indent}{evidence.kind}: {first}" if kind else f"{indent}{first}")
            if evidence.counterexample:
                text = json.dumps(evidence.counterexample, ensure_ascii=False, default=str)
                lines.append(f"{indent}  {text[:400]}{'…' if len(text) > 400 else ''}")
    return lines


def _field(label: str, text: str) -> list[str]:
    """``      label:   text``, the text wrapped under itself."""
    head = f"      {label + ':':<{_LABEL}}"
    return textwrap.wrap(" ".join(text.split()), WIDTH, initial_indent=head,
                         subsequent_indent=" " * len(head)) or [head.rstrip()]


def _cited(claim) -> list[str]:
    """The lesson's sentence (with its section) and how the claim reads it."""
    return [*_field("lesson says", f"“{claim.source.quote}” ({claim.source.section})"),
            *_field("reading", claim.reading or _NOT_STATED)]


def summary_lines(run: Run) -> list[str]:
    """The counts, the errata and wording notes, what the cache did, and the verdict."""
    counts = ", ".join(f"{n} {s}" for s, n in run.summary.items() if n)
    judged = f"; {len(run.errata)} errata of the lesson, {len(run.wording_notes)} wording notes"
    lines = [f"{len(run.results)} claim{'' if len(run.results) == 1 else 's'}: {counts or 'none'}{judged}; "
             f"seed {run.seed}, profile {run.profile}, {run.seconds:.1f} s"]
    lines.extend(cache_lines(run))
    if run.executor and (run.executor["lost_workers"] or run.executor["retried_claims"]):
        lost, retried = run.executor["lost_workers"], run.executor["retried_claims"]
        lines.append(f"Dask: {lost} worker{'' if lost == 1 else 's'} lost mid-run, {len(retried)} "
                     f"claim{'' if len(retried) == 1 else 's'} retried ({', '.join(retried)})")
    if not run.results:
        lines.append("no claims were run: a run that verifies nothing fails")
    lines.append("FAILED" if run.failed else "OK: every outcome as expected")
    return lines


def attention_lines(run: Run) -> list[str]:
    """Unexpected outcomes with the evidence that disagrees, and theorem modules that failed to load."""
    unexpected = [r for r in run.results if r.outcome == "unexpected"]
    lines = [f"\nUnexpected outcomes ({len(unexpected)}):"] if unexpected else []
    for result in unexpected:
        lines.append(f"  {result.claim.id}: {result.status}, declared '{result.claim.expect}' — {result.claim.title}")
        lines.extend(_evidence_lines(result, ("refuted", "error", "timeout", "inconclusive"), "      "))
    lines.extend(f"\nLOAD ERROR {error.path}: {error.message}" for error in run.load_errors)
    return lines


def erratum_lines(result: ClaimResult, corrections: list[ClaimResult]) -> list[str]:
    """One erratum in a referee's order: quote, reading, defence, counterexample, correction."""
    claim = result.claim
    lines = [f"  ✗ {claim.id}: {claim.title}", *_cited(claim), *_field("defence", claim.defence or _NOT_STATED)]
    refutations = _evidence_lines(result, ("refuted",), " " * (6 + _LABEL), kind=False)
    lines.extend([f"      {'counterexample:':<{_LABEL}}{refutations[0].lstrip()}", *refutations[1:]] if refutations
                 else _field("counterexample", "(none recorded)"))
    if claim.condition:
        lines.extend(_field("holds only if", claim.condition))
    for fix in corrections:
        lines.extend(_field("corrected by", f"{fix.claim.id} ({fix.status}): {fix.claim.title}"))
    if not corrections:
        lines.extend(_field("corrected by", "(no corrected claim in this run)"))
    return lines


def errata_lines(run: Run, verbose: bool) -> list[str]:
    """The errata refuted as declared: one line each, or (verbose) each in full."""
    if not run.errata:
        return []
    by_id = {r.claim.id: r for r in run.results}
    corrections = run.corrections()
    lines = [f"\nErrata of the lesson ({len(run.errata)}): statements as written that fail"
             + ("" if verbose else "; -v shows quote, reading, defence, counterexample, correction")]
    for result in run.errata:
        fixes = corrections.get(result.claim.id, [])
        if verbose:
            lines.extend(erratum_lines(result, [by_id[f] for f in fixes]))
        else:
            lines.append(f"  ✗ {result.claim.id}: {result.claim.title}"
                         + (f"  → corrected by {', '.join(fixes)}" if fixes else ""))
    return lines


def wording_lines(run: Run, verbose: bool) -> list[str]:
    """Notes on wording: the intended meaning holds, the literal sentence is loose (not errata)."""
    if not run.wording_notes:
        return []
    lines = [f"\nNotes on wording ({len(run.wording_notes)}): the meaning holds, the literal sentence is loose; "
             "not errata"]
    for result in run.wording_notes:
        claim = result.claim
        if verbose:
            lines.extend([f"  ≈ {claim.id}: {claim.title}", *_cited(claim), *_field("note", claim.wording)])
        else:
            lines.append("  " + textwrap.shorten(f"≈ {claim.id}: {claim.wording}", WIDTH - 2, placeholder=" …"))
    return lines


def claim_lines(run: Run) -> list[str]:
    """One line per claim, under its section (and lesson, when the run spans several)."""
    lines = ["\nClaims, section by section:"]
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
    return lines


def render(run: Run, *, verbose: bool = False) -> str:
    """The whole console report: summary first, then what needs attention, errata, wording notes."""
    lines = [*summary_lines(run), *attention_lines(run), *errata_lines(run, verbose), *wording_lines(run, verbose)]
    if verbose and run.results:
        lines.extend(claim_lines(run))
    elif run.results:
        lines.append("\n(-v/--verbose: every claim's line, and each erratum and wording note in full)")
    return "\n".join(lines) + "\n"
