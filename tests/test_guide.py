"""docs/guide.md is executed, block by block, in an empty directory: the guide cannot rot.

Blocks, by their info string:

* ``LANG file=PATH``: the block is written to PATH (``append=PATH`` appends);
* ``LANG excerpt=PATH``: every line of the block is a line of PATH, in order;
* ``console`` (``exit=N``, default 0): each ``$ command`` runs in bash and must exit N;
  the lines after it must each occur, in order, in its output;
* ``python``: executed as is.

Any other block fails the test.  The tutorial it follows is also the end-to-end test of a course
maintainer's first hour: a hard-wrapped Markdown lesson, ``init``, claims, ``verify`` with a declared
erratum, ``show``, ``coverage`` with nothing uncovered, ``pytest --ngproof``.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "guide.md"
_OPEN = re.compile(r"^```(\w*)(.*)$")


@dataclass
class Block:
    language: str
    options: dict[str, str]
    text: str
    line: int


@dataclass
class Followed:
    """What following a guide did: the blocks run and every command's output."""

    blocks: list[Block] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # wall seconds of each command
    seconds: float = 0.0


def blocks(markdown: str) -> list[Block]:
    """The fenced blocks of a Markdown text, with their info-string options and first line."""
    found, current, lines = [], None, []
    for number, line in enumerate(markdown.splitlines(), 1):
        if current is None:
            opened = _OPEN.match(line)
            if opened:
                options = dict(item.split("=", 1) for item in opened.group(2).split() if "=" in item)
                current, lines = Block(opened.group(1), options, "", number + 1), []
        elif line.startswith("```"):
            current.text = "\n".join(lines) + "\n"
            found.append(current)
            current = None
        else:
            lines.append(line)
    assert current is None, f"guide line {current.line - 1}: a code block is never closed"
    return found


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "NGPROOF_CACHE_DIR"}  # the guide uses the default cache
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


def _console(block: Block, directory: Path, followed: Followed) -> None:
    commands: list[tuple[str, list[str]]] = []
    for line in block.text.splitlines():
        if line.startswith("$ "):
            commands.append((line[2:], []))
        elif line.strip():
            assert commands, f"guide line {block.line}: output before any '$ command'"
            commands[-1][1].append(line.strip())
    want = int(block.options.get("exit", "0"))
    for command, expected in commands:
        start = time.perf_counter()
        process = subprocess.run(["bash", "-c", command], cwd=directory, env=_environment(), capture_output=True,
                                 text=True, timeout=600)
        followed.timings[command] = time.perf_counter() - start
        output = process.stdout + process.stderr
        followed.outputs[command] = output
        assert process.returncode == want, f"guide line {block.line}: `{command}` exited {process.returncode}:\n{output}"
        rest = output
        for part in expected:
            at = rest.find(part)
            assert at >= 0, f"guide line {block.line}: `{command}` did not print (in order) {part!r}:\n{output}"
            rest = rest[at + len(part):]


def follow(markdown: str, directory: Path) -> Followed:
    """Run every block of ``markdown`` in ``directory``, in order (see the module docstring)."""
    followed, start = Followed(), time.perf_counter()
    for block in blocks(markdown):
        target = block.options.get("file") or block.options.get("append") or block.options.get("excerpt")
        path = directory / target if target else None
        if "file" in block.options or "append" in block.options:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a" if "append" in block.options else "w", encoding="utf-8") as out:
                out.write(block.text)
        elif "excerpt" in block.options:
            lines = path.read_text(encoding="utf-8").splitlines()
            wanted = [line for line in block.text.splitlines() if line.strip()]
            positions = [lines.index(line) if line in lines else -1 for line in wanted]
            assert -1 not in positions and positions == sorted(positions), \
                f"guide line {block.line}: {target} does not read:\n{block.text}\nbut:\n" + "\n".join(lines)
        elif block.language == "console":
            _console(block, directory, followed)
        elif block.language == "python":
            exec(compile(block.text, f"{GUIDE.name}:{block.line}", "exec"), {"__name__": "guide"})
        else:
            raise AssertionError(f"guide line {block.line}: a {block.language or 'plain'} block the test cannot run")
        followed.blocks.append(block)
    followed.seconds = time.perf_counter() - start
    return followed


