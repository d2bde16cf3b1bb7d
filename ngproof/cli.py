"""Command line: ``python -m ngproof verify|list|show|coverage|cache|init|bench``.

Exit codes (contract): 0 every outcome as expected; 1 an unexpected outcome,
an error, a timeout, a load error or nothing run; 2 a usage error (one line on
stderr, no traceback).
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

USAGE_ERROR = 2


class UsageError(Exception):
    """Bad command-line input: reported in one line, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        raise UsageError(message)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer seed, got {text!r}") from None
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(f"seed must be in [0, 2**32), got {text}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"timeout must be positive, got {text}")
    return value


def _scheduler(text: str) -> str:
    if not re.fullmatch(r"[a-z][a-z0-9+]*://[^\s/]+:\d+", text):
        raise argparse.ArgumentTypeError(f"expected a scheduler address like tcp://HOST:PORT, got {text!r}")
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m ngproof", description="Check every claim of a lesson.")
    verbs = parser.add_subparsers(dest="verb", required=True, parser_class=_Parser)

    verify = verbs.add_parser("verify", help="run the catalogue and report")
    verify.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="theorem modules or directories")
    verify.add_argument("-k", dest="keyword", metavar="EXPR", help="select claims by id/title/section/tag words")
    verify.add_argument("--lesson", metavar="ID", help="only the claims of this lesson (see lesson.toml)")
    verify.add_argument("-j", dest="jobs", type=_positive_int, default=os.cpu_count() or 1, metavar="N",
                        help="worker processes (default: all cores)")
    verify.add_argument("--profile", choices=("ci", "dev", "thorough"), default="ci")
    verify.add_argument("--seed", type=_seed, default=0, help="seed of all fuzzing (default 0)")
    verify.add_argument("--timeout", type=_seconds, default=600.0, help="per-claim limit in seconds (default 600)")
    verify.add_argument("--json", type=Path, metavar="FILE", help="write the JSON report")
    verify.add_argument("--junit", type=Path, metavar="FILE", help="write JUnit XML")
    verify.add_argument("--html", type=Path, metavar="FILE", help="write the HTML report")
    verify.add_argument("--sarif", type=Path, metavar="FILE",
                        help="write the errata, wording notes and unexpected outcomes as SARIF 2.1.0")
    verify.add_argument("--annotate", choices=("github", "none"),
                        help="workflow annotations on the lesson files (default: github when GITHUB_ACTIONS=true)")
    verify.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    verify.add_argument("-v", "--verbose", action="store_true",
                        help="every claim's line, and each erratum (quote, reading, defence, counterexample, "
                             "correction) and wording note in full")
    verify.add_argument("--executor", choices=("local", "dask"), default="local",
                        help="local worker processes, or Dask (a LocalCluster of -j workers unless --scheduler)")
    verify.add_argument("--scheduler", type=_scheduler, metavar="tcp://HOST:PORT",
                        help="run the claims on this Dask scheduler's cluster (implies --executor dask)")
    verify.add_argument("--workers-timeout", type=_seconds, default=60.0, metavar="S",
                        help="with Dask, give up when the cluster has no worker after S seconds (default 60)")
    verify.add_argument("--no-cache", action="store_true", help="run every claim, reusing nothing from the result cache")
    verify.add_argument("--cache-dir", type=Path, metavar="DIR",
                        help="the result cache (default: $NGPROOF_CACHE_DIR, else .ngproof-cache)")

    listing = verbs.add_parser("list", help="list the claims of the catalogue")
    listing.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    listing.add_argument("--json", action="store_true", help="print JSON")

    show = verbs.add_parser("show", help="show one claim")
    show.add_argument("claim_id", metavar="CLAIM_ID")
    show.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    show.add_argument("--profile", choices=("ci", "dev", "thorough"), default="ci",
                      help="the profile of the cached result to show, or to run with (default ci)")
    show.add_argument("--seed", type=_seed, default=0, help="the seed likewise (default 0)")
    show.add_argument("--timeout", type=_seconds, default=600.0, help="limit in seconds when it runs (default 600)")
    show.add_argument("--no-cache", action="store_true", help="run the claim now, ignoring the result cache")
    show.add_argument("--cache-dir", type=Path, metavar="DIR",
                      help="the result cache (default: $NGPROOF_CACHE_DIR, else .ngproof-cache)")

    coverage = verbs.add_parser("coverage", help="map the lesson's passages to the claims that cite them")
    coverage.add_argument("--material", type=Path, metavar="PATH",
                          help="the lesson text (default: each lesson's material, named in its lesson.toml)")
    coverage.add_argument("--lesson", metavar="ID", help="only this lesson of the course")
    coverage.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    coverage.add_argument("--json", type=Path, metavar="FILE", help="write the coverage as JSON")

    cache = verbs.add_parser("cache", help="show or clear the result cache")
    cache.add_argument("action", choices=("info", "clear"))
    cache.add_argument("--cache-dir", type=Path, metavar="DIR",
                       help="the result cache (default: $NGPROOF_CACHE_DIR, else .ngproof-cache)")

    init = verbs.add_parser("init", help="scaffold a theorem catalogue for a new lesson")
    init.add_argument("path", type=Path, metavar="PATH", help="the course repository")
    init.add_argument("--material", type=Path, required=True, metavar="LESSON.txt", help="the lesson's text (Markdown or plain text)")
    init.add_argument("--id", "--lesson-id", dest="lesson_id", metavar="ID",
                      help="the lesson's id (default: from a first heading '03-01 — Title', else the file name)")
    init.add_argument("--title", metavar="TEXT", help="the lesson's title (default: the first heading)")
    init.add_argument("--install", metavar="REQUIREMENT",
                      help="how the CI workflow installs ngproof: a pip requirement such as 'ngproof==0.1.0' "
                           "or 'ngproof @ git+https://github.com/OWNER/ngproof@main' (default: this release)")

    verbs.add_parser("bench", help="benchmark the kernels against their baselines", add_help=False)
    return parser


