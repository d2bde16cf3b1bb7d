"""The JUnit XML report parses, counts right, and says why a claim failed."""
import xml.etree.ElementTree as ET

from ngproof.engine.verification import Run
from ngproof.report import junit


def _cases(root: ET.Element) -> dict[str, ET.Element]:
    return {case.get("name"): case for case in root.iter("testcase")}


def _declared(run: Run, claim_id: str):
    return next(r.claim for r in run.results if r.claim.id == claim_id)


def test_suite_attributes_count_claims_and_load_errors(run: Run):
    root = ET.fromstring(junit.render(run))
    suite = root.find("testsuite")
    assert suite.get("tests") == "9"            # eight claims and one load error
    assert suite.get("failures") == "1"         # demo.broken
    assert suite.get("errors") == "3"           # demo.crash, demo.slow and the load error
    assert suite.get("timestamp") == "2026-01-02T03:04:05"
    assert float(suite.get("time")) == 1.5
    properties = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert properties["seed"] == "7" and properties["profile"] == "ci" and properties["version"]
    assert properties["errata"] == "2" and properties["wording"] == "1"


def test_classname_is_the_lesson_section(run: Run):
    cases = _cases(ET.fromstring(junit.render(run)))
    assert cases["demo.gradient"].get("classname") == "Bernoulli Log-Likelihood with Cross-Entropy Loss"
    assert cases["demo.broken"].get("classname") == "Worked Examples"


def test_expected_erratum_passes_with_a_note(run: Run):
    case = _cases(ET.fromstring(junit.render(run)))["demo.wrong"]
    assert case.find("failure") is None and case.find("error") is None
    note = case.find("system-out").text
    assert "Lesson erratum" in note and "Corrected by: demo.corrected" in note and "-0.5" in note
    properties = {p.get("name"): p.get("value") for p in case.find("properties")}
    assert properties["erratum"] == "true" and properties["judgement"] == "erratum"


def test_an_erratum_note_reads_quote_reading_defence_counterexample_correction_in_order(run: Run):
    note = _cases(ET.fromstring(junit.render(run)))["demo.wrong"].find("system-out").text
    claim = _declared(run, "demo.wrong")
    assert claim.reading and claim.defence
    order = ["Lesson: equivalent to standard gradient descent on the log-odds", f"Reading: {claim.reading}",
             f"Defence: {claim.defence}", "Counterexample: at θ = 0, y = 1 the sides differ", '"right": "-0.5"',
             "Corrected by: demo.corrected"]
    positions = [note.index(part) for part in order]
    assert positions == sorted(positions)


def test_a_wording_note_passes_with_the_note(run: Run):
    case = _cases(ET.fromstring(junit.render(run)))["demo.loose"]
    wording = _declared(run, "demo.loose").wording
    assert case.find("failure") is None and case.find("error") is None
    properties = {p.get("name"): p.get("value") for p in case.find("properties")}
    assert properties["wording"] == wording and properties["judgement"] == "wording" and "erratum" not in properties
    note = case.find("system-out").text
    assert note.startswith("Note on wording (the meaning holds; not an erratum).")
    assert note.index("Lesson: the Fisher is the covariance") < note.index("Reading: F = E[s sᵀ]") \
        < note.index(f"Note: {wording}")


def test_a_plain_holding_claim_carries_no_note(run: Run):
    case = _cases(ET.fromstring(junit.render(run)))["demo.gradient"]
    assert case.find("system-out") is None
    assert {p.get("name"): p.get("value") for p in case.find("properties")}["judgement"] == "holds"


def test_unexpected_outcome_is_a_failure_with_the_counterexample(run: Run):
    failure = _cases(ET.fromstring(junit.render(run)))["demo.broken"].find("failure")
    assert failure.get("type") == "unexpected-refuted"
    assert '"theta": 0' in failure.get("message") and "-0.5" in failure.text


def test_errors_timeouts_and_load_errors_are_errors(run: Run):
    cases = _cases(ET.fromstring(junit.render(run)))
    assert "ZeroDivisionError" in cases["demo.crash"].find("error").get("message")
    assert cases["demo.slow"].find("error").get("type") == "timeout"
    assert cases["theorems/99_bad.py"].find("error").get("type") == "load-error"


def test_hostile_title_survives_as_text(run: Run):
    text = junit.render(run)
    assert "<script>" not in text
    properties = {p.get("name"): p.get("value") for p in _cases(ET.fromstring(text))["demo.hostile"].find("properties")}
    assert properties["title"] == "<script>alert(1)</script>"


def test_a_run_of_nothing_fails(run: Run):
    empty = Run([], [], seed=0, profile="ci", seconds=0.0, started="2026-01-02T03:04:05+00:00")
    suite = ET.fromstring(junit.render(empty)).find("testsuite")
    assert suite.get("tests") == "1" and suite.get("failures") == "1"
