"""The command line end to end: statuses, isolation, exit codes 0/1/2, seeds, working directory."""
from __future__ import annotations

import json

import pytest

from ngproof.engine.discovery import default_catalogue, discover

# One catalogue with every way a claim can end, run once: each test below reads its part.
MIXED = {
    "01_outcomes.py": '''
        p = sp.Symbol("p", positive=True)

        @claim("t.proved", title="square of a sum", statement="(x+1)^2", source=("Sec A", "q"))
        def _(c):
            c.prove((x + 1) ** 2, x**2 + 2 * x + 1, scope="all real x")

        @claim("t.planted-false", title="planted false identity", statement="(x+1)^2 = x^2+1",
               source=("Sec A", "q"), expect="false")
        def _(c):
            c.counterexample({x: 1}, (x + 1) ** 2, x**2 + 1, detail="at x = 1: 4 against 2")

        @claim("t.fuzz-false", title="planted false scaling", statement="2v = v", source=("Sec A", "q"),
               expect="false")
        def _(c):
            c.fuzz(lambda v: close(2 * v, v), reals(1, 2), scope="v in [1, 2]",
                   exact=lambda v: (2 * sp.Rational(v), sp.Rational(v)))

        @claim("t.undecided", title="true but beyond cancel/simplify", statement="atan p + atan 1/p = pi/2",
               source=("Sec A", "q"))
        def _(c):
            c.prove(sp.atan(p) + sp.atan(1 / p), sp.pi / 2, scope="p > 0")

        @claim("t.fuzz-unconfirmed", title="fuzz failure without an exact form", statement="2v = v",
               source=("Sec A", "q"))
        def _(c):
            c.fuzz(lambda v: close(2 * v, v), reals(1, 2), scope="v in [1, 2]")

        @claim("t.raises", title="body raises", statement="-", source=("Sec B", "q"))
        def _(c):
            raise RuntimeError("boom in the claim body")

        @claim("t.hangs", title="body hangs", statement="-", source=("Sec B", "q"), timeout=2)
        def _(c):
            time.sleep(120)

        @claim("t.dies", title="worker dies", statement="-", source=("Sec B", "q"))
        def _(c):
            os._exit(3)

        @claim("t.silent", title="records nothing", statement="-", source=("Sec B", "q"))
        def _(c):
            pass

        @claim("t.false-unrefuted", title="declared false, but true", statement="(x+1)^2",
               source=("Sec B", "q"), expect="false")
        def _(c):
            c.prove((x + 1) ** 2, x**2 + 2 * x + 1, scope="all real x")
    ''',
    "02_broken.py": "#raw\ndef broken(:\n    pass\n",
    "03_after.py": '''
        @claim("t.after", title="runs after the failures", statement="x", source=("Sec C", "q"))
        def _(c):
            c.prove(sp.cancel((x**2 - 1) / (x - 1)), x + 1, scope="x != 1")
    ''',
}

STATUS = {
    "t.proved": ("proved", "expected"),
    "t.planted-false": ("refuted", "expected"),
    "t.fuzz-false": ("refuted", "expected"),
    "t.undecided": ("inconclusive", "unexpected"),
    "t.fuzz-unconfirmed": ("inconclusive", "unexpected"),
    "t.raises": ("error", "unexpected"),
    "t.hangs": ("timeout", "unexpected"),
    "t.dies": ("error", "unexpected"),
    "t.silent": ("error", "unexpected"),
    "t.false-unrefuted": ("proved", "unexpected"),
    "t.after": ("proved", "expected"),
}


@pytest.fixture(scope="module")
def mixed(write_catalogue, ngproof_cli, tmp_path_factory):
    """The mixed catalogue run once with -j 2: (process, JSON report); the hanging claim has a 2 s limit."""
    directory = write_catalogue(MIXED)
    report = tmp_path_factory.mktemp("out") / "report.json"
    process = ngproof_cli("verify", directory, "-j", "2", "--timeout", "120", "--json", report)
    return process, json.loads(report.read_text())


def _claim(report: dict, claim_id: str) -> dict:
    return next(c for c in report["claims"] if c["id"] == claim_id)


