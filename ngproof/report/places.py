"""Where a claim sits in the file its author edits: the lesson file and line of its quote.

The lesson file is the ``material`` its ``lesson.toml`` names; the line is that of
the passage holding the quote, found as ``coverage`` finds it (whitespace and LaTeX
spacing ignored, the claim's own section preferred), else the line of the section's
heading.  A claim outside any lesson, or whose lesson names no material, is placed
at its body in the theorem module.  Lines come from the lesson parser
(:mod:`ngproof.course.material`), the one ``init`` and ``coverage`` use.
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from ngproof.course.lessons import lesson_of
from ngproof.vocabulary.claims import Claim


@dataclass(frozen=True)
class Place:
    """A file (relative to ``base`` when under it, in POSIX form) and a 1-based line."""

    path: str
    line: int


@functools.lru_cache(maxsize=16)
def _material(path: Path, stamp: float):
    from ngproof.course.material import read

    return read(path)


def line_of_quote(path: Path, section: str, quote: str) -> int | None:
    """The 1-based line of ``quote`` (under ``section`` if it can) in the lesson file ``path``, or None."""
    from ngproof.course.material import MaterialError

    try:
        material = _material(path, path.stat().st_mtime)
    except (OSError, MaterialError):
        return None
    line = material.line_of(quote, section)
    return line if line is not None else section_line(path, section)


def section_line(path: Path, section: str) -> int | None:
    """The 1-based line of the heading ``section`` in the lesson file ``path``, or None."""
    from ngproof.course.material import MaterialError

    try:
        material = _material(path, path.stat().st_mtime)
    except (OSError, MaterialError):
        return None
    return next((h.line for h in material.headings if h.text == section), None)


def _shown(path: Path, base: Path) -> str:
    path = path.resolve()
    return path.relative_to(base).as_posix() if path.is_relative_to(base) else path.as_posix()


def place(claim: Claim, base: Path | None = None) -> Place:
    """Where to point the author at ``claim``; ``base``: the repository root (default: the working directory)."""
    base = (base or Path(os.environ.get("GITHUB_WORKSPACE") or Path.cwd())).resolve()
    lesson = lesson_of(claim)
    if lesson is not None and lesson.material is not None and lesson.material.is_file():
        line = line_of_quote(lesson.material, claim.source.section, claim.source.quote)
        return Place(_shown(lesson.material, base), line or 1)
    code = getattr(claim.body, "__code__", None)
    if code is None:
        return Place(claim.module or claim.id, 1)
    return Place(_shown(Path(code.co_filename), base), code.co_firstlineno)
