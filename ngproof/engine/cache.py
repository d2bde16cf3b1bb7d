"""Incremental verification: a claim's result is reused while nothing it rests on has changed.

A result is stored under a key made of the claim's own code (its decorated body
as written in its module, and the module's code outside every claim body), its
declaration, the keys of the claims it ``depends_on`` (transitively), the source
of the engine, the source of the ``ngproof.kernels`` modules the claim's code
can reach (:mod:`ngproof.engine.kernel_reach`; all of them where that cannot be told),
the sources of a course's own helper modules
that the theorem module imports, the library versions, the profile and the seed.

Entries are JSON files, one slot per (claim, profile, seed), written atomically.
An entry that is not valid JSON, has another schema version, belongs to
another slot, fails its checksum or does not match its own key parts is
*damaged*: it is reported once, deleted and the claim rerun.  The cache is
never trusted over a run: ``error`` and ``timeout`` results are never stored,
and every reused result carries the time it was obtained.
"""
from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import os
import platform
import sys
import sysconfig
import types
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import ngproof
from ngproof.engine.atomic import write_atomic
from ngproof.engine.kernel_reach import kernels_reached
from ngproof.engine.runner import ClaimResult
from ngproof.vocabulary.claims import Claim
from ngproof.vocabulary.evidence import Evidence

SCHEMA_VERSION = 2  # 2: results keep what the claim printed
ENVIRONMENT_VARIABLE = "NGPROOF_CACHE_DIR"
DEFAULT_DIRECTORY = ".ngproof-cache"
CACHEABLE = ("proved", "verified", "refuted", "inconclusive")
LIBRARIES = ("numpy", "scipy", "sympy", "numba", "llvmlite", "hypothesis", "mpmath")
# Parts of ngproof that present, schedule or select results: editing them never changes a
# stored claim's evidence (the executors only carry what runner.execute produced).
_PRESENTATION = {"__main__.py", "bench", "cli.py", "commands.py", "pytest_plugin.py", "report",
                 "course/coverage.py", "course/lessons.py", "course/scaffold.py", "engine/cache.py",
                 "engine/claim_server.py", "engine/executors.py", "engine/selection.py"}
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# An ngproof result cache; 'python -m ngproof cache clear' empties it.\n"


def _digest(*texts: str) -> str:
    hasher = hashlib.sha256()
    for text in texts:
        hasher.update(text.encode("utf-8", "surrogatepass"))
        hasher.update(b"\0")
    return hasher.hexdigest()


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def default_directory() -> Path:
    """``$NGPROOF_CACHE_DIR`` if set, else ``.ngproof-cache`` in the working directory."""
    return Path(os.environ.get(ENVIRONMENT_VARIABLE) or DEFAULT_DIRECTORY)


def _tree_digest(root: Path, skip: set[str] = frozenset()) -> str:
    """A digest of every ``.py`` file under ``root`` (relative names and contents)."""
    texts = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if relative.parts[0] in skip or relative.as_posix() in skip:
            continue
        texts += [relative.as_posix(), path.read_text(encoding="utf-8", errors="surrogateescape")]
    return _digest(*texts)


def package_directory() -> Path:
    """The ngproof package whose engine and kernels enter the keys."""
    return Path(ngproof.__file__).resolve().parent


def code_fingerprint() -> dict[str, str]:
    """Digests of the kernels package, of the rest of the engine, and the library versions."""
    package = package_directory()
    versions = {"ngproof": ngproof.__version__, "python": platform.python_version(), "machine": platform.machine()}
    for name in LIBRARIES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "absent"
    return {"kernels": _tree_digest(package / "kernels"),
            "engine": _tree_digest(package, _PRESENTATION | {"kernels"}),
            "versions": _canonical(versions)}


@functools.lru_cache(maxsize=1)
def _library_roots() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    roots = {paths[name] for name in ("stdlib", "platstdlib", "purelib", "platlib") if name in paths}
    roots.add(str(Path(ngproof.__file__).resolve().parent))  # ngproof itself enters as engine and kernels
    return tuple(str(Path(r).resolve()) + os.sep for r in roots)


