"""``python -m ngproof init PATH --material LESSON.txt``: a catalogue for a new lesson of a course.

Writes, under the course repository PATH:

* ``theorems/<lesson>/lesson.toml``: the lesson's id, title and material (``--id`` and ``--title`` set
  the first two; otherwise they are taken from the text and ``init`` says from where, see
  :func:`lesson_names`);
* ``theorems/<lesson>/01_<section>.py``: a first claim citing the lesson (the
  first formula of its first section, verbatim), whose body is still to be
  written: until it is, ``verify`` reports it as an error and fails, so a
  scaffolded catalogue never passes for a checked one;
* ``.github/workflows/ngproof.yml``: the course's CI (only if absent; see :mod:`ngproof.course.workflow`);
* the material itself under ``material/`` when it lives outside PATH.
"""
from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ngproof.course.material import Material, MaterialError, read
from ngproof.course.workflow import check_install, default_install, github_workflow

_TITLE = re.compile(r"^(?P<id>(?=[\w.\-]*\d)[\w.\-]+)\s+[—–-]\s+(?P<title>.+?)\s*$")
_FORMULA = re.compile(r"\$\$.+?\$\$|\$[^$]+\$")
_MAX_QUOTE = 160


class ScaffoldError(ValueError):
    """The lesson cannot be scaffolded here (reported in one line, exit 2)."""


@dataclass
class Scaffolded:
    """What ``scaffold`` wrote and what to do next."""

    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    next_steps: str = ""


def slug(text: str, words: int = 5) -> str:
    """Lower-case words joined by '-', for ids and file names."""
    parts = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(parts[:words])


def _title_heading(lesson: Material):
    """The heading the text opens with (before any passage), which titles the lesson; None if it opens with text."""
    if lesson.headings and (not lesson.passages or lesson.headings[0].start < lesson.passages[0].start):
        return lesson.headings[0]
    return None


def lesson_names(lesson: Material, stem: str, lesson_id: str | None = None,
                 title: str | None = None) -> tuple[str, str, list[str]]:
    """The lesson's id and title, and a note for each one not given (where it came from, how to set it).

    A first heading of the form ``03-01 — Title`` (an id containing a digit, a dash or an em dash, the title)
    gives both; otherwise the title is the first heading and the id the file's name.
    """
    notes = []
    first = _title_heading(lesson)
    match = _TITLE.match(first.text) if first else None
    if lesson_id is None:
        lesson_id = slug(match["id"], 8) if match else slug(stem, 8) or "lesson"
        origin = f"the first heading {first.text!r}" if match else f"the file name {stem!r}"
        notes.append(f"lesson id {lesson_id!r} from {origin} (set it with --id)")
    if title is None:
        title = match["title"] if match else first.text if first else lesson_id
        origin = f"the first heading (line {first.line})" if first else "the lesson id (the text starts with no heading)"
        notes.append(f"title {title!r} from {origin} (set it with --title)")
    return lesson_id, title, notes


def first_claim(lesson: Material) -> tuple[str, str]:
    """The section heading and verbatim quote of the lesson's first formula (else of its first sentence)."""
    cited = [p for p in lesson.passages if p.section]
    title = _title_heading(lesson)
    if title is not None and any(p.section != title.text for p in cited):
        cited = [p for p in cited if p.section != title.text]  # the lesson's sections before its introduction
    if not cited:
        raise ScaffoldError(f"{lesson.path}: found no passage under a heading; start each section with a heading "
                            f"('## Heading' in Markdown, or a short line of its own between blank lines)")
    passage = next((p for p in cited if _FORMULA.search(p.text)), cited[0])
    formula = _FORMULA.search(passage.text)
    if len(passage.text) <= _MAX_QUOTE:
        return passage.section, passage.text
    return passage.section, formula.group() if formula else passage.text[:_MAX_QUOTE].rsplit(" ", 1)[0]


def _literal(text: str) -> str:
    """A Python string literal for ``text``: raw when that is exact, else escaped."""
    if '"' not in text and "\n" not in text and not text.endswith("\\"):
        return f'r"{text}"'
    return repr(text)


