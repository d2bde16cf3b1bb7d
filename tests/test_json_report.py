"""The JSON report holds the contract of DESIGN.md: its fields, their types and their enums."""
import copy
import json

import pytest

from ngproof.engine.verification import verify
from ngproof.report.json_report import render
from ngproof.vocabulary.evidence import judge_outcome

STATUSES = {"proved", "verified", "refuted", "inconclusive", "error", "timeout"}
KINDS = {"symbolic", "numeric", "example", "counterexample"}
NUMBER = (int, float)
NON_FINITE = {"nan", "inf", "-inf"}  # how the report spells what JSON cannot
OPTIONAL_STR = (str, type(None))


class ContractError(AssertionError):
    """The report breaks the contract."""


def require(record: dict, field: str, types, where: str):
    if field not in record:
        raise ContractError(f"{where}: missing '{field}'")
    value = record[field]
    if not isinstance(value, types) or isinstance(value, bool):  # no contract field is a boolean
        raise ContractError(f"{where}.{field}: {type(value).__name__} {value!r}")
    return value


def one_of(value, allowed, where: str):
    if value not in allowed:
        raise ContractError(f"{where}: {value!r} is not one of {sorted(allowed)}")


def validate(report: dict) -> None:
    """Raise ContractError unless ``report`` has the contract's fields, types and enums."""
    require(report, "version", str, "report")
    require(report, "seed", int, "report")
    one_of(require(report, "profile", str, "report"), {"ci", "dev", "thorough"}, "report.profile")
    require(report, "seconds", NUMBER, "report")
    summary = require(report, "summary", dict, "report")
    for key in [*STATUSES, "unexpected", "errata", "wording"]:
        require(summary, key, int, "summary")
    claims = require(report, "claims", list, "report")
    for claim in claims:
        where = f"claim {claim.get('id')}"
        for field in ("id", "title", "statement"):
            require(claim, field, str, where)
        source = require(claim, "source", dict, where)
        require(source, "section", str, f"{where}.source")
        require(source, "quote", str, f"{where}.source")
        expect = require(claim, "expect", str, where)
        one_of(expect, {"holds", "false", "holds-if"}, f"{where}.expect")
        require(claim, "condition", OPTIONAL_STR, where)
        judgement = require(claim, "judgement", str, where)
        one_of(judgement, {"erratum", "wording", "holds"}, f"{where}.judgement")
        if (judgement == "erratum") != (expect != "holds"):
            raise ContractError(f"{where}: judgement {judgement} does not follow from expect {expect}")
        for field in ("reading", "defence", "wording"):
            require(claim, field, OPTIONAL_STR, where)
        if (claim["wording"] is not None) != (judgement == "wording"):
            raise ContractError(f"{where}: a wording note makes judgement 'wording', and only it")
        if claim["defence"] is not None and judgement != "erratum":
            raise ContractError(f"{where}: a defence belongs to an erratum")
        status = require(claim, "status", str, where)
        one_of(status, STATUSES, f"{where}.status")
        one_of(require(claim, "outcome", str, where), {"expected", "unexpected"}, f"{where}.outcome")
        if claim["outcome"] != judge_outcome(expect, status):
            raise ContractError(f"{where}: outcome {claim['outcome']} does not follow from {expect}/{status}")
        require(claim, "corrects", OPTIONAL_STR, where)
        if not all(isinstance(d, str) for d in require(claim, "depends_on", list, where)):
            raise ContractError(f"{where}.depends_on: not a list of ids")
        require(claim, "seconds", NUMBER, where)
        evidence = require(claim, "evidence", list, where)
        if not evidence:
            raise ContractError(f"{where}: no evidence")
        for piece in evidence:
            one_of(require(piece, "kind", str, f"{where}.evidence"), KINDS, f"{where}.evidence.kind")
            one_of(require(piece, "status", str, f"{where}.evidence"), STATUSES, f"{where}.evidence.status")
            require(piece, "detail", str, f"{where}.evidence")
            require(piece, "cases", (int, type(None)), f"{where}.evidence")
            error = require(piece, "max_rel_error", (*NUMBER, str, type(None)), f"{where}.evidence")
            if isinstance(error, str):
                one_of(error, NON_FINITE, f"{where}.evidence.max_rel_error")
            require(piece, "counterexample", (dict, type(None)), f"{where}.evidence")
    counted = {s: sum(c["status"] == s for c in claims) for s in STATUSES}
    counted["unexpected"] = sum(c["outcome"] == "unexpected" for c in claims)
    counted["errata"] = sum(c["judgement"] == "erratum" and c["status"] == "refuted" for c in claims)
    counted["wording"] = sum(c["judgement"] == "wording" and c["outcome"] == "expected" for c in claims)
    if {k: summary[k] for k in counted} != counted:
        raise ContractError(f"summary {summary} does not count the claims {counted}")