def _is_course_code(module_name: str) -> bool:
    """Whether a loaded module is a course's own code: neither a library nor ngproof."""
    source = getattr(sys.modules.get(module_name), "__file__", None)
    return isinstance(source, str) and source.endswith(".py") and not _in_libraries(source)


@functools.lru_cache(maxsize=None)
def _in_libraries(source: str) -> bool:
    return str(Path(source).resolve()).startswith(_library_roots())


def _kernels_digest(modules: set[str] | None) -> str:
    """Digest of the sources of these ``ngproof.kernels`` modules (``None``: the whole package)."""
    kernels = package_directory() / "kernels"
    if modules is None:
        return _tree_digest(kernels)
    if not modules:
        return "none"
    texts = []
    for name in sorted(modules):
        relative = Path(*name.split(".")[2:])
        path = kernels / relative / "__init__.py" if (kernels / relative).is_dir() else kernels / f"{relative}.py"
        texts += [name, path.read_text(encoding="utf-8", errors="surrogateescape") if path.is_file() else "absent"]
    return _digest(*texts)


@dataclass
class _ModuleCode:
    """A theorem module's code split into the claims' own blocks and the shared rest."""

    shared: str
    blocks: dict[int, str]  # first line of a claim's block -> its text
    helpers: str


def _last_line(code: types.CodeType) -> int:
    """The last source line of a function's code, nested functions and lambdas included."""
    last = max((end for _, end, _, _ in code.co_positions() if end), default=code.co_firstlineno)
    nested = (_last_line(const) for const in code.co_consts if isinstance(const, types.CodeType))
    return max(last, *nested, code.co_firstlineno)


def _split_module(path: Path, spans: list[tuple[int, int]]) -> tuple[str, dict[int, str]]:
    """The module's text with every claim's block (decorator to last line) blanked, and those blocks.

    A block shared by several claims (a body declared in a loop) stays in the shared text.
    """
    lines = path.read_text(encoding="utf-8", errors="surrogateescape").splitlines(keepends=True)
    firsts = [first for first, _ in spans]
    blocks = {}
    for first, last in spans:
        if firsts.count(first) == 1:
            blocks[first] = "".join(lines[first - 1:last])
    for first, last in spans:
        if first in blocks:
            lines[first - 1:last] = [""] * (last - first + 1)
    return "".join(lines), blocks


def _helper_sources(module: types.ModuleType | None, own_file: str) -> str:
    """Digest of the course's own modules that a theorem module imports (not libraries, not ngproof)."""
    if module is None:
        return ""
    roots, files = _library_roots(), set()
    owners = {value if isinstance(value, types.ModuleType) else sys.modules.get(getattr(value, "__module__", None) or "")
              for value in vars(module).values()}
    for owner in owners:
        source = getattr(owner, "__file__", None)
        if source and source.endswith(".py"):
            source = str(Path(source).resolve())
            if source != own_file and not source.startswith(roots):
                files.add(source)
    return _digest(*(Path(f).read_text(encoding="utf-8", errors="surrogateescape") for f in sorted(files)))


