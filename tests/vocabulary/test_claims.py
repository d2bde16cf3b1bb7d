"""Declaring claims: validation of the declaration, collection while a module loads."""
import pytest

from ngproof import claim, uncheckable
from ngproof.vocabulary.claims import Claim, Source, Uncheckable, collecting

SOURCE = ("Damping and Trust Regions", "We add damping")


def declare(**overrides):
    fields = dict(title="t", statement="s", source=SOURCE)
    claim_id = overrides.pop("id", "damping.limits")
    fields.update(overrides)
    return claim(claim_id, **fields)(lambda c: None)


def test_decorator_builds_the_claim():
    declared = declare(expect="holds-if", condition="λ > 0", depends_on=["a.b"], tags=["x"], corrects="c.d",
                       timeout=5)
    assert isinstance(declared, Claim)
    assert declared.source == Source(*SOURCE)
    assert (declared.depends_on, declared.tags, declared.timeout) == (("a.b",), ("x",), 5)
    assert declared.is_erratum and not declare().is_erratum
    assert declared.module == __name__


@pytest.mark.parametrize("overrides, message", [
    ({"id": "Has Spaces"}, "lower-case"),
    ({"id": ".leading-dot"}, "lower-case"),
    ({"expect": "maybe"}, "expect must be one of"),
    ({"expect": "holds-if"}, "needs a condition"),
    ({"source": ("", "quote")}, "section heading and a quote"),
    ({"source": ("Section", "")}, "section heading and a quote"),
])
def test_invalid_declarations_are_rejected(overrides, message):
    with pytest.raises(ValueError, match=message):
        declare(**overrides)


def test_collecting_gathers_claims_and_passages_and_nests():
    with collecting() as outer:
        first = declare(id="a.one")
        with collecting() as inner:
            second = declare(id="a.two")
        passage = uncheckable("Pitfalls", "an analogy", "an analogy, nothing to compute")
    assert outer == [first, passage] and inner == [second]
    assert isinstance(passage, Uncheckable) and passage.module == __name__


def test_declaring_outside_collection_collects_nothing():
    assert declare(id="a.free").id == "a.free"


def test_uncheckable_needs_a_reason():
    with pytest.raises(ValueError, match="give a reason"):
        uncheckable("Pitfalls", "quote", "  ")
