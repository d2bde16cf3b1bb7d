"""``init`` scaffolds a lesson's catalogue; a course of several lessons; ``verify --lesson``."""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from ngproof.course.material import parse
from ngproof.course.scaffold import ScaffoldError, first_claim, lesson_names, scaffold

MATERIAL = r"""07-01 — Logistic Regression
Phase: 7 — Classification
The Sigmoid
The logistic function squashes a score into a probability.
Definition: $\sigma(z) = \frac{1}{1+e^{-z}}$, and its derivative is $$\sigma'(z) = \sigma(z)(1-\sigma(z))$$
Odds
The log-odds of $\sigma(z)$ is $z$ itself.
"""

# The claim a course author adds: about ten lines, citing the lesson verbatim.
NEW_CLAIM = r'''

@claim("07-01.sigmoid-derivative",
       title="Derivative of the logistic function",
       statement=r"\sigma'(z) = \sigma(z)(1-\sigma(z))",
       source=(SECTION, r"$$\sigma'(z) = \sigma(z)(1-\sigma(z))$$"))
def _(c):
    z = sp.Symbol("z", real=True)
    sigma = 1 / (1 + sp.exp(-z))
    c.prove(sp.diff(sigma, z), sigma * (1 - sigma), scope="all real z",
            rewriters=[("cancel", lambda e: sp.cancel(e.subs(sp.exp(-z), 1 / sp.Symbol("u", positive=True))))])
'''


