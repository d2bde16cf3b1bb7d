"""JUnit XML for CI systems: one test case per claim, grouped by lesson section.

* an expected outcome passes; an expected erratum (a lesson statement declared
  false and refuted) passes too, with a note in ``system-out`` (quote, reading,
  defence, counterexample, correction) and properties; so does a wording note
  (a property ``wording`` and the note, with quote and reading, in ``system-out``);
* an unexpected outcome is a ``failure`` whose message carries the counterexample;
* ``error`` and ``timeout`` statuses, and theorem modules that failed to load,
  are ``error`` test cases.
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime

from ngproof.engine.runner import ClaimResult
from ngproof.engine.verification import Run

_MESSAGE_LIMIT = 2000


def _shorten(text: str, limit: int = _MESSAGE_LIMIT) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _strip_control(text: str) -> str:
    """XML 1.0 forbids most control characters, even escaped."""
    return "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 32)


def explain(result: ClaimResult) -> str:
    """What went wrong, in one paragraph: the status, and every evidence that is not agreement."""
    claim = result.claim
    wanted = "to hold" if claim.expect == "holds" else "to be refuted (declared " + claim.expect + ")"
    lines = [f"{claim.id}: status {result.status}, expected {wanted}"]
    for evidence in result.evidence:
        if evidence.status in ("proved", "verified") and claim.expect == "holds":
            continue
        lines.append(f"{evidence.kind} [{evidence.status}]: {evidence.detail}")
        if evidence.scope:
            lines.append(f"  scope: {evidence.scope}")
        if evidence.counterexample:
            lines.append("  counterexample: " + json.dumps(evidence.counterexample, ensure_ascii=False, default=str))
    return "\n".join(lines)


def _erratum_note(result: ClaimResult, corrected_by: list[str]) -> str:
    """An erratum in a referee's order: quote, reading, defence, counterexample, correction."""
    claim = result.claim
    lines = [f"Lesson erratum (declared {claim.expect}, refuted as expected).", f"Lesson: {claim.source.quote}",
             f"Reading: {claim.reading or '(not stated)'}", f"Defence: {claim.defence or '(not stated)'}"]
    for evidence in result.evidence:
        if evidence.status == "refuted":
            lines.append(f"Counterexample: {evidence.detail}")
            if evidence.counterexample:
                lines.append("  " + json.dumps(evidence.counterexample, ensure_ascii=False, default=str))
    if claim.condition:
        lines.append(f"Holds only if: {claim.condition}")
    lines.append(f"Corrected by: {', '.join(corrected_by) or '(no corrected claim in this run)'}")
    return "\n".join(lines)


def _wording_note(result: ClaimResult) -> str:
    claim = result.claim
    return "\n".join(["Note on wording (the meaning holds; not an erratum).", f"Lesson: {claim.source.quote}",
                      f"Reading: {claim.reading or '(not stated)'}", f"Note: {claim.wording}"])


def _testcase(parent: ET.Element, result: ClaimResult, corrected_by: list[str]) -> str:
    """Append one claim's test case; returns its kind: passed, failure or error."""
    claim = result.claim
    case = ET.SubElement(parent, "testcase", classname=claim.source.section, name=claim.id,
                         time=f"{result.seconds:.3f}")
    properties = ET.SubElement(case, "properties")
    for name, value in (("title", claim.title), ("status", result.status), ("expect", claim.expect),
                        ("outcome", result.outcome), ("judgement", claim.judgement)):
        ET.SubElement(properties, "property", name=name, value=_strip_control(value))
    if getattr(result, "cached_at", None):
        ET.SubElement(properties, "property", name="cached_at", value=result.cached_at)
    if result.status in ("error", "timeout"):
        element = ET.SubElement(case, "error", type=result.status, message=_strip_control(_shorten(explain(result))))
        element.text = _strip_control(explain(result))
        return "error"
    if result.outcome == "unexpected":
        element = ET.SubElement(case, "failure", type=f"unexpected-{result.status}",
                                message=_strip_control(_shorten(explain(result))))
        element.text = _strip_control(explain(result))
        return "failure"
    if claim.is_erratum:
        ET.SubElement(properties, "property", name="erratum", value="true")
        ET.SubElement(case, "system-out").text = _strip_control(_erratum_note(result, corrected_by))
    elif claim.wording is not None:
        ET.SubElement(properties, "property", name="wording", value=_strip_control(claim.wording))
        ET.SubElement(case, "system-out").text = _strip_control(_wording_note(result))
    return "passed"


def render(run: Run) -> str:
    """The run as a JUnit XML document (a ``testsuites`` root with one ``testsuite``)."""
    corrections = run.corrections()
    root = ET.Element("testsuites", name="ngproof")
    suite = ET.SubElement(root, "testsuite", name="ngproof")
    properties = ET.SubElement(suite, "properties")
    for name, value in (("seed", run.seed), ("profile", run.profile), ("version", run.version),
                        ("errata", len(run.errata)), ("wording", len(run.wording_notes))):
        ET.SubElement(properties, "property", name=name, value=str(value))
    counts = {"passed": 0, "failure": 0, "error": 0}
    for result in run.results:
        counts[_testcase(suite, result, corrections.get(result.claim.id, []))] += 1
    for load_error in run.load_errors:
        case = ET.SubElement(suite, "testcase", classname="load", name=load_error.path, time="0")
        ET.SubElement(case, "error", type="load-error", message=_strip_control(_shorten(load_error.message))).text = \
            _strip_control(load_error.message)
        counts["error"] += 1
    if not run.results:
        case = ET.SubElement(suite, "testcase", classname="run", name="claims-run", time="0")
        ET.SubElement(case, "failure", type="nothing-run",
                      message="no claims were run: a run that verifies nothing fails")
        counts["failure"] += 1
    tests = len(run.results) + len(run.load_errors) + (0 if run.results else 1)
    timestamp = _timestamp(run.started)
    for element in (root, suite):
        element.set("tests", str(tests))
        element.set("failures", str(counts["failure"]))
        element.set("errors", str(counts["error"]))
        element.set("skipped", "0")
        element.set("time", f"{run.seconds:.3f}")
    suite.set("timestamp", timestamp)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _timestamp(started: str) -> str:
    """JUnit's timestamp is ISO 8601 without a zone designator."""
    try:
        return datetime.fromisoformat(started).replace(tzinfo=None).isoformat(timespec="seconds")
    except ValueError:
        return started
