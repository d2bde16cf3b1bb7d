"""The course workflow that ``init`` writes, and the shipped example, are valid GitHub workflows that work.

Validated offline against the GitHub workflow schema that check-jsonschema vendors
from SchemaStore (Apache-2.0).
"""
import json
import shlex
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

from ngproof.cli import build_parser
from ngproof.course.scaffold import ScaffoldError, scaffold
from ngproof.course.workflow import REPORTS, default_install, github_workflow

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "github-actions.yml"
GIT = "ngproof @ git+https://github.com/OWNER/ngproof@main"


def schema() -> dict:
    vendored = files("check_jsonschema.builtin_schemas.vendor") / "github-workflows.json"
    return json.loads(vendored.read_text(encoding="utf-8"))


def parse(text: str) -> dict:
    return YAML(typ="safe").load(text)  # YAML 1.2: the key `on` stays a string


def steps(workflow: dict) -> list[dict]:
    return workflow["jobs"]["verify"]["steps"]


def step(workflow: dict, uses: str = "", name: str = "") -> tuple[int, dict]:
    return next((i, s) for i, s in enumerate(steps(workflow))
                if (uses and s.get("uses", "").startswith(uses)) or (name and name in s.get("name", "")))


@pytest.mark.parametrize("text", [github_workflow(), github_workflow("theorems", GIT),
                                  EXAMPLE.read_text(encoding="utf-8")], ids=["default", "git", "example"])
def test_the_workflow_is_valid_against_the_github_workflow_schema(text):
    workflow = parse(text)
    jsonschema.validators.validator_for(schema())(schema()).validate(workflow)


def test_the_schema_check_can_fail():
    broken = parse(github_workflow())
    broken["jobs"]["verify"]["steps"][0]["with"] = "not a mapping"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema())


def test_the_example_is_the_workflow_init_writes():
    text = EXAMPLE.read_text(encoding="utf-8")
    assert text.endswith(github_workflow()) and parse(text) == parse(github_workflow())


@pytest.mark.parametrize("install", [None, GIT])
def test_installs_the_configured_ngproof(install):
    workflow = parse(github_workflow("theorems", install))
    assert workflow["jobs"]["verify"]["env"]["NGPROOF_INSTALL"] == (install or default_install())
    _, installing = step(workflow, name="Install ngproof")
    assert installing["run"] == 'python -m pip install "$NGPROOF_INSTALL"'


def test_verifies_the_courses_catalogue_and_writes_every_report():
    workflow = parse(github_workflow("theorems"))
    _, verifying = step(workflow, name="Verify")
    words = shlex.split(verifying["run"])
    assert words[:3] == ["python", "-m", "ngproof"]
    args = build_parser().parse_args(words[3:])
    assert args.verb == "verify" and args.paths == [Path("theorems")] and not args.no_cache
    assert {option: str(getattr(args, option[2:])) for option in REPORTS} == REPORTS


def test_keeps_the_result_cache_between_runs_even_when_verification_fails():
    workflow = parse(github_workflow())
    restore_at, restore = step(workflow, uses="actions/cache/restore@")
    save_at, save = step(workflow, uses="actions/cache/save@")
    verify_at, _ = step(workflow, name="Verify")
    assert restore_at < verify_at < save_at and save["if"] == "${{ always() }}"
    assert ".ngproof-cache" in restore["with"]["path"] and restore["with"]["path"] == save["with"]["path"]
    assert restore["with"]["key"] == save["with"]["key"]  # a fresh key each run: every run saves its results
    assert save["with"]["key"].startswith(restore["with"]["restore-keys"])  # and the next run restores the latest
    env = workflow["jobs"]["verify"]["env"]
    assert env["NGPROOF_CACHE_DIR"].endswith("/.ngproof-cache")


def test_uploads_the_reports_even_on_failure():
    workflow = parse(github_workflow())
    _, upload = step(workflow, uses="actions/upload-artifact@")
    assert upload["if"] == "${{ always() }}" and upload["with"]["path"] == "reports/"
    assert all(path.startswith("reports/") for path in REPORTS.values())


def test_init_writes_the_workflow_with_the_chosen_install(tmp_path):
    material = tmp_path / "03-01-newton.md"
    material.write_text("03-01 — Newton\n\nThe Step\n\nNewton's step is $x - f/f'$.\n", encoding="utf-8")
    scaffold(tmp_path / "course", material, install=GIT)
    text = (tmp_path / "course" / ".github" / "workflows" / "ngproof.yml").read_text(encoding="utf-8")
    assert text == github_workflow("theorems", GIT)
    assert (tmp_path / "course" / "theorems").is_dir()  # what the workflow verifies exists in the course


@pytest.mark.parametrize("install", ["", "ngproof\n-e .", "--index-url x"])
def test_a_bad_install_requirement_is_refused_before_anything_is_written(tmp_path, install):
    material = tmp_path / "l.md"
    material.write_text("03-01 — Newton\n\nThe Step\n\nNewton's step is $x - f/f'$.\n", encoding="utf-8")
    with pytest.raises(ScaffoldError, match="one pip requirement"):
        scaffold(tmp_path / "course", material, install=install)
    assert not (tmp_path / "course").exists()