def cli(*args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ngproof", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture
def course(tmp_path):
    """A course repository scaffolded for lesson 07-01 from a material file outside it."""
    material = tmp_path / "lessons" / "07-01-logistic.txt"
    material.parent.mkdir()
    material.write_text(MATERIAL)
    root = tmp_path / "course"
    process = cli("init", root, "--material", material, cwd=tmp_path)
    assert process.returncode == 0, process.stderr
    return root


def test_init_writes_a_lesson_catalogue_citing_the_lesson(course):
    lesson = tomllib.loads((course / "theorems" / "07-01" / "lesson.toml").read_text())
    assert lesson["id"] == "07-01" and lesson["title"] == "Logistic Regression"
    assert (course / "theorems" / "07-01" / lesson["material"]).resolve() == (course / "material" / "07-01-logistic.txt")
    assert (course / "material" / "07-01-logistic.txt").read_text() == MATERIAL
    module = (course / "theorems" / "07-01" / "01_the_sigmoid.py").read_text()
    assert 'SECTION = r"The Sigmoid"' in module and "07-01.the-sigmoid" in module
    assert r"Definition: $\sigma(z) = \frac{1}{1+e^{-z}}$" in module  # the quote, verbatim
    workflow = (course / ".github" / "workflows" / "ngproof.yml").read_text()  # see tests/course/test_workflow.py
    assert "python -m ngproof verify theorems " in workflow and "python -m ngproof coverage theorems" in workflow


def test_a_fresh_scaffold_fails_closed_until_its_claim_is_written(course):
    process = cli("verify", "theorems", "-j", "1", "--no-cache", cwd=course)
    assert process.returncode == 1
    assert "not encoded yet" in process.stdout and "07-01.the-sigmoid" in process.stdout


def test_add_a_claim_verify_it_and_see_it_in_the_reports(course):
    module = course / "theorems" / "07-01" / "01_the_sigmoid.py"
    source = module.read_text().replace(
        '    raise NotImplementedError("not encoded yet: write this claim\'s checks")',
        '    z = sp.Symbol("z", real=True)\n'
        '    c.prove(sp.diff(1 / (1 + sp.exp(-z)), z), sp.exp(-z) / (1 + sp.exp(-z)) ** 2, scope="all real z")')
    module.write_text(source.replace("from ngproof import claim", "import sympy as sp\n\nfrom ngproof import claim")
                      + NEW_CLAIM)
    process = cli("verify", "theorems", "--lesson", "07-01", "-j", "1", "-v", "--json", "report.json", cwd=course)
    assert process.returncode == 0, process.stdout
    report = json.loads((course / "report.json").read_text())
    assert [(c["id"], c["status"], c["lesson"]) for c in report["claims"]] == [
        ("07-01.the-sigmoid", "proved", "07-01"), ("07-01.sigmoid-derivative", "proved", "07-01")]
    assert report["lessons"][0]["id"] == "07-01" and report["lessons"][0]["claims"] == 2
    assert "07-01.sigmoid-derivative — Derivative of the logistic function" in process.stdout


@pytest.mark.skipif(importlib.util.find_spec("ngproof.course.coverage") is None, reason="the coverage verb is not installed")
def test_the_new_claim_shows_in_coverage(course):
    module = course / "theorems" / "07-01" / "01_the_sigmoid.py"
    module.write_text(module.read_text().replace("from ngproof import claim", "import sympy as sp\n\nfrom ngproof import claim")
                      + NEW_CLAIM)
    process = cli("coverage", "--material", "material/07-01-logistic.txt", "theorems/07-01", cwd=course)
    assert "07-01.sigmoid-derivative" in process.stdout
    from_manifest = cli("coverage", "theorems", cwd=course)  # the lesson.toml names the material
    assert from_manifest.returncode == 0 and from_manifest.stdout == process.stdout


def test_commands_without_a_path_work_on_the_course_around_the_working_directory(course):
    listing = cli("list", cwd=course / "theorems" / "07-01")
    assert listing.returncode == 0 and listing.stdout.split()[0] == "07-01.the-sigmoid"
    assert len(listing.stdout.splitlines()) == 1  # none of the packaged lesson's claims
    covered = cli("coverage", cwd=course)
    assert covered.returncode == 0 and "Coverage of 07-01-logistic.txt" in covered.stdout
    shown = cli("show", "07-01.the-sigmoid", "--no-cache", cwd=course / "material")
    assert shown.returncode == 1 and "not encoded yet" in shown.stdout
    assert "lesson 07-01 (Logistic Regression), section \"The Sigmoid\", 07-01-logistic.txt:5" in shown.stdout


def test_init_refuses_to_overwrite_a_lesson(course, tmp_path):
    again = cli("init", course, "--material", course / "material" / "07-01-logistic.txt", cwd=tmp_path)
    assert again.returncode == 2 and again.stderr.count("\n") == 1 and "already exists" in again.stderr


def test_material_inside_the_course_is_referenced_not_copied(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "logistic.txt").write_text(MATERIAL)
    written = scaffold(tmp_path, tmp_path / "docs" / "logistic.txt", lesson_id="logistic")
    lesson = tomllib.loads((tmp_path / "theorems" / "logistic" / "lesson.toml").read_text())
    assert lesson["material"] == "../../docs/logistic.txt" and not (tmp_path / "material").exists()
    assert tmp_path / "docs" / "logistic.txt" not in written.files


def test_an_existing_workflow_is_kept(tmp_path):
    workflow = tmp_path / ".github" / "workflows" / "ngproof.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text("mine\n")
    (tmp_path / "lesson.txt").write_text(MATERIAL)
    written = scaffold(tmp_path, tmp_path / "lesson.txt")
    assert workflow.read_text() == "mine\n" and workflow not in written.files


@pytest.mark.parametrize("args, message", [
    (["--lesson-id", "Bad Id"], "use lower-case letters"),
    (["--material", "missing.txt"], "--material missing.txt: no such file"),
])
def test_bad_init_input_is_a_one_line_usage_error(tmp_path, args, message):
    (tmp_path / "lesson.txt").write_text(MATERIAL)
    process = cli("init", "course", "--material", "lesson.txt", *args, cwd=tmp_path)
    assert process.returncode == 2 and message in process.stderr and process.stderr.count("\n") == 1


def test_markdown_headings_give_the_section_without_marks_and_the_title_but_not_the_id():
    lesson = parse("# Kernels\n\n## Mercer\nA kernel $k(x, y) = \\langle\\phi(x), \\phi(y)\\rangle$\nis PSD.\n")
    assert first_claim(lesson) == ("Mercer", "A kernel $k(x, y) = \\langle\\phi(x), \\phi(y)\\rangle$ is PSD.")
    lesson_id, title, notes = lesson_names(lesson, "24-03-ntk")
    assert (lesson_id, title) == ("24-03-ntk", "Kernels")
    assert notes == ["lesson id '24-03-ntk' from the file name '24-03-ntk' (set it with --id)",
                     "title 'Kernels' from the first heading (line 1) (set it with --title)"]
    assert lesson_names(lesson, "x", "k-1", "Kernel methods") == ("k-1", "Kernel methods", [])


def test_a_first_heading_id_dash_title_gives_both_and_says_so():
    lesson_id, title, notes = lesson_names(parse("# 03-01 — Newton's Method\n\n## Step\n$x$ moves.\n"), "notes")
    assert (lesson_id, title) == ("03-01", "Newton's Method") and "from the first heading" in notes[0]
    # a dash in a title is not an id: the id needs a digit
    assert lesson_names(parse("# Newton - Raphson\n\n## Step\n$x$ moves.\n"), "nr")[:2] == ("nr", "Newton - Raphson")


def test_a_lesson_with_no_heading_or_an_open_formula_is_refused_with_file_and_line(tmp_path):
    with pytest.raises(ScaffoldError, match="no passage under a heading"):
        first_claim(parse("just a sentence, with no heading at all.\n\nAnother one.\n", "plain.txt"))
    (tmp_path / "open.md").write_text("# T\n\n## S\n\n$$\nx = 1\n")
    with pytest.raises(ScaffoldError, match=r"open.md: a display formula opened with \$\$ at line 5 is never closed"):
        scaffold(tmp_path / "course", tmp_path / "open.md")


LESSON = '''id = "{id}"
title = "Lesson {id}"
'''
MODULE = '''import sympy as sp
from ngproof import claim, uncheckable

x = sp.Symbol("x", real=True)
uncheckable("S{n}", "an opinion", "no checkable content")


@claim("{id}.square", title="square {n}", statement="-", source=("S{n}", "q"))
def _(c):
    c.prove((x + {n}) ** 2, x**2 + 2 * {n} * x + {n}**2, scope="all real x")
'''


@pytest.fixture
def two_lessons(tmp_path):
    for n, lesson_id in ((1, "l-one"), (2, "l-two")):
        directory = tmp_path / "theorems" / lesson_id
        directory.mkdir(parents=True)
        (directory / "lesson.toml").write_text(LESSON.format(id=lesson_id))
        (directory / "01_square.py").write_text(MODULE.format(id=lesson_id, n=n))
    return tmp_path


def test_verify_lesson_selects_one_lesson_of_a_course(two_lessons):
    process = cli("verify", "theorems", "--lesson", "l-two", "-j", "1", "--no-cache", "--json", "r.json", cwd=two_lessons)
    assert process.returncode == 0, process.stdout
    report = json.loads((two_lessons / "r.json").read_text())
    assert [c["id"] for c in report["claims"]] == ["l-two.square"]
    assert [u["section"] for u in report["uncheckable"]] == ["S2"]
    everything = cli("verify", "theorems", "-j", "1", "-v", "--no-cache", "--json", "all.json", cwd=two_lessons)
    assert "== lesson l-one ==" in everything.stdout and "== lesson l-two ==" in everything.stdout
    assert [row["id"] for row in json.loads((two_lessons / "all.json").read_text())["lessons"]] == ["l-one", "l-two"]


def test_an_unknown_lesson_is_a_usage_error_that_lists_the_lessons(two_lessons):
    process = cli("verify", "theorems", "--lesson", "l-three", cwd=two_lessons)
    assert process.returncode == 2 and "no lesson 'l-three'; lessons: l-one, l-two" in process.stderr


def test_verify_lesson_accepts_a_path_inside_the_lesson(two_lessons):
    process = cli("verify", "theorems/l-one/01_square.py", "--lesson", "l-one", "-j", "1", "-v", "--no-cache",
                  cwd=two_lessons)
    assert process.returncode == 0 and "l-one.square" in process.stdout


def with_material(course: Path) -> Path:
    for n, lesson_id in ((1, "l-one"), (2, "l-two")):
        directory = course / "theorems" / lesson_id
        (course / f"{lesson_id}.txt").write_text(f"S{n}\nThe square q expands.\nThis is an opinion.\nS9\nUncited.\n")
        (directory / "lesson.toml").write_text(LESSON.format(id=lesson_id) + f'material = "../../{lesson_id}.txt"\n')
    return course


def test_coverage_measures_each_lesson_against_the_material_its_manifest_names(two_lessons):
    process = cli("coverage", "theorems", "--json", "c.json", cwd=with_material(two_lessons))
    assert process.returncode == 0, process.stderr
    one, two = process.stdout.split("== lesson l-two ==")
    assert "== lesson l-one ==" in one and "l-one.square" in one and "l-two.square" not in one
    assert "l-two.square" in two and "l-one.square" not in two
    lessons = json.loads((two_lessons / "c.json").read_text())["lessons"]
    assert [(row["lesson"], row["summary"]["covered_by_claims"], row["summary"]["uncheckable"],
             row["summary"]["uncovered"]) for row in lessons] == [("l-one", 1, 1, 1), ("l-two", 1, 1, 1)]
    single = cli("coverage", "theorems", "--lesson", "l-two", cwd=two_lessons)
    assert single.returncode == 0 and "l-two.square" in single.stdout and "l-one.square" not in single.stdout


def test_coverage_without_any_material_is_a_usage_error(two_lessons):
    process = cli("coverage", "theorems", cwd=two_lessons)
    assert process.returncode == 2 and "give --material, or name the lesson's text in its lesson.toml" in process.stderr
    (two_lessons / "theorems" / "l-one" / "lesson.toml").write_text(LESSON.format(id="l-one") + 'material = "gone.txt"\n')
    process = cli("coverage", "theorems", cwd=two_lessons)
    assert process.returncode == 2 and "gone.txt: no such file" in process.stderr and process.stdout == ""
    assert cli("coverage", "theorems", "--lesson", "l-nine", cwd=two_lessons).returncode == 2


def test_the_packaged_catalogue_is_lesson_24_02():
    from ngproof.course.lessons import find_lessons
    from ngproof.engine.discovery import default_catalogue

    assert [lesson.id for lesson in find_lessons([default_catalogue()])] == ["24-02"]
