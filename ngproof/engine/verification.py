"""One verification run: discover, select, run, and the result every report renders."""
from __future__ import annotations

import platform
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import ngproof
from ngproof.engine.discovery import LoadError, discover
from ngproof.engine.runner import DEFAULT_TIMEOUT, ClaimResult, run_claims
from ngproof.engine.selection import select
from ngproof.vocabulary.claims import Figure, Uncheckable
from ngproof.vocabulary.evidence import STATUSES


@dataclass
class Run:
    """The results of a run, with what a report needs to say how they were obtained."""

    results: list[ClaimResult]
    load_errors: list[LoadError]
    seed: int
    profile: str
    seconds: float
    started: str
    paths: list[str] = field(default_factory=list)
    uncheckable: list[Uncheckable] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)  # declared by the catalogue, drawn by the HTML report
    version: str = ngproof.__version__
    cache: dict | None = None  # what the result cache did (ngproof.engine.cache.CacheReport), None without one
    executor: dict | None = None  # what a cluster cost the run (lost workers, retried claims); None for the local pool

    @property
    def summary(self) -> dict[str, int]:
        counts = {status: 0 for status in STATUSES}
        for result in self.results:
            counts[result.status] += 1
        counts["unexpected"] = sum(r.outcome == "unexpected" for r in self.results)
        return counts

    @property
    def errata(self) -> list[ClaimResult]:
        """Lesson statements found false or conditional, as declared."""
        return [r for r in self.results if r.claim.is_erratum and r.status == "refuted"]

    @property
    def wording_notes(self) -> list[ClaimResult]:
        """Claims that hold as declared but carry a note on the lesson's loose wording."""
        return [r for r in self.results if r.claim.judgement == "wording" and r.outcome == "expected"]

    def corrections(self) -> dict[str, list[str]]:
        """For each claim of the run that some claim corrects, the ids of its corrections in run order."""
        corrected_by: dict[str, list[str]] = {}
        for result in self.results:
            if result.claim.corrects:
                corrected_by.setdefault(result.claim.corrects, []).append(result.claim.id)
        return corrected_by

    @property
    def failed(self) -> bool:
        """Whether CI should fail: an unexpected outcome, a load error, or nothing run."""
        return bool(self.load_errors) or not self.results or any(r.outcome == "unexpected" for r in self.results)

    def fully_proved(self) -> set[str]:
        """Claims proved whose every dependency (transitively) is fully proved too."""
        by_id = {r.claim.id: r for r in self.results}
        memo: dict[str, bool] = {}

        def check(claim_id: str, trail: frozenset) -> bool:
            if claim_id not in memo:
                result = by_id.get(claim_id)
                memo[claim_id] = bool(result) and result.status == "proved" and claim_id not in trail and all(
                    check(dep, trail | {claim_id}) for dep in result.claim.depends_on)
            return memo[claim_id]

        return {claim_id for claim_id in by_id if check(claim_id, frozenset())}


def environment() -> dict[str, str]:
    """Library versions next to the seed: hypothesis replays need the same versions."""
    import hypothesis
    import mpmath
    import numba
    import numpy
    import sympy
    return {"python": platform.python_version(), "numpy": numpy.__version__, "numba": numba.__version__,
            "sympy": sympy.__version__, "hypothesis": hypothesis.__version__, "mpmath": mpmath.__version__,
            "host": platform.node()}


def verify(
    paths: list[Path] | None = None,
    *,
    keyword: str | None = None,
    jobs: int = 1,
    timeout: float = DEFAULT_TIMEOUT,
    seed: int = 0,
    profile: str = "ci",
    progress: Callable | None = None,
    started: Callable | None = None,
    cache=None,
    lesson: str | None = None,
    executor=None,
) -> Run:
    """Discover the catalogue under ``paths``, select by ``keyword`` (and ``lesson``) and run it.

    With a ``cache`` (an :class:`ngproof.engine.cache.ResultCache`), claims whose key is
    unchanged are reused from it, marked with the time they were obtained.  An
    unknown ``lesson`` raises :class:`ngproof.course.lessons.LessonError` before anything runs.
    ``executor`` (see :mod:`ngproof.engine.executors`) runs the claims; default: ``jobs`` local processes.
    ``progress(result, done, total)`` and ``started(claim, total)`` follow the claims run afresh.
    """
    began = datetime.now(timezone.utc).isoformat(timespec="seconds")
    clock = time.perf_counter()
    catalogue = discover(paths)
    claims = select(catalogue.claims, keyword)
    if lesson is not None:
        from ngproof.course.lessons import find_lessons, lesson_of_module, select_lesson
        from ngproof.engine.discovery import default_catalogue
        claims = select_lesson(claims, lesson, find_lessons(paths or [default_catalogue()]))
        catalogue.uncheckable = [u for u in catalogue.uncheckable
                                 if (home := lesson_of_module(u.module)) is not None and home.id == lesson]
        catalogue.figures = [f for f in catalogue.figures
                             if (home := lesson_of_module(f.module)) is not None and home.id == lesson]

    def run(pending: list, report_progress: Callable | None) -> list[ClaimResult]:
        if executor is not None:
            return executor.run(pending, paths=paths, timeout=timeout, seed=seed, profile=profile,
                                progress=report_progress, started=started)
        return run_claims(pending, paths=paths, jobs=jobs, timeout=timeout, seed=seed, profile=profile,
                          progress=report_progress, started=started)

    cache_report = None
    if cache is None:
        results = run(claims, progress)
    else:
        from ngproof.engine.cache import run_cached
        results, cache_report = run_cached(cache, catalogue.claims, claims, run, profile=profile, seed=seed,
                                           progress=progress)
    return Run(results, catalogue.load_errors, seed, profile, time.perf_counter() - clock, began,
               [str(p) for p in paths or []], catalogue.uncheckable,
               cache=cache_report.to_dict() if cache_report else None,
               executor=executor.account() if executor is not None else None, figures=catalogue.figures)


def result_of(catalogue, claims: list, *, paths: list[Path] | None, cache=None, seed: int = 0, profile: str = "ci",
              timeout: float = DEFAULT_TIMEOUT) -> list[ClaimResult]:
    """The results of ``claims``: reused from ``cache`` where nothing they rest on changed, else run now
    (one at a time, isolated and timed as in ``verify``) and stored."""
    def run(pending: list, progress: Callable | None) -> list[ClaimResult]:
        return run_claims(pending, paths=paths, jobs=1, timeout=timeout, seed=seed, profile=profile, progress=progress)

    if cache is None:
        return run(claims, None)
    from ngproof.engine.cache import run_cached
    results, _ = run_cached(cache, catalogue.claims, claims, run, profile=profile, seed=seed)
    return results
