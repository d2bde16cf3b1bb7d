"""``-k`` expressions: words over id, title, section and tags; and, or, not, parentheses."""
import pytest

from ngproof.engine.selection import SelectionError, matcher, select
from ngproof.vocabulary.claims import Claim, Source


def make(claim_id, title="t", section="S", tags=()):
    return Claim(claim_id, title, "-", Source(section, "q"), body=lambda c: None, tags=tags)


CLAIMS = [
    make("bernoulli.fisher", title="Fisher of the Bernoulli model", section="Bernoulli Log-Likelihood"),
    make("bernoulli.gradient", section="Bernoulli Log-Likelihood"),
    make("kfac.kronecker-inverse", title="Kronecker inverse", section="K-FAC", tags=("kronecker",)),
    make("damping.limits", title="interpolates", section="Damping and Trust Regions", tags=("fisher",)),
]


def ids(expression):
    return [c.id for c in select(CLAIMS, expression)]


@pytest.mark.parametrize("expression, expected", [
    (None, [c.id for c in CLAIMS]),
    ("", [c.id for c in CLAIMS]),
    ("bernoulli", ["bernoulli.fisher", "bernoulli.gradient"]),
    ("FISHER", ["bernoulli.fisher", "damping.limits"]),             # case-insensitive, tags count
    ("trust", ["damping.limits"]),                                   # section words count
    ("bernoulli and fisher", ["bernoulli.fisher"]),
    ("bernoulli and not fisher", ["bernoulli.gradient"]),
    ("kfac or damping", ["kfac.kronecker-inverse", "damping.limits"]),
    ("not (bernoulli or kfac)", ["damping.limits"]),
    ("(fisher or kronecker) and not bernoulli", ["kfac.kronecker-inverse", "damping.limits"]),
    ("bernoulli or kfac and inverse", ["bernoulli.fisher", "bernoulli.gradient", "kfac.kronecker-inverse"]),
    ("not not kfac", ["kfac.kronecker-inverse"]),
    ("nothing-matches", []),
])
def test_selection(expression, expected):
    assert ids(expression) == expected


def test_and_binds_tighter_than_or():
    assert ids("damping or bernoulli and gradient") == ["bernoulli.gradient", "damping.limits"]


@pytest.mark.parametrize("expression, message", [
    ("   ", "empty"),
    ("and", "expected a word at position 1"),
    ("fisher and", "expected a word at position 3"),
    ("fisher or or kfac", "expected a word at position 3"),
    ("not", "expected a word"),
    ("(fisher", "missing ')'"),
    ("fisher)", "unexpected ')'"),
    ("fisher kfac", "unexpected 'kfac'"),
    ("()", "expected a word"),
])
def test_malformed_expressions_say_what_is_wrong(expression, message):
    with pytest.raises(SelectionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        matcher(expression)
