"""What each verb of the command line does, given parsed arguments."""
from __future__ import annotations

import json
import os
import sys

from ngproof.engine.atomic import write_atomic


def _catalogue(args) -> list:
    """The paths given, else the course catalogue around the working directory (the packaged one outside a course)."""
    from ngproof.engine.discovery import course_catalogue

    return [*args.paths] or [course_catalogue()]


def verify(args) -> int:
    if args.jobs > 1:  # one BLAS thread per worker: the workers already use the cores
        for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
            os.environ.setdefault(variable, "1")
    if args.html:  # proof steps also as sympy's presentation MathML, made in the workers
        os.environ["NGPROOF_MATHML"] = "1"
    from ngproof.engine.verification import verify as run_verification
    from ngproof.report import json_report, text

    from ngproof.engine.executors import DaskExecutor, ExecutorError, LocalExecutor
    try:
        executor = (DaskExecutor(args.scheduler, workers=args.jobs, workers_timeout=args.workers_timeout)
                    if args.executor == "dask" or args.scheduler
                    else LocalExecutor(args.jobs))
    except ExecutorError as exc:
        print(f"ngproof: error: {exc}", file=sys.stderr)
        return 2
    paths = _catalogue(args)
    print(f"ngproof: profile {args.profile}, seed {args.seed}, {executor.describe()}", file=sys.stderr)
    executor.prepare(paths, args.seed, args.profile)
    result_cache = None
    if not args.no_cache:
        from ngproof.engine.cache import ResultCache
        result_cache = ResultCache(args.cache_dir)
    from ngproof.course.lessons import LessonError
    from ngproof.engine.progress import Progress
    progress = None if args.quiet else Progress(sys.stderr)
    try:
        run = run_verification(paths, keyword=args.keyword, jobs=args.jobs, timeout=args.timeout,
                               seed=args.seed, profile=args.profile, progress=progress,
                               started=progress and progress.started, cache=result_cache, lesson=args.lesson,
                               executor=executor)
    except (LessonError, ExecutorError) as exc:
        print(f"ngproof: error: {exc}", file=sys.stderr)
        return 2
    finally:
        executor.close()
        if progress:
            progress.close()
    print(text.render(run, verbose=args.verbose), end="")
    if args.annotate == "github" or (args.annotate is None and os.environ.get("GITHUB_ACTIONS") == "true"):
        from ngproof.report import annotations
        print(annotations.render(run), end="", flush=True)
    if args.sarif:
        from ngproof.report import sarif
        write_atomic(args.sarif, sarif.render(run))
    if args.json:
        write_atomic(args.json, json_report.render(run))
    if args.junit:
        from ngproof.report import junit
        write_atomic(args.junit, junit.render(run))
    if args.html:
        from ngproof.report import html
        write_atomic(args.html, html.render(run))
    return 1 if run.failed else 0


def list(args) -> int:  # noqa: A001 - the verb's name
    from ngproof.engine.discovery import discover

    catalogue = discover(_catalogue(args))
    if args.json:
        rows = [{"id": c.id, "title": c.title, "section": c.source.section, "expect": c.expect,
                 "depends_on": [*c.depends_on], "tags": [*c.tags]} for c in catalogue.claims]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        for c in catalogue.claims:
            print(f"{c.id:<44} {c.expect:<9} {c.title}")
    for error in catalogue.load_errors:
        print(f"LOAD ERROR {error.path}: {error.message}", file=sys.stderr)
    return 1 if catalogue.load_errors else 0


def show(args) -> int:
    """The claim as a student reads it, with its result from the cache (or from running it now)."""
    from ngproof.engine.discovery import discover
    from ngproof.engine.verification import result_of
    from ngproof.report.show import render

    paths = _catalogue(args)
    catalogue = discover(paths)
    claim = catalogue.by_id().get(args.claim_id)
    if claim is None:
        near = [c.id for c in catalogue.claims if args.claim_id in c.id][:5]
        hint = f"; did you mean {', '.join(near)}?" if near else " (see 'python -m ngproof list')"
        print(f"ngproof: error: no claim with id {args.claim_id!r} in {', '.join(map(str, paths))}{hint}",
              file=sys.stderr)
        return 2
    cache = None
    if not args.no_cache:
        from ngproof.engine.cache import ResultCache
        cache = ResultCache(args.cache_dir)
    corrections = [c for c in catalogue.claims if c.corrects == claim.id]
    results = result_of(catalogue, [claim, *corrections], paths=paths, cache=cache, seed=args.seed,
                        profile=args.profile, timeout=args.timeout)
    print(render(results[0], results[1:], by_id=catalogue.by_id()), end="")
    return 0 if results[0].outcome == "expected" else 1


def coverage(args) -> int:
    from ngproof.course.coverage import main as run_coverage

    args.paths = _catalogue(args)
    return run_coverage(args)


def cache(args) -> int:
    from ngproof.engine.cache import ResultCache

    result_cache = ResultCache(args.cache_dir)
    if args.action == "clear":
        try:
            removed = result_cache.clear()
        except ValueError as exc:
            print(f"ngproof: error: {exc}", file=sys.stderr)
            return 2
        print(f"removed {removed} cache entries from {result_cache.directory}")
        return 0
    info = result_cache.info()
    print(f"cache {info['directory']}: {info['entries']} entries, {info['bytes'] / 1024:.1f} KiB"
          + (f", stored {info['oldest']} to {info['newest']}" if info["entries"] else ""))
    for slot, count in sorted(info["by_profile_seed"].items()):
        print(f"  {slot}: {count}")
    if info["damaged"] or info["temporary"]:
        print(f"  {info['damaged']} damaged (rerun and replaced on the next verify), "
              f"{info['temporary']} leftover temporary files")
    return 0


def init(args) -> int:
    from ngproof.course.scaffold import ScaffoldError, scaffold

    try:
        written = scaffold(args.path, args.material, lesson_id=args.lesson_id, title=args.title, install=args.install)
    except ScaffoldError as exc:
        print(f"ngproof: error: {exc}", file=sys.stderr)
        return 2
    for note in written.notes:
        print(note)
    for path in written.files:
        print(f"wrote {path}")
    print(written.next_steps)
    return 0