class Keys:
    """The cache key of every claim of a catalogue (and the parts it is made of)."""

    def __init__(self, claims: list[Claim], profile: str, seed: int) -> None:
        self.by_id = {c.id: c for c in claims}
        fingerprint = code_fingerprint()
        self.common = {"engine": fingerprint["engine"], "versions": fingerprint["versions"],
                       "profile": profile, "seed": str(seed)}
        self._modules: dict[str, _ModuleCode] = {}
        self._parts: dict[str, dict[str, str]] = {}
        self._keys: dict[str, str] = {}
        self._files: dict[str, str] = {}
        self._spans: dict[str, list[tuple[int, int]]] = {}
        self._kernel_digests: dict[frozenset | None, str] = {}
        for c in claims:
            file, line = self._where(c)
            self._spans.setdefault(file, []).append((line, _last_line(c.body.__code__) if file else line))

    def _where(self, claim: Claim) -> tuple[str, int]:
        """The file and first line of the claim's body ('' when it has no Python source)."""
        code = getattr(claim.body, "__code__", None)
        if code is None:
            return "", 0
        if code.co_filename not in self._files:
            self._files[code.co_filename] = str(Path(code.co_filename).resolve())
        return self._files[code.co_filename], code.co_firstlineno

    def _module_code(self, claim: Claim) -> _ModuleCode:
        file, _ = self._where(claim)
        if file not in self._modules:
            try:
                shared, blocks = _split_module(Path(file), self._spans[file])
            except (OSError, ValueError):  # no source on disk: nothing can be compared, so never reuse
                shared, blocks = os.urandom(16).hex(), {}
            self._modules[file] = _ModuleCode(shared, blocks, _helper_sources(sys.modules.get(claim.module), file))
        return self._modules[file]

    def _kernels(self, claim: Claim) -> str:
        reached = kernels_reached(claim.body, _is_course_code)
        memo = None if reached is None else frozenset(reached)
        if memo not in self._kernel_digests:
            self._kernel_digests[memo] = _kernels_digest(reached)
        return self._kernel_digests[memo]

    def parts(self, claim_id: str) -> dict[str, str]:
        """What the key of ``claim_id`` is made of, each part as a digest or a short text."""
        if claim_id not in self._parts:
            self.key(claim_id)
        return self._parts[claim_id]

    def key(self, claim_id: str, _trail: frozenset = frozenset()) -> str:
        """The key of ``claim_id``; a missing or cyclic dependency enters the key by name."""
        if claim_id in self._keys:
            return self._keys[claim_id]
        claim = self.by_id[claim_id]
        code = self._module_code(claim)
        block = code.blocks.get(self._where(claim)[1])
        declaration = {"id": claim.id, "title": claim.title, "statement": claim.statement,
                       "source": [claim.source.section, claim.source.quote], "expect": claim.expect,
                       "condition": claim.condition, "depends_on": list(claim.depends_on),
                       "corrects": claim.corrects, "tags": list(claim.tags), "timeout": claim.timeout,
                       "reading": claim.reading, "defence": claim.defence, "wording": claim.wording}
        dependencies = []
        for dep in claim.depends_on:
            if dep not in self.by_id:
                dependencies.append(f"{dep}: missing")
            elif dep in _trail or dep == claim_id:
                dependencies.append(f"{dep}: cycle")
            else:
                dependencies.append(f"{dep}: {self.key(dep, _trail | {claim_id})}")
        parts = {**self.common,
                 "claim": _digest(block if block is not None else code.shared),
                 "module": _digest(code.shared),
                 "helpers": code.helpers,
                 "kernels": self._kernels(claim),
                 "declaration": _digest(_canonical(declaration)),
                 "dependencies": _digest(*sorted(dependencies))}
        self._parts[claim_id] = parts
        self._keys[claim_id] = _digest(_canonical(parts))
        return self._keys[claim_id]


@dataclass
class Lookup:
    """What the cache holds for one claim: a reusable result, or why the claim must run."""

    claim: Claim
    key: str
    result: ClaimResult | None = None
    reason: str = "not in the cache"
    damaged: bool = False


@dataclass
class CacheReport:
    """What the cache did in one run (rendered by the reports)."""

    directory: str
    reused: int = 0
    stored: int = 0
    rerun: dict[str, str] = field(default_factory=dict)   # claim id -> why it ran
    damaged: dict[str, str] = field(default_factory=dict)  # claim id -> what was wrong with its entry
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"directory": self.directory, "reused": self.reused, "stored": self.stored,
                "rerun": dict(self.rerun), "damaged": dict(self.damaged), "warnings": list(self.warnings)}