EVERY_STATUS = {"01_all.py": '''
    p = sp.Symbol("p", positive=True)

    @claim("j.proved", title="proved", statement="s", source=("S", "q"), reading="x(x+1) expanded",
           wording="says 'equal' for 'equal after expanding'")
    def _(c):
        c.prove(x * (x + 1), x**2 + x, scope="all real x")
        c.fuzz(lambda v: close(v * (v + 1), v**2 + v, cond=1 + v**2), reals(-3, 3), scope="v in [-3, 3]")

    @claim("j.verified", title="verified", statement="s", source=("S", "q"), depends_on=("j.proved",))
    def _(c):
        c.example("σ(1/2)", 1 / (1 + sp.exp(-sp.Rational(1, 2))), "0.622")

    @claim("j.refuted", title="refuted", statement="s", source=("S", "q"), expect="holds-if", condition="x = 0",
           reading="the square of x + 1 for every real x", defence="true at x = 0, but only there")
    def _(c):
        c.counterexample({x: 2}, (x + 1) ** 2, x**2 + 1, detail="x = 2")

    @claim("j.corrected", title="corrected", statement="s", source=("S", "q"), corrects="j.refuted")
    def _(c):
        c.prove((x + 1) ** 2, x**2 + 2 * x + 1, scope="all real x")

    @claim("j.inconclusive", title="inconclusive", statement="s", source=("S", "q"))
    def _(c):
        c.prove(sp.atan(p) + sp.atan(1 / p), sp.pi / 2, scope="p > 0")

    @claim("j.error", title="error", statement="s", source=("S", "q"))
    def _(c):
        raise ValueError("bad input")

    @claim("j.timeout", title="timeout", statement="s", source=("S", "q"), timeout=1)
    def _(c):
        time.sleep(60)

    @claim("j.nan", title="a kernel returning NaN", statement="s", source=("S", "q"))
    def _(c):
        c.fuzz(lambda v: close(np.array([np.nan, v]), np.array([1.0, v])), reals(1, 2), scope="v in [1, 2]")
'''}


def strict_json(text: str):
    """Parse as a parser outside Python would: NaN and Infinity are not JSON."""
    def reject(constant):
        raise ContractError(f"{constant} is not JSON")
    return json.loads(text, parse_constant=reject)


@pytest.fixture(scope="module")
def report(write_catalogue):
    run = verify([write_catalogue(EVERY_STATUS)], jobs=2, seed=11)
    return strict_json(render(run))


def test_report_meets_the_contract(report):
    validate(report)
    assert report["seed"] == 11 and report["profile"] == "ci"
    assert {c["status"] for c in report["claims"]} == STATUSES


def test_non_finite_numbers_are_spelled_out(report):
    [evidence] = next(c for c in report["claims"] if c["id"] == "j.nan")["evidence"]
    assert evidence["max_rel_error"] == "inf" and evidence["counterexample"]["computed"] == ["nan", 1.0]


def test_report_carries_the_claim_declarations(report):
    by_id = {c["id"]: c for c in report["claims"]}
    assert by_id["j.corrected"]["corrects"] == "j.refuted"
    assert by_id["j.refuted"]["condition"] == "x = 0" and by_id["j.refuted"]["expect"] == "holds-if"
    assert by_id["j.verified"]["depends_on"] == ["j.proved"]
    assert report["errata"] == ["j.refuted"] and report["wording"] == ["j.proved"]
    assert by_id["j.refuted"]["judgement"] == "erratum" and by_id["j.proved"]["judgement"] == "wording"
    assert by_id["j.refuted"]["reading"] == "the square of x + 1 for every real x"
    assert by_id["j.refuted"]["defence"] == "true at x = 0, but only there"
    assert by_id["j.proved"]["wording"] == "says 'equal' for 'equal after expanding'"
    assert by_id["j.corrected"]["judgement"] == "holds"
    assert by_id["j.corrected"]["reading"] is None and by_id["j.corrected"]["wording"] is None
    assert report["summary"]["errata"] == 1 and report["summary"]["wording"] == 1
    numeric = by_id["j.proved"]["evidence"][1]
    assert numeric["kind"] == "numeric" and numeric["cases"] > 0 and numeric["max_rel_error"] >= 0


@pytest.mark.parametrize("damage", [
    lambda r: r.pop("seed"),
    lambda r: r.update(profile="quick"),
    lambda r: r["summary"].pop("timeout"),
    lambda r: r["summary"].update(proved=r["summary"]["proved"] + 1),
    lambda r: r["summary"].update(errata=0),
    lambda r: r["summary"].pop("wording"),
    lambda r: r["claims"][0].update(judgement="fine"),
    lambda r: r["claims"][0].update(wording=None),
    lambda r: r["claims"][0].update(reading=3),
    lambda r: r["claims"][0].update(status="fine"),
    lambda r: r["claims"][0].update(outcome="unexpected"),
    lambda r: r["claims"][0]["source"].pop("quote"),
    lambda r: r["claims"][0].update(depends_on="j.proved"),
    lambda r: r["claims"][0]["evidence"][0].update(kind="guess"),
    lambda r: r["claims"][0]["evidence"][0].update(cases="many"),
    lambda r: r["claims"][0]["evidence"][0].update(max_rel_error="small"),
    lambda r: r["claims"][0].update(evidence=[]),
])
def test_validator_rejects_a_broken_report(report, damage):
    broken = copy.deepcopy(report)
    damage(broken)
    with pytest.raises(ContractError):
        validate(broken)
