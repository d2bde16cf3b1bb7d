"""The core noun: a claim of the lesson, and the registry that collects them.

A claim is what the material says (statement, source, expectation); its body
is a function ``body(c)`` that records evidence on a :class:`ngproof.vocabulary.checks.Checks`.
Declaring a claim never imports sympy or hypothesis.
"""
from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from typing import Callable, Iterator

EXPECTATIONS = ("holds", "false", "holds-if")
_ID = re.compile(r"^[a-z0-9][a-z0-9_.\-]*$")


@dataclass(frozen=True)
class Source:
    """Where the lesson makes the claim: a section heading and a short quote."""

    section: str
    quote: str


@dataclass(frozen=True)
class Claim:
    """One checkable statement of the lesson.

    ``expect`` is the catalogue author's declaration: ``holds``; ``false``;
    or ``holds-if`` (the lesson states it unconditionally, but it is true only
    under ``condition``).  ``corrects`` names the lesson claim that this one
    corrects, if any.

    ``reading`` says how the claim reads the lesson's sentence: the most
    charitable reading its context supports, which is what the check tests.
    An erratum also states ``defence``: the best case for the lesson, and why
    the sentence still fails.  ``wording`` is a note on a sentence whose
    intended meaning holds (and is what the check proves) but whose literal
    form is loose: reported apart, never an erratum, never a failure.
    """

    id: str
    title: str
    statement: str
    source: Source
    body: Callable = field(repr=False, compare=False)
    expect: str = "holds"
    condition: str | None = None
    depends_on: tuple[str, ...] = ()
    corrects: str | None = None
    tags: tuple[str, ...] = ()
    module: str = ""
    timeout: float | None = None
    reading: str = ""
    defence: str = ""
    wording: str | None = None

    def __post_init__(self) -> None:
        if not _ID.match(self.id):
            raise ValueError(f"claim id {self.id!r}: use lower-case letters, digits, '.', '-', '_'")
        if self.expect not in EXPECTATIONS:
            raise ValueError(f"claim {self.id}: expect must be one of {EXPECTATIONS}, not {self.expect!r}")
        if self.expect == "holds-if" and not self.condition:
            raise ValueError(f"claim {self.id}: expect='holds-if' needs a condition")
        if not self.source.section or not self.source.quote:
            raise ValueError(f"claim {self.id}: source needs a section heading and a quote")
        if self.defence and not self.is_erratum:
            raise ValueError(f"claim {self.id}: a defence belongs to an erratum (expect 'false' or 'holds-if')")
        if self.wording is not None and (self.is_erratum or not self.wording.strip()):
            raise ValueError(f"claim {self.id}: a wording note belongs to a 'holds' claim and needs text")

    @property
    def is_erratum(self) -> bool:
        """Declared false or conditional: the lesson's statement as written fails."""
        return self.expect != "holds"

    @property
    def origin(self) -> str:
        """``file:line`` of the declaration (the decorator's line)."""
        code = getattr(self.body, "__code__", None)
        return f"{code.co_filename}:{code.co_firstlineno}" if code else self.module

    @property
    def judgement(self) -> str:
        """``erratum``, ``wording`` (the meaning holds, the literal form is loose) or ``holds``."""
        return "erratum" if self.is_erratum else "wording" if self.wording is not None else "holds"


@dataclass(frozen=True)
class Uncheckable:
    """A passage of the lesson with no checkable content (an opinion, an analogy), and why."""

    source: Source
    reason: str
    module: str = ""


@dataclass(frozen=True)
class Figure:
    """A figure of the lesson for the HTML report: ``draw()`` returns an SVG, or ``(svg, caption)``.

    Build the SVG with :mod:`ngproof.report.svg` (``render(Plot(...))``).  The report draws
    each figure in a child process killed after ``budget`` seconds; a figure that fails or
    overruns is shown as skipped, with the reason.
    """

    id: str
    title: str
    section: str
    draw: Callable = field(repr=False, compare=False)
    module: str = ""
    budget: float = 30.0


_collected: list[Claim | Uncheckable | Figure] | None = None


@contextlib.contextmanager
def collecting() -> Iterator[list[Claim | Uncheckable | Figure]]:
    """Collect the claims, uncheckable passages and figures declared while the block runs."""
    global _collected
    previous, _collected = _collected, []
    try:
        yield _collected
    finally:
        _collected = previous


def claim(
    id: str,
    *,
    title: str,
    statement: str,
    source: tuple[str, str],
    expect: str = "holds",
    condition: str | None = None,
    depends_on: tuple[str, ...] | list[str] = (),
    corrects: str | None = None,
    tags: tuple[str, ...] | list[str] = (),
    timeout: float | None = None,
    reading: str = "",
    defence: str = "",
    wording: str | None = None,
) -> Callable[[Callable], Claim]:
    """Declare a claim; the decorated function ``body(c)`` records its evidence.

    ``source`` is ``(section heading, short quote)`` from the lesson; ``reading``,
    ``defence`` and ``wording`` are described on :class:`Claim`.
    """

    def declare(body: Callable) -> Claim:
        declared = Claim(
            id=id,
            title=title,
            statement=statement,
            source=Source(*source),
            body=body,
            expect=expect,
            condition=condition,
            depends_on=tuple(depends_on),
            corrects=corrects,
            tags=tuple(tags),
            module=body.__module__,
            timeout=timeout,
            reading=reading,
            defence=defence,
            wording=wording,
        )
        if _collected is not None:
            _collected.append(declared)
        return declared

    return declare


def uncheckable(section: str, quote: str, reason: str) -> Uncheckable:
    """List a passage that carries no checkable statement, with the reason (never drop it silently).

    An analogy that is mathematically misleading says why in ``reason``.
    """
    import inspect

    caller = inspect.currentframe().f_back
    passage = Uncheckable(Source(section, quote), reason, caller.f_globals.get("__name__", "") if caller else "")
    if not reason.strip():
        raise ValueError(f"uncheckable passage {quote[:40]!r}: give a reason")
    if _collected is not None:
        _collected.append(passage)
    return passage


def figure(id: str, *, title: str, section: str, budget: float = 30.0) -> Callable[[Callable], Figure]:
    """Declare a figure of the lesson's ``section``; the decorated ``draw()`` returns its SVG (or ``(svg, caption)``)."""
    if not _ID.match(id):
        raise ValueError(f"figure id {id!r}: use lower-case letters, digits, '.', '-', '_'")
    if not budget > 0:
        raise ValueError(f"figure {id}: budget must be positive seconds, not {budget!r}")

    def declare(draw: Callable) -> Figure:
        declared = Figure(id, title, section, draw, draw.__module__, float(budget))
        if _collected is not None:
            _collected.append(declared)
        return declared

    return declare
