"""Errata where the author edits: findings on the lesson file's line, as workflow annotations and as SARIF."""
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import jsonschema
import pytest

from ngproof.engine.verification import verify
from ngproof.report import annotations, sarif
from ngproof.report.findings import findings
from ngproof.report.places import line_of_quote

SCHEMA = Path(__file__).resolve().parents[1] / "data" / "sarif-schema-2.1.0.json"  # see tests/data/NOTICE.md

LESSON = """\
03-01 — Newton's Method

The Newton Step

Newton's method for a smooth function f moves from x to x minus the ratio
of f to its derivative, so one step is $x - f(x)/f'(x)$, and it converges
quadratically near a simple root.

Logistic Regression

The Hessian of the logistic loss is $X^T S X$ with $S = \\mathrm{diag}(p(1-p))$, which
is always invertible.
"""
THEOREMS = '''
import sympy as sp

from ngproof import claim

x = sp.Symbol("x", real=True)


@claim("n.step", title="The Newton step", statement="-",
       source=("The Newton Step", "one step is $x - f(x)/f'(x)$"))
def _(c):
    c.prove(x - (x**2 - 2) / (2 * x), (x**2 + 2) / (2 * x), scope="x != 0")


@claim("n.quadratic", title="Quadratic convergence", statement="-",
       source=("The Newton Step", "it converges quadratically near a simple root"),
       wording="'near' means within the basin where f' does not vanish")
def _(c):
    c.prove(x**2, x * x, scope="all real x")


@claim("n.invertible", title="The Hessian is always invertible", statement="-", expect="false",
       source=("Logistic Regression", "which is always invertible"))
def _(c):
    c.counterexample({x: 0}, x, 1, detail="X = 0: the Hessian is the zero matrix")


@claim("n.invertible-fixed", title="The Hessian is invertible for full-rank X", statement="-",
       source=("Logistic Regression", "which is always invertible"), corrects="n.invertible")
def _(c):
    c.prove(x + 1, 1 + x, scope="all real x")


@claim("n.planted", title="A wrong formula, declared to hold", statement="-",
       source=("Logistic Regression", "The Hessian of the logistic loss is $X^T S X$"))
def _(c):
    c.counterexample({x: 3}, x**2, 2 * x, detail="at x = 3, 9 != 6")
'''


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("course")
    (root / "lessons").mkdir()
    (root / "lessons" / "03-01-newton.md").write_text(LESSON, encoding="utf-8")
    lesson = root / "theorems" / "03-01"
    lesson.mkdir(parents=True)
    (lesson / "lesson.toml").write_text('id = "03-01"\ntitle = "Newton"\nmaterial = "../../lessons/03-01-newton.md"\n')
    (lesson / "01_newton.py").write_text(textwrap.dedent(THEOREMS), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def run(course):
    return verify([course / "theorems"], jobs=1)


def test_a_quote_is_found_on_its_line_even_across_a_hard_wrap(course):
    material = course / "lessons" / "03-01-newton.md"
    assert line_of_quote(material, "The Newton Step", "one step is $x - f(x)/f'(x)$") == 6
    assert line_of_quote(material, "The Newton Step", "x minus the ratio of f to its derivative") == 5  # wrapped
    assert line_of_quote(material, "Logistic Regression", "which is always invertible") == 11
    assert line_of_quote(material, "Logistic Regression", "no such words") == 9  # the section's heading
    assert line_of_quote(material, "Nowhere", "no such words") is None


def test_errors_for_unexpected_outcomes_warnings_for_errata_notices_for_wording(run, course):
    found = findings(run, course)
    assert [(f.level, f.claim_id, f.place.path, f.place.line) for f in found] == [
        ("error", "n.planted", "lessons/03-01-newton.md", 11),
        ("warning", "n.invertible", "lessons/03-01-newton.md", 11),
        ("notice", "n.quadratic", "lessons/03-01-newton.md", 6),
    ]
    erratum = found[1].message
    assert "which is always invertible" in erratum and "X = 0" in erratum and "n.invertible-fixed" in erratum
    assert "within the basin" in found[2].message and "9 != 6" in found[0].message


def test_workflow_commands_are_escaped(run, course):
    lines = annotations.render(run, course).splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("::error file=lessons/03-01-newton.md,line=11,title=ngproof%3A n.planted unexpected::")
    assert lines[1].startswith("::warning file=lessons/03-01-newton.md,line=11,")
    assert lines[2].startswith("::notice file=lessons/03-01-newton.md,line=6,")
    assert "%0A" in lines[0]  # the message's second line stays inside the one command


def test_a_claim_outside_any_lesson_is_placed_at_its_body(write_catalogue):
    directory = write_catalogue({"01_a.py": '''
        @claim("o.wrong", title="t", statement="-", source=("S", "q"))
        def _(c):
            c.counterexample({x: 1}, x, 2, detail="1 != 2")
        '''})
    found = findings(verify([directory], jobs=1), directory)
    assert [(f.level, f.place.path, f.place.line) for f in found] == [("error", "01_a.py", 12)]  # the @claim line


def test_the_sarif_log_is_valid_sarif_2_1_0(run, course):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    log = json.loads(sarif.render(run, course))
    jsonschema.Draft4Validator(schema).validate(log)
    results = log["runs"][0]["results"]
    assert [(r["level"], r["ruleId"]) for r in results] == [
        ("error", "unexpected-outcome"), ("warning", "erratum"), ("note", "wording")]
    location = results[1]["locations"][0]["physicalLocation"]
    assert location == {"artifactLocation": {"uri": "lessons/03-01-newton.md"}, "region": {"startLine": 11}}
    broken = dict(log, runs=[dict(log["runs"][0], results=[dict(results[0], level="notice")])])
    with pytest.raises(jsonschema.ValidationError):  # the schema check can fail: SARIF has no level "notice"
        jsonschema.Draft4Validator(schema).validate(broken)


def cli(*args, cwd: Path, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "GITHUB_WORKSPACE")}
    environment.update(env, NGPROOF_CACHE_DIR=str(cwd / ".cache"))
    return subprocess.run([sys.executable, "-m", "ngproof", *map(str, args)], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=180)


def test_on_github_actions_verify_annotates_and_writes_sarif(course):
    process = cli("verify", "theorems", "-j", "1", "--sarif", "reports/ngproof.sarif", cwd=course,
                  GITHUB_ACTIONS="true")
    assert process.returncode == 1  # the planted formula
    annotated = [line for line in process.stdout.splitlines() if line.startswith("::")]
    assert [line.split(" ", 1)[0] for line in annotated] == ["::error", "::warning", "::notice"]
    assert json.loads((course / "reports" / "ngproof.sarif").read_text())["version"] == "2.1.0"
    quiet = cli("verify", "theorems", "-j", "1", cwd=course)
    assert "::" not in quiet.stdout
    forced = cli("verify", "theorems", "-j", "1", "--annotate", "github", cwd=course)
    assert "::warning file=lessons/03-01-newton.md,line=11," in forced.stdout


def test_a_file_outside_the_repository_is_a_file_uri():
    assert sarif._uri("/srv/course/lesson.md") == "file:///srv/course/lesson.md"
    assert sarif._uri("lessons/03-01.md") == "lessons/03-01.md"


def test_a_sarif_path_that_is_a_directory_is_a_usage_error(course):
    process = cli("verify", "theorems", "--sarif", "lessons", cwd=course)
    assert process.returncode == 2 and "--sarif lessons" in process.stderr and process.stdout == ""