def _check_paths(paths: list[Path]) -> None:
    for path in paths:
        if not path.exists():
            raise UsageError(f"no such file or directory: {path}")
        if path.is_file() and path.suffix != ".py":
            raise UsageError(f"{path}: not a theorem module (a .py file) or a directory")


def _check_output(path: Path | None, option: str) -> None:
    """Fail before the run, not after it, when a report could not be written to ``path``."""
    if path is None:
        return
    if path.is_dir():
        raise UsageError(f"{option} {path}: is a directory, give a file name")
    existing = path.absolute().parent
    while not existing.exists():  # missing directories are made when the report is written
        existing = existing.parent
    if not existing.is_dir():
        raise UsageError(f"{option} {path}: {existing} is a file, not a directory")
    if not os.access(existing, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(f"{option} {path}: not writable")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["bench"]:
        from ngproof.bench import main as bench
        return bench(argv[1:])
    try:
        args = build_parser().parse_args(argv)
        _check_paths(getattr(args, "paths", []))
        if args.verb in ("coverage", "init") and args.material is not None and not args.material.is_file():
            raise UsageError(f"--material {args.material}: no such file")
        if args.verb == "verify":
            for path, option in ((args.json, "--json"), (args.junit, "--junit"), (args.html, "--html"),
                                 (args.sarif, "--sarif")):
                _check_output(path, option)
            if args.keyword is not None:
                if not args.keyword.strip():
                    raise UsageError("-k: empty expression (omit -k to run every claim)")
                from ngproof.engine.selection import matcher
                matcher(args.keyword)
    except UsageError as exc:
        print(f"ngproof: error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except ValueError as exc:  # a malformed -k expression
        print(f"ngproof: error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    from ngproof import commands
    return getattr(commands, args.verb)(args)
