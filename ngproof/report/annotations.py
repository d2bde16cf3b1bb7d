"""GitHub Actions workflow commands: each finding as an annotation on the lesson file's line.

``::warning file=material/03-01.md,line=42,title=...::message``; GitHub shows it on
that line of the pull request's diff and in the run's summary.  Data is escaped as
the runner expects (``%``, CR and LF; in properties also ``:`` and ``,``).
"""
from __future__ import annotations

from pathlib import Path

from ngproof.engine.verification import Run
from ngproof.report.findings import findings


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(run: Run, base: Path | None = None) -> str:
    """One workflow command per finding (empty when there is nothing to say)."""
    return "".join(f"::{f.level} file={_property(f.place.path)},line={f.place.line},title={_property(f.title)}"
                   f"::{_data(f.message)}\n" for f in findings(run, base))
