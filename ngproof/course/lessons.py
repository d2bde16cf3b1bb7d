"""A course of many lessons: each lesson is a directory of theorem modules with a ``lesson.toml``.

    theorems/
      24-02/lesson.toml      id = "24-02", title = "...", material = "../../material/24-02.txt"
      24-02/05_bernoulli.py
      24-03/lesson.toml
      24-03/01_kernel.py

A theorem module belongs to the lesson of the nearest directory above it that
holds a ``lesson.toml``; a catalogue without one is a single, unnamed lesson.
``material`` is the lesson's text, relative to the ``lesson.toml``.  Claim ids
stay unique across the whole course, so ``depends_on`` may cross lessons.
"""
from __future__ import annotations

import functools
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ngproof.vocabulary.claims import Claim

MANIFEST = "lesson.toml"


class LessonError(ValueError):
    """A malformed ``lesson.toml`` or an unknown lesson id."""


@dataclass(frozen=True)
class Lesson:
    """One lesson of a course: its id, title, the text it checks and its catalogue directory."""

    id: str
    title: str
    directory: Path
    material: Path | None = None


@functools.lru_cache(maxsize=None)
def read_manifest(manifest: Path) -> Lesson:
    """The lesson described by ``manifest`` (a ``lesson.toml``)."""
    try:
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise LessonError(f"{manifest}: {exc}") from None
    lesson_id = data.get("id")
    if not isinstance(lesson_id, str) or not lesson_id.strip():
        raise LessonError(f"{manifest}: give the lesson an id, e.g. id = \"24-03\"")
    material = data.get("material")
    return Lesson(lesson_id, str(data.get("title", lesson_id)), manifest.parent,
                  (manifest.parent / material).resolve() if material else None)


@functools.lru_cache(maxsize=None)
def _lesson_of_directory(directory: Path) -> Lesson | None:
    for candidate in (directory, *directory.parents):
        if (candidate / MANIFEST).is_file():
            return read_manifest(candidate / MANIFEST)
    return None


def lesson_of_file(path: str | Path) -> Lesson | None:
    """The lesson a theorem module belongs to (None outside any lesson)."""
    return _lesson_of_directory(Path(path).resolve().parent)


def lesson_of(claim: Claim) -> Lesson | None:
    """The lesson that declares ``claim`` (None outside a lesson or under a broken manifest,
    which ``find_lessons`` reports)."""
    code = getattr(claim.body, "__code__", None)
    try:
        return lesson_of_file(code.co_filename) if code else None
    except LessonError:
        return None


def lesson_of_module(module_name: str) -> Lesson | None:
    """The lesson of a loaded theorem module (for passages listed as uncheckable)."""
    source = getattr(sys.modules.get(module_name), "__file__", None)
    return lesson_of_file(source) if source else None


def lesson_id(claim: Claim) -> str | None:
    """The id of the claim's lesson, for reports (None outside any lesson)."""
    lesson = lesson_of(claim)
    return lesson.id if lesson else None


def find_lessons(paths: list[Path]) -> list[Lesson]:
    """Every lesson under (or around) ``paths``, in directory order."""
    found: dict[Path, Lesson] = {}
    for path in paths:
        path = Path(path).resolve()
        manifests = sorted(path.rglob(MANIFEST)) if path.is_dir() else []
        around = _lesson_of_directory(path if path.is_dir() else path.parent)
        for lesson in [around, *map(read_manifest, manifests)]:
            if lesson is not None:
                found.setdefault(lesson.directory, lesson)
    return list(found.values())


def select_lesson(claims: list[Claim], wanted: str, known: list[Lesson]) -> list[Claim]:
    """The claims of lesson ``wanted``; an unknown id is an error that lists the known ones."""
    if wanted not in {lesson.id for lesson in known}:
        names = ", ".join(sorted(lesson.id for lesson in known)) or f"none (no {MANIFEST} in the catalogue)"
        raise LessonError(f"no lesson {wanted!r}; lessons: {names}")
    return [c for c in claims if (lesson := lesson_of(c)) is not None and lesson.id == wanted]