@pytest.mark.parametrize("claim_id", sorted(STATUS))
def test_each_claim_gets_its_status_and_outcome(mixed, claim_id):
    _, report = mixed
    record = _claim(report, claim_id)
    assert (record["status"], record["outcome"]) == STATUS[claim_id], record["evidence"]


def test_every_claim_ran_despite_the_failures(mixed):
    _, report = mixed
    assert [c["id"] for c in report["claims"]] == list(STATUS)


def test_unexpected_outcomes_fail_the_run(mixed):
    process, report = mixed
    assert process.returncode == 1
    assert report["summary"]["unexpected"] == sum(outcome == "unexpected" for _, outcome in STATUS.values())
    assert "Traceback" not in process.stderr


def test_planted_false_claim_keeps_its_exact_counterexample(mixed):
    _, report = mixed
    [evidence] = _claim(report, "t.planted-false")["evidence"]
    assert evidence["kind"] == "counterexample"
    assert evidence["counterexample"]["values"] == {"x": 1}
    assert evidence["counterexample"]["difference"].startswith("relative ")


def test_fuzz_refutation_keeps_the_shrunk_inputs(mixed):
    _, report = mixed
    [evidence] = _claim(report, "t.fuzz-false")["evidence"]
    assert evidence["kind"] == "counterexample"
    assert evidence["counterexample"]["inputs"] == [1.0]  # shrunk to the smallest v in [1, 2]
    assert "confirmed" in evidence["detail"]


def test_fuzz_failure_without_exact_form_is_not_a_refutation(mixed):
    _, report = mixed
    [evidence] = _claim(report, "t.fuzz-unconfirmed")["evidence"]
    assert evidence["status"] == "inconclusive" and evidence["counterexample"]["inputs"] == [1.0]


def test_raising_claim_reports_the_exception(mixed):
    _, report = mixed
    assert "boom in the claim body" in _claim(report, "t.raises")["evidence"][0]["detail"]


def test_hanging_claim_is_stopped_at_its_limit(mixed):
    _, report = mixed
    record = _claim(report, "t.hangs")
    assert 2.0 <= record["seconds"] < 10.0
    assert "limit of 2 s" in record["evidence"][0]["detail"]


def test_dying_worker_is_an_error_with_its_exit_code(mixed):
    _, report = mixed
    assert "exit code 3" in _claim(report, "t.dies")["evidence"][0]["detail"]


def test_claim_without_evidence_is_an_error(mixed):
    _, report = mixed
    assert "no evidence" in _claim(report, "t.silent")["evidence"][0]["detail"]


def test_syntax_error_names_the_module_and_the_others_still_load(mixed):
    process, report = mixed
    [error] = report["load_errors"]
    assert error["path"].endswith("02_broken.py") and "SyntaxError" in error["message"]
    assert "02_broken.py" in process.stdout and "LOAD ERROR" in process.stdout
    assert _claim(report, "t.after")["status"] == "proved"


def test_text_report_lists_errata_and_unexpected(mixed):
    process, _ = mixed
    assert process.stdout.index("Unexpected outcomes") < process.stdout.index("Errata of the lesson")
    errata = process.stdout.split("Errata of the lesson")[1]
    assert "t.planted-false" in errata and "t.fuzz-false" in errata and "t.proved" not in errata
    assert "FAILED" in process.stdout


GREEN = {
    "01_green.py": '''
        @claim("g.lesson", title="as the lesson says", statement="(x+1)^2 = x^2+1", source=("S", "q"),
               expect="false")
        def _(c):
            c.counterexample({x: 1}, (x + 1) ** 2, x**2 + 1, detail="x = 1")

        @claim("g.corrected", title="corrected", statement="(x+1)^2 = x^2+2x+1", source=("S", "q"),
               corrects="g.lesson")
        def _(c):
            c.prove((x + 1) ** 2, x**2 + 2 * x + 1, scope="all real x")
    ''',
}


def test_expected_outcomes_exit_zero(write_catalogue, ngproof_cli):
    process = ngproof_cli("verify", write_catalogue(GREEN), "-j", "1")
    assert process.returncode == 0, process.stdout + process.stderr
    assert "g.lesson: as the lesson says  → corrected by g.corrected" in process.stdout


def test_nothing_selected_fails(write_catalogue, ngproof_cli):
    process = ngproof_cli("verify", write_catalogue(GREEN), "-k", "no-claim-has-this-word")
    assert process.returncode == 1
    assert "no claims were run" in process.stdout