def _module(lesson_id: str, title: str, heading: str, quote: str, catalogue: str) -> str:
    formulas = _FORMULA.findall(quote)
    statement = max(formulas, key=len).strip("$").strip() if formulas else quote
    claim_id = f"{lesson_id}.{slug(heading, 4)}" if slug(heading, 4) else f"{lesson_id}.first-claim"
    return f'''"""{heading} (lesson {lesson_id}, {title}).

One claim per statement of the section, each citing the lesson verbatim.
Check it with: python -m ngproof verify {catalogue} --lesson {lesson_id}
"""
from ngproof import claim

SECTION = {_literal(heading)}


@claim({claim_id!r},
       title="The section's first formula, as the lesson states it",
       statement={_literal(statement)},
       source=(SECTION, {_literal(quote)}))
def _(c):
    # Encode the statement as the lesson makes it (a false one: expect="false" and a counterexample),
    # then delete the line below.  For example:
    #   c.prove(lhs, rhs, scope="all real x")           sympy: lhs - rhs reduces to exactly 0
    #   c.fuzz(test, reals(-5, 5), scope="x in [-5, 5]")  hypothesis: test(x) returns close(computed, oracle)
    #   c.example("the worked number", computed, "0.62")  the lesson's number at its written precision
    raise NotImplementedError("not encoded yet: write this claim's checks")
'''


def _write(path: Path, text: str, written: list[Path]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    written.append(path)


def scaffold(root: str | Path, material: str | Path, *, lesson_id: str | None = None,
             title: str | None = None, install: str | None = None) -> Scaffolded:
    """Scaffold the catalogue of the lesson in ``material`` inside the course at ``root``.

    ``install``: the pip requirement the workflow installs ngproof with (default: this release).
    """
    root, material = Path(root), Path(material)
    try:
        check_install(default_install() if install is None else install)
    except ValueError as exc:
        raise ScaffoldError(str(exc)) from None
    if root.exists() and not root.is_dir():
        raise ScaffoldError(f"{root} is not a directory")
    try:
        lesson = read(material)
    except MaterialError as exc:
        raise ScaffoldError(str(exc)) from None
    lesson_id, title, notes = lesson_names(lesson, material.stem, lesson_id, title)
    heading, quote = first_claim(lesson)
    if slug(lesson_id, 99) != lesson_id:
        raise ScaffoldError(f"lesson id {lesson_id!r}: use lower-case letters, digits and '-' (e.g. {slug(lesson_id, 99)!r})")
    if not title.strip():
        raise ScaffoldError("the title is empty; give one with --title")
    lesson_dir = root / "theorems" / lesson_id
    if lesson_dir.exists() and any(lesson_dir.iterdir()):
        raise ScaffoldError(f"{lesson_dir} already exists and is not empty; nothing written")

    result = Scaffolded(notes=notes)
    inside = material.resolve().is_relative_to(root.resolve())
    kept = material if inside else root / "material" / material.name
    if not inside:
        if kept.exists() and kept.read_bytes() != material.read_bytes():
            raise ScaffoldError(f"{kept} exists with other content; nothing written")
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(material, kept)
        result.files.append(kept)
    material_in_repo = kept.resolve().relative_to(root.resolve()).as_posix()
    relative = Path(os.path.relpath(kept.resolve(), lesson_dir.resolve())).as_posix()
    _write(lesson_dir / "lesson.toml",
           f"# The lesson this catalogue checks ('python -m ngproof verify --lesson {lesson_id}').\n"
           f"id = {json.dumps(lesson_id)}\ntitle = {json.dumps(title, ensure_ascii=False)}\n"
           f"material = {json.dumps(relative)}\n", result.files)
    catalogue = f"theorems/{lesson_id}"
    module = lesson_dir / f"01_{slug(heading, 4).replace('-', '_') or 'first'}.py"
    _write(module, _module(lesson_id, title, heading, quote, catalogue), result.files)
    workflow = root / ".github" / "workflows" / "ngproof.yml"
    if not workflow.exists():
        _write(workflow, github_workflow("theorems", install), result.files)
    result.next_steps = (
        f"next: write the checks of the claim in {module} (it fails until you do), add one claim per statement\n"
        f"of the lesson, then run: python -m ngproof verify {catalogue} --lesson {lesson_id}\n"
        f"and see which passages are covered: python -m ngproof coverage --material {material_in_repo} {catalogue}")
    return result
