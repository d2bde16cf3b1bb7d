"""Where a claim sits in the file its author edits: the lesson file and line of its quote.

The lesson file is the ``material`` its ``lesson.toml`` names; the line is that of
the passage holding the quote, found as ``coverage`` finds it (whitespace and LaTeX
spacing ignored, the claim's own section preferred), else the line of the section's
heading.  A claim outside any lesson, or whose lesson names no material, is placed
at its body in the theorem module.  (Seam: once lesson parsing gives each passage
its file and line, :func:`line_of_quote` reads them from there.)
"""
from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ngproof.claims import Claim
from ngproof.lessons import lesson_of


@dataclass(frozen=True)
class Place:
    """A file (relative to ``base`` when under it, in POSIX form) and a 1-based line."""

    path: str
    line: int


@functools.lru_cache(maxsize=16)
def _parsed(path: Path, stamp: float):
    from ngproof.coverage import split_passages

    text = path.read_text(encoding="utf-8")
    return text, *split_passages(text)


def _occurrences(text: str, quote: str) -> list[int]:
    """Where ``quote`` starts in ``text``, whitespace (a line break of a hard wrap too) counting as any whitespace."""
    words = quote.split()
    if not words:
        return []
    pattern = r"\s+".join(re.escape(word) for word in words)
    return [match.start() for match in re.finditer(pattern, text)]


def line_of_quote(path: Path, section: str, quote: str) -> int | None:
    """The 1-based line of ``quote`` (under ``section`` if it can) in the lesson file ``path``, or None."""
    from ngproof.coverage import locate

    try:
        text, passages, headings = _parsed(path, path.stat().st_mtime)
    except (OSError, UnicodeDecodeError):
        return None
    citation = locate(text, passages, headings, "", "claim", section, quote)
    if citation.passages:
        chosen = passages[citation.passages[0]]  # the passage coverage matched, its own section preferred
        offset = next((at for at in _occurrences(text, quote) if at < chosen.end and at + len(quote) > chosen.start),
                      chosen.start)
    else:
        offset = next((h.start for h in headings if h.text == section), None)
        if offset is None:
            return None
    return text.count("\n", 0, offset) + 1


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
