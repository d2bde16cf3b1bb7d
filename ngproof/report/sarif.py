"""The findings as a SARIF 2.1.0 log, for code-scanning tools.

One run of the tool ``ngproof`` with three rules (``unexpected-outcome``: error,
``erratum``: warning, ``wording``: note), one result per finding located at the
lesson file's line, and a partial fingerprint (the claim id) so that a result is
tracked across runs as the lesson's lines move.
"""
from __future__ import annotations

import json
from pathlib import Path

import ngproof
from ngproof.engine.verification import Run
from ngproof.report.findings import RULES, findings

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {"error": "error", "warning": "warning", "notice": "note"}
_RULE_TEXT = {
    "unexpected-outcome": "A claim's outcome is not the one its author declared",
    "erratum": "A statement of the lesson is false or holds only under a condition",
    "wording": "A statement holds as meant but its literal wording is loose",
}


def _uri(path: str) -> str:
    """A relative path as it is (relative to the repository root), an absolute one as a file:// URI."""
    return Path(path).as_uri() if Path(path).is_absolute() else path


def log(run: Run, base: Path | None = None) -> dict:
    """The SARIF log as a JSON-ready dict."""
    rules = list(RULES.values())
    results = [{
        "ruleId": f.rule,
        "ruleIndex": rules.index(f.rule),
        "level": _SARIF_LEVEL[f.level],
        "message": {"text": f.message},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(f.place.path)},
                                            "region": {"startLine": f.place.line}}}],
        "partialFingerprints": {"ngproofClaim/v1": f.claim_id},
        "properties": {"claim": f.claim_id},
    } for f in findings(run, base)]
    driver = {"name": "ngproof", "version": ngproof.__version__, "rules": [
        {"id": rule, "shortDescription": {"text": _RULE_TEXT[rule]},
         "defaultConfiguration": {"level": _SARIF_LEVEL[level]}} for level, rule in RULES.items()]}
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [{"tool": {"driver": driver}, "results": results}]}


def render(run: Run, base: Path | None = None) -> str:
    """The SARIF log as JSON text."""
    return json.dumps(log(run, base), indent=2, ensure_ascii=False) + "\n"
