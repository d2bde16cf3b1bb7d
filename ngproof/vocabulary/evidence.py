"""Evidence a check produced, and how a claim's status and outcome follow from it.

Statuses (contract): proved, verified, refuted, inconclusive, error, timeout.

* ``proved``: at least one sound symbolic proof, and every other piece of
  evidence agrees (verified or proved);
* ``verified``: numeric or example evidence only, all of it agreeing;
* ``refuted``: a counterexample confirmed in high precision or exact arithmetic;
* ``inconclusive``: nothing decided either way (sympy did not reach zero, or a
  numeric failure that high precision did not confirm);
* ``error`` / ``timeout``: the check itself raised, or ran past its limit; also
  contradictory evidence (a ``proved`` and a ``refuted`` piece: one is unsound).

Outcome: a ``holds`` claim is expected when proved or verified; a ``false`` or
``holds-if`` claim (the lesson's statement as written) is expected when refuted.
Anything else is unexpected: CI fails closed.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

STATUSES = ("proved", "verified", "refuted", "inconclusive", "error", "timeout")
KINDS = ("symbolic", "numeric", "example", "counterexample")


@dataclass
class Evidence:
    """One piece of evidence; ``status`` is one of proved/verified/refuted/inconclusive."""

    kind: str
    status: str
    detail: str
    scope: str = ""
    cases: int | None = None
    max_rel_error: float | None = None
    tolerance: float | None = None
    counterexample: dict[str, Any] | None = None
    steps: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def contradiction(evidence: list[Evidence]) -> Evidence | None:
    """An error naming both sides when one claim holds a ``proved`` and a ``refuted`` piece of evidence."""
    proved = [e for e in evidence if e.status == "proved"]
    refuted = [e for e in evidence if e.status == "refuted"]
    if not (proved and refuted):
        return None
    return Evidence("numeric", "error", "contradictory evidence, so one piece is unsound: proved "
                    f"({proved[0].scope or proved[0].detail}) and refuted ({refuted[0].detail})")


def judge_status(evidence: list[Evidence]) -> str:
    """The claim's status from its evidence (see the module docstring)."""
    statuses = {e.status for e in evidence}
    if not evidence:
        return "inconclusive"
    if "error" in statuses or {"proved", "refuted"} <= statuses:
        return "error"
    if "refuted" in statuses:
        return "refuted"
    if statuses <= {"proved", "verified"}:
        return "proved" if "proved" in statuses else "verified"
    return "inconclusive"


def judge_outcome(expect: str, status: str) -> str:
    """``expected`` or ``unexpected``: the status measured against the declaration."""
    wanted = ("proved", "verified") if expect == "holds" else ("refuted",)
    return "expected" if status in wanted else "unexpected"
