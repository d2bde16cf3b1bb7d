"""``-k`` expressions, as in pytest: words matched as substrings of a claim's
id, title, section and tags, combined with ``and``, ``or``, ``not`` and parentheses."""
from __future__ import annotations

import re

from ngproof.vocabulary.claims import Claim

_TOKEN = re.compile(r"\(|\)|[^\s()]+")


class SelectionError(ValueError):
    """A ``-k`` expression that cannot be parsed."""


def matcher(expression: str):
    """Compile ``expression`` to a predicate on claims."""
    tokens = _TOKEN.findall(expression)
    if not tokens:
        raise SelectionError("-k expression is empty")
    position = 0

    def peek():
        return tokens[position] if position < len(tokens) else None

    def take():
        nonlocal position
        position += 1
        return tokens[position - 1]

    def disjunction():
        terms = [conjunction()]
        while peek() == "or":
            take()
            terms.append(conjunction())
        return lambda text: any(t(text) for t in terms)

    def conjunction():
        terms = [negation()]
        while peek() == "and":
            take()
            terms.append(negation())
        return lambda text: all(t(text) for t in terms)

    def negation():
        if peek() == "not":
            take()
            inner = negation()
            return lambda text: not inner(text)
        return atom()

    def atom():
        token = peek()
        if token is None or token in (")", "and", "or"):
            raise SelectionError(f"-k expression {expression!r}: expected a word at position {position + 1}")
        take()
        if token == "(":
            inner = disjunction()
            if peek() != ")":
                raise SelectionError(f"-k expression {expression!r}: missing ')'")
            take()
            return inner
        word = token.lower()
        return lambda text: word in text

    predicate = disjunction()
    if position != len(tokens):
        raise SelectionError(f"-k expression {expression!r}: unexpected {tokens[position]!r}")

    def matches(claim: Claim) -> bool:
        return predicate(" ".join((claim.id, claim.title, claim.source.section, *claim.tags)).lower())

    return matches


def select(claims: list[Claim], expression: str | None) -> list[Claim]:
    """The claims matching ``expression`` (all when it is None)."""
    if not expression:
        return list(claims)
    matches = matcher(expression)
    return [c for c in claims if matches(c)]