def test_duplicate_ids_fail_the_run(write_catalogue, ngproof_cli):
    directory = write_catalogue({"01_a.py": GREEN["01_green.py"], "02_b.py": GREEN["01_green.py"]})
    process = ngproof_cli("list", directory)
    assert process.returncode == 1
    assert "declared 2 times" in process.stderr and "02_b.py" in process.stderr


@pytest.mark.parametrize("args", [
    ["verify", "--no-such-flag"],
    ["verify", "-k", "bernoulli and"],
    ["verify", "-k", "(fisher or"],
    ["verify", "-k", "not"],
    ["verify", "no/such/path.py"],
    ["verify", "pyproject.toml"],
    ["verify", "-j", "0"],
    ["verify", "-j", "two"],
    ["verify", "--seed", "-1"],
    ["verify", "--seed", "1.5"],
    ["verify", "--timeout", "0"],
    ["verify", "--profile", "fastest"],
    ["frobnicate"],
    [],
])
def test_usage_errors_exit_two_in_one_line(ngproof_cli, args, tmp_path):
    (tmp_path / "pyproject.toml").write_text("")
    process = ngproof_cli(*args, cwd=tmp_path)
    assert process.returncode == 2
    assert process.stderr.startswith("ngproof: error:") and len(process.stderr.strip().splitlines()) == 1
    assert "Traceback" not in process.stderr and process.stdout == ""


def test_show_unknown_claim_is_a_usage_error(write_catalogue, ngproof_cli):
    process = ngproof_cli("show", "no.such-claim", write_catalogue(GREEN))
    assert process.returncode == 2
    assert len(process.stderr.strip().splitlines()) == 1 and "no.such-claim" in process.stderr


def test_show_reads_an_erratum_top_to_bottom_then_reuses_the_cached_result(write_catalogue, ngproof_cli, tmp_path):
    catalogue = write_catalogue(GREEN)
    process = ngproof_cli("show", "g.lesson", catalogue, "--cache-dir", tmp_path / "cache")
    assert process.returncode == 0, process.stderr
    out = process.stdout
    order = ["g.lesson — as the lesson says", "the lesson says: q", "statement: (x+1)^2 = x^2+1",
             "declared: the lesson's statement is false as written", "Status: ✗ refuted, as declared (run now",
             "✗ counterexample, refuted for one concrete point", 'values = {"x": 1}', "left = 4", "right = 2",
             "Corrected by g.corrected — corrected", "statement: (x+1)^2 = x^2+2x+1", "status: ✔ proved, as declared",
             "✔ symbolic, proved for all real x"]
    assert all(part in out for part in order), out
    assert [out.index(part) for part in order] == sorted(out.index(part) for part in order)
    again = ngproof_cli("show", "g.lesson", catalogue, "--cache-dir", tmp_path / "cache")
    assert again.returncode == 0 and "refuted, as declared (cached result of 20" in again.stdout
    assert "proved, as declared (cached result of 20" in again.stdout


def test_show_exits_one_when_the_claim_is_not_as_declared(write_catalogue, ngproof_cli):
    catalogue = write_catalogue({"01_bad.py": '''
        @claim("b.wrong", title="wrong", statement="x = x + 1", source=("S", "q"))
        def _(c):
            c.counterexample({x: 0}, x, x + 1, detail="x = 0")
    '''})
    process = ngproof_cli("show", "b.wrong", catalogue, "--no-cache")
    assert process.returncode == 1 and "Status: ✗ refuted, UNEXPECTED: declared 'holds'" in process.stdout


def test_packaged_catalogue_found_from_another_directory(ngproof_cli, tmp_path):
    # Pinned to one packaged module, so that others being edited meanwhile cannot make this racy.
    bernoulli = [c.id for c in discover([default_catalogue() / "05_bernoulli.py"]).claims]
    process = ngproof_cli("list", "--json", cwd=tmp_path)
    assert process.returncode == (1 if "LOAD ERROR" in process.stderr else 0), process.stderr
    listed = [row["id"] for row in json.loads(process.stdout)]
    assert bernoulli and set(bernoulli) <= set(listed) and len(set(listed)) == len(listed)