def _evidence(data) -> list[Evidence]:
    if not isinstance(data, list) or not data:
        raise ValueError("no evidence")
    evidence = [Evidence(**item) for item in data]
    if any(e.status not in ("proved", "verified", "refuted", "inconclusive") for e in evidence):
        raise ValueError("evidence with an unknown status")
    return evidence


class ResultCache:
    """A directory of cached claim results (see the module docstring)."""

    def __init__(self, directory: str | Path | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_directory()
        self.entries = self.directory / "entries"

    def slot(self, claim_id: str, profile: str, seed: int) -> Path:
        """The entry file of one claim under one profile and seed."""
        return self.entries / f"{_digest(claim_id, profile, str(seed))[:40]}.json"

    def _prepare(self) -> None:
        self.entries.mkdir(parents=True, exist_ok=True)
        tag = self.directory / "CACHEDIR.TAG"
        if not tag.exists():
            write_atomic(tag, _TAG)
            write_atomic(self.directory / ".gitignore", "# written by ngproof: never commit the cache\n*\n")

    def lookup(self, claim: Claim, keys: Keys, profile: str, seed: int) -> Lookup:
        """The cached result of ``claim`` if its entry is sound and its key unchanged."""
        key = keys.key(claim.id)
        path = self.slot(claim.id, profile, seed)
        try:
            text = path.read_text(encoding="utf-8")
        except (FileNotFoundError, NotADirectoryError):
            return Lookup(claim, key)
        except (OSError, UnicodeDecodeError) as exc:
            return self._damaged(claim, key, path, f"unreadable ({type(exc).__name__})")
        try:
            entry = json.loads(text)
        except json.JSONDecodeError:
            return self._damaged(claim, key, path, "not valid JSON (truncated or garbled)")
        if not isinstance(entry, dict) or entry.get("schema") != SCHEMA_VERSION:
            found = entry.get("schema") if isinstance(entry, dict) else type(entry).__name__
            return self._damaged(claim, key, path, f"schema version {found!r}, expected {SCHEMA_VERSION}")
        body = {k: v for k, v in entry.items() if k != "digest"}
        if entry.get("digest") != _digest(_canonical(body)):
            return self._damaged(claim, key, path, "checksum mismatch (the entry was altered)")
        if (entry.get("claim"), entry.get("profile"), entry.get("seed")) != (claim.id, profile, seed):
            return self._damaged(claim, key, path, f"foreign entry (for claim {entry.get('claim')!r})")
        parts = entry.get("parts")
        if not isinstance(parts, dict) or entry.get("key") != _digest(_canonical(parts)):
            return self._damaged(claim, key, path, "key does not match its parts")
        if entry["key"] != key:
            current = keys.parts(claim.id)
            changed = sorted(name for name in set(current) | set(parts) if current.get(name) != parts.get(name))
            return Lookup(claim, key, reason="changed: " + ", ".join(changed))
        try:
            stored = entry["result"]
            evidence = _evidence(stored["evidence"])
            status, seconds, stored_at = stored["status"], float(stored["seconds"]), str(entry["stored_at"])
            output = str(stored.get("output", ""))
            if status not in CACHEABLE:
                raise ValueError(f"status {status!r}")
        except (KeyError, TypeError, ValueError) as exc:
            return self._damaged(claim, key, path, f"malformed result ({exc})")
        return Lookup(claim, key, ClaimResult(claim, status, seconds, evidence, cached_at=stored_at, output=output),
                      reason="")

    def _damaged(self, claim: Claim, key: str, path: Path, reason: str) -> Lookup:
        try:
            path.unlink(missing_ok=True)  # reported now, so never again
        except OSError:
            pass
        return Lookup(claim, key, reason=f"damaged entry: {reason}", damaged=True)

    def store(self, result: ClaimResult, keys: Keys, profile: str, seed: int) -> bool:
        """Store a fresh result (never an error, a timeout or a reused one); False if not stored."""
        if result.status not in CACHEABLE or result.cached_at is not None:
            return False
        self._prepare()
        entry = {"schema": SCHEMA_VERSION, "claim": result.claim.id, "profile": profile, "seed": seed,
                 "key": keys.key(result.claim.id), "parts": keys.parts(result.claim.id),
                 "stored_at": datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"),
                 "result": {"status": result.status, "seconds": result.seconds,
                            "evidence": [e.to_dict() for e in result.evidence], "output": result.output}}
        entry["result"] = json.loads(_canonical(entry["result"]))  # what a reader will see, exactly
        entry["digest"] = _digest(_canonical(entry))
        write_atomic(self.slot(result.claim.id, profile, seed), json.dumps(entry, ensure_ascii=False, indent=1))
        return True

    def info(self) -> dict:
        """Entries, size, profiles and seeds, damaged entries and leftover temporary files."""
        files = sorted(self.entries.glob("*.json")) if self.entries.is_dir() else []
        summary = {"directory": str(self.directory), "entries": 0, "bytes": 0, "damaged": 0,
                   "temporary": len(list(self.entries.glob(".*.tmp"))) if self.entries.is_dir() else 0,
                   "by_profile_seed": {}, "oldest": None, "newest": None}
        for path in files:
            summary["bytes"] += path.stat().st_size
            try:
                entry = json.loads(path.read_text(encoding="utf-8"))
                slot = f"{entry['profile']} / seed {entry['seed']}"
                stored_at = str(entry["stored_at"])
            except (OSError, ValueError, KeyError, TypeError):
                summary["damaged"] += 1
                continue
            summary["entries"] += 1
            summary["by_profile_seed"][slot] = summary["by_profile_seed"].get(slot, 0) + 1
            summary["oldest"] = min(filter(None, (summary["oldest"], stored_at)))
            summary["newest"] = max(filter(None, (summary["newest"], stored_at)))
        return summary

    def clear(self) -> int:
        """Delete every entry (and leftover temporary file); the number of files removed."""
        if not self.entries.is_dir():
            return 0
        if not (self.directory / "CACHEDIR.TAG").is_file():
            raise ValueError(f"{self.directory} does not look like an ngproof cache (no CACHEDIR.TAG); not clearing it")
        removed = 0
        for path in [*self.entries.glob("*.json"), *self.entries.glob(".*.tmp")]:
            path.unlink(missing_ok=True)
            removed += 1
        return removed


def run_cached(
    cache: ResultCache,
    catalogue: list[Claim],
    claims: list[Claim],
    run: Callable[[list[Claim], Callable], list[ClaimResult]],
    *,
    profile: str,
    seed: int,
    progress: Callable[[ClaimResult, int, int], None] | None = None,
) -> tuple[list[ClaimResult], CacheReport]:
    """Reuse what the cache holds for ``claims``, ``run(pending, progress)`` the rest, store it.

    ``catalogue`` is every claim loaded (keys follow ``depends_on`` beyond the selection).
    Results come back in claim order; each fresh result is stored as soon as it arrives,
    so an interrupted run keeps what it finished.
    """
    report = CacheReport(str(cache.directory))
    keys = Keys(catalogue, profile, seed)
    reused: dict[str, ClaimResult] = {}
    for claim in claims:
        found = cache.lookup(claim, keys, profile, seed)
        if found.result is not None:
            reused[claim.id] = found.result
            continue
        report.rerun[claim.id] = found.reason
        if found.damaged:
            report.damaged[claim.id] = found.reason.removeprefix("damaged entry: ")
    report.reused = len(reused)

    def record(result: ClaimResult, done: int, total: int) -> None:
        try:
            report.stored += cache.store(result, keys, profile, seed)
        except OSError as exc:
            if not report.warnings:
                report.warnings.append(f"could not write the cache in {cache.directory}: {exc}")
        if progress:
            progress(result, done, total)

    pending = [c for c in claims if c.id not in reused]
    fresh = {r.claim.id: r for r in run(pending, record)} if pending else {}
    return [reused.get(c.id) or fresh[c.id] for c in claims], report
