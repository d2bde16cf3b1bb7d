"""Find theorem modules and build the claim registry.

Modules are loaded by file path under private names, so a course's own
``theorems`` package or the working directory can never shadow them.  Files
whose names start with ``_`` are skipped; modules load in file-name order,
which is the lesson's order when files are numbered.
"""
from __future__ import annotations

import hashlib
import importlib.util
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import ngproof
from ngproof.vocabulary.claims import Claim, Figure, Uncheckable, collecting


@dataclass(frozen=True)
class LoadError:
    """A theorem module that could not be loaded, or a registry inconsistency."""

    path: str
    message: str


@dataclass
class Catalogue:
    """The claims found, in lesson order, the passages and figures declared, and what failed to load."""

    claims: list[Claim] = field(default_factory=list)
    uncheckable: list[Uncheckable] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    load_errors: list[LoadError] = field(default_factory=list)

    def by_id(self) -> dict[str, Claim]:
        return {c.id: c for c in self.claims}


def default_catalogue() -> Path:
    """The catalogue shipped with ngproof (installed beside it, or in a source checkout)."""
    package = Path(ngproof.__file__).resolve().parent
    for candidate in (package / "theorems", package.parent / "theorems"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the packaged theorems catalogue is missing from this installation")


def course_catalogue(start: Path | None = None) -> Path:
    """The catalogue a command given no path works on: the course around ``start`` (default: the
    working directory), else the packaged one.

    Walking up from ``start``, the first directory named ``theorems`` or holding a ``theorems/``
    directory gives the course's catalogue; failing that, the nearest directory with a ``lesson.toml``.
    The walk stops at a repository root (a directory holding ``.git``).
    """
    from ngproof.course.lessons import MANIFEST

    here = Path(start or Path.cwd()).resolve()
    nearest_lesson = None
    for directory in (here, *here.parents):
        if directory.name == "theorems":
            return directory
        if (directory / "theorems").is_dir():
            return directory / "theorems"
        if nearest_lesson is None and (directory / MANIFEST).is_file():
            nearest_lesson = directory
        if (directory / ".git").exists():
            break
    return nearest_lesson or default_catalogue()


def theorem_files(paths: list[Path]) -> list[Path]:
    """The theorem modules under ``paths`` (directories are searched recursively)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.py") if not any(part.startswith("_") for part in p.relative_to(path).parts)))
        elif path.suffix == ".py" and path.is_file():
            files.append(path)
        else:
            raise FileNotFoundError(f"no theorem module or directory at {path}")
    return files


def _module_name(path: Path) -> str:
    digest = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:10]
    return f"ngproof_catalogue_{digest}.{path.stem.replace('-', '_')}"


def load_module(path: Path) -> list[Claim | Uncheckable | Figure]:
    """Import one theorem module by path and return the claims, passages and figures it declares."""
    name = _module_name(path)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    with collecting() as declared:
        spec.loader.exec_module(module)
    return list(declared)


def discover(paths: list[Path] | None = None) -> Catalogue:
    """Load every theorem module under ``paths`` (default: the packaged catalogue)."""
    catalogue = Catalogue()
    for path in theorem_files(list(paths) if paths else [default_catalogue()]):
        try:
            for item in load_module(path):
                (catalogue.claims if isinstance(item, Claim) else catalogue.figures if isinstance(item, Figure)
                 else catalogue.uncheckable).append(item)
        except Exception as exc:  # a broken module is reported, the rest still load
            # the line in the theorem module, not deep inside the library it called
            frames = traceback.extract_tb(exc.__traceback__)
            where = [f for f in frames if Path(f.filename).resolve() == path.resolve()]
            line = getattr(exc, "lineno", None) or (where[-1].lineno if where else "?")
            catalogue.load_errors.append(LoadError(str(path), f"line {line}: {type(exc).__name__}: {exc}"))
    check_references(catalogue)
    return catalogue


def _located(claim: Claim) -> tuple[str, str]:
    path, _, line = claim.origin.rpartition(":")
    return path, f"line {line}"


def check_references(catalogue: Catalogue) -> None:
    """Duplicate ids and unknown ``depends_on``/``corrects`` ids are load errors; those claims do not run.

    Every declaration of a duplicated id is dropped; a claim that refers to an id
    that is missing (or was dropped as a duplicate) is dropped too.
    """
    declared: dict[str, list[Claim]] = {}
    for claim in catalogue.claims:
        declared.setdefault(claim.id, []).append(claim)
    duplicated = {claim_id for claim_id, claims in declared.items() if len(claims) > 1}
    for claim_id in sorted(duplicated):
        places = [":".join(_located(c)) for c in declared[claim_id]]
        for claim in declared[claim_id]:
            path, line = _located(claim)
            catalogue.load_errors.append(LoadError(path, f"{line}: claim id {claim_id!r} is declared "
                                                         f"{len(places)} times ({', '.join(places)}); none of them runs"))
    every_id = set(declared)
    valid = [c for c in catalogue.claims if c.id not in duplicated]
    while True:  # a claim resting on a claim that does not run does not run either
        ids = {c.id for c in valid}
        refused = [(claim, [ref for ref in (*claim.depends_on, *([claim.corrects] if claim.corrects else []))
                            if ref not in ids]) for claim in valid]
        refused = [(claim, unknown) for claim, unknown in refused if unknown]
        if not refused:
            break
        for claim, unknown in refused:
            path, line = _located(claim)
            reasons = [f"{ref!r} ({'declared more than once' if ref in duplicated else 'which does not run' if ref in every_id else 'no such claim'})"
                       for ref in unknown]
            catalogue.load_errors.append(LoadError(path, f"{line}: claim {claim.id!r} refers to "
                                                         f"{', '.join(reasons)}; it does not run"))
        dropped = {claim.id for claim, _ in refused}
        valid = [c for c in valid if c.id not in dropped]
    catalogue.claims = valid