@pytest.fixture(scope="module")
def guide(tmp_path_factory) -> tuple[Followed, Path]:
    course = tmp_path_factory.mktemp("course")
    return follow(GUIDE.read_text(encoding="utf-8"), course), course


def test_every_block_of_the_guide_runs(guide):
    followed, _ = guide
    assert len(followed.blocks) == len(blocks(GUIDE.read_text(encoding="utf-8")))
    print(f"\nfollowing docs/guide.md took {followed.seconds:.1f} s; its commands:")
    for command, seconds in followed.timings.items():
        print(f"  {seconds:5.1f} s  {command}")


def test_the_tutorial_ends_green_with_the_planted_error_as_a_declared_erratum(guide):
    _, course = guide
    report = json.loads((course / "reports" / "verify.json").read_text())
    assert {(c["id"], c["status"], c["outcome"]) for c in report["claims"]} == {
        ("03-01.gradient", "proved", "expected"),
        ("03-01.second-derivative-as-written", "refuted", "expected"),
        ("03-01.second-derivative", "proved", "expected"),
        ("03-01.convex", "proved", "expected"),
        ("03-01.one-step", "verified", "expected")}
    assert (course / "reports" / "junit.xml").is_file() and (course / "reports" / "ngproof.html").is_file()


def test_coverage_of_the_markdown_lesson_has_nothing_uncovered_and_no_warning(guide):
    _, course = guide
    coverage = json.loads((course / "reports" / "coverage.json").read_text())
    assert coverage["summary"] == {"passages": 8, "covered_by_claims": 4, "uncheckable": 4, "uncovered": 0,
                                   "stale_citations": 0}
    assert coverage["warnings"] == []  # init and coverage agree on headings: no '#' on either side


def test_pytest_runs_the_claims(guide):
    followed, _ = guide
    output = next(out for command, out in followed.outputs.items() if "--ngproof" in command)
    assert re.search(r"\b6 passed\b", output), output  # five claims and the catalogue's consistency item


def test_a_guide_whose_output_differs_fails(tmp_path):
    wrong = "```console\n$ echo hello\ngoodbye\n```\n"
    with pytest.raises(AssertionError, match="did not print"):
        follow(wrong, tmp_path)
    with pytest.raises(AssertionError, match="exited 3"):
        follow("```console\n$ exit 3\n```\n", tmp_path)
    with pytest.raises(AssertionError, match="cannot run"):
        follow("```yaml\nkey: value\n```\n", tmp_path)


def test_the_courses_html_report_has_no_figures_of_lesson_24_02(guide):
    _, course = guide
    page = (course / "reports" / "ngproof.html").read_text(encoding="utf-8")
    assert 'id="figures"' not in page and "Worked Example 3" not in page
    assert "03-01.second-derivative-as-written" in page


def test_pytest_honours_a_claims_timeout_in_the_course(guide):
    _, course = guide
    slow = course / "theorems" / "03-01" / "90_slow.py"
    slow.write_text(
        "import time\n\nfrom ngproof import claim\n\n\n"
        '@claim("03-01.slow", title="sleeps past its limit", statement="-", timeout=2,\n'
        '       source=("The Newton Step", "one step moves"), reading="a claim that overruns its own 2 s limit")\n'
        "def _(c):\n    time.sleep(30)\n", encoding="utf-8")
    try:
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "pytest", "--ngproof", "theorems", "-q", "-p", "no:cacheprovider",
                               "-k", "slow"], cwd=course, capture_output=True, text=True, timeout=120)
        seconds = time.perf_counter() - start
    finally:
        slow.unlink()
    assert done.returncode == 1 and re.search(r"\b1 failed\b", done.stdout), done.stdout
    assert "timeout" in done.stdout and seconds < 25