def test_packaged_catalogue_verifies_from_another_directory(ngproof_cli, tmp_path):
    # A lesson erratum that needs no kernel: quick, and its expected outcome is 'refuted'.
    process = ngproof_cli("verify", "-k", "bernoulli.ng-is-sgd-on-log-odds", "--json", "out.json", cwd=tmp_path)
    report = json.loads((tmp_path / "out.json").read_text())
    assert [(c["id"], c["status"], c["outcome"]) for c in report["claims"]] == [
        ("bernoulli.ng-is-sgd-on-log-odds", "refuted", "expected")]
    assert process.returncode == (1 if report["load_errors"] else 0)


SEEDED = {
    "01_seeded.py": '''
        @claim("s.fuzz", title="exp of log", statement="e^{log v} = v", source=("S", "q"))
        def _(c):
            c.fuzz(lambda v: close(np.exp(np.log(v)), v), reals(1e-3, 1e3), scope="v in [1e-3, 1e3]")

        @claim("s.rng", title="seeded experiment", statement="-", source=("S", "q"))
        def _(c):
            c.observe(True, detail=f"drew {c.rng.integers(10**9)}")
    ''',
}


def _comparable(report: dict) -> dict:
    """The report without what legitimately changes between identical runs."""
    report = dict(report, seconds=None, started=None, environment=dict(report["environment"], host=None))
    report["claims"] = [dict(c, seconds=None) for c in report["claims"]]
    return report


def test_same_seed_gives_the_same_report(write_catalogue, ngproof_cli, tmp_path):
    directory = write_catalogue(SEEDED)
    reports = []
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        process = ngproof_cli("verify", directory, "-j", "2", "--seed", seed, "--no-cache", "--json", tmp_path / name)
        assert process.returncode == 0, process.stdout
        assert f"seed {seed}" in process.stderr and f"seed {seed}" in process.stdout
        reports.append(json.loads((tmp_path / name).read_text()))
    first, again, other = reports
    assert _comparable(first) == _comparable(again)
    assert (first["seed"], other["seed"]) == (7, 8)
    details = [[c["evidence"][0]["detail"] for c in r["claims"] if c["id"] == "s.rng"] for r in (first, other)]
    assert details[0] != details[1]


LOUD = {
    "01_loud.py": '''
        import os

        @claim("l.loud", title="prints 10 MB", statement="s", source=("S", "q"))
        def _(c):
            print("x" * 5_000_000)
            os.write(2, b"y" * 5_000_000)  # below Python, as a C extension or numba would
            c.observe(True, detail="printed")
    ''',
}


def test_what_a_claim_prints_is_kept_with_it_never_in_the_report_stream(write_catalogue, ngproof_cli, tmp_path):
    report = tmp_path / "out" / "v.json"
    process = ngproof_cli("verify", write_catalogue(LOUD), "--json", str(report), "-j", "1")
    assert process.returncode == 0
    assert len(process.stdout) + len(process.stderr) < 20_000
    [claim] = json.loads(report.read_text())["claims"]
    assert claim["output"].startswith("x" * 100) and "more bytes not kept" in claim["output"]
    assert len(claim["output"]) < 10_000


@pytest.mark.parametrize("option", ["--json", "--junit", "--html"])
def test_an_unwritable_report_path_is_a_usage_error_before_the_run(write_catalogue, ngproof_cli, tmp_path, option):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    process = ngproof_cli("verify", write_catalogue(GREEN), option, str(blocker / "report.out"))
    assert process.returncode == 2 and "is a file, not a directory" in process.stderr
    assert "Traceback" not in process.stderr and process.stdout == ""  # nothing ran


def test_an_empty_keyword_is_a_usage_error(write_catalogue, ngproof_cli):
    process = ngproof_cli("verify", write_catalogue(GREEN), "-k", "  ")
    assert process.returncode == 2 and "-k: empty expression" in process.stderr


def test_unknown_references_fail_the_run_and_name_file_and_line(write_catalogue, ngproof_cli):
    source = GREEN["01_green.py"].replace('expect="false")', 'expect="false", depends_on=("g.nowhere",))')
    process = ngproof_cli("verify", write_catalogue({"01_a.py": source}))
    assert process.returncode == 1
    assert "01_a.py: line" in process.stdout and "'g.nowhere' (no such claim); it does not run" in process.stdout
