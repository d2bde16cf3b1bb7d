"""pytest plugin: the lesson's claims as pytest items.

``pytest --ngproof`` adds one item per claim of the packaged catalogue (node
ids ``ngproof::<claim id>``); ``pytest --ngproof path/to/theorems`` collects
the theorem modules found there instead (``<file>::<claim id>``).  A theorem
module is a ``.py`` file, not private (``_``), not a test or conftest file,
that lies in a directory named ``theorems`` or in a file or directory given
on the command line.  An item passes when the claim's outcome is the one its
author declared (an erratum must be refuted); a failure shows the counterexample.

Claims run as under ``verify``: each in a claim server process
(:class:`ngproof.engine.claim_server.ClaimServer`, one per pytest process, forked from
it so nothing is imported twice) under the same per-claim limit, the claim's
own ``timeout=`` capped by ``--ngproof-timeout`` (default 600 s, ``verify``'s
default).  A claim that overruns is killed with its server and reported as a
timeout; a claim that kills its process is an error; the next claim gets a
fresh server.  pytest-xdist (``-n``) spreads the claims, and ``-x`` and ``-k``
keep their usual meaning.

One more item, ``ngproof::catalogue``, fails when the catalogue is not whole:
a module that does not load, a duplicate id, a dependency or correction that
names no claim, or a declared claim that was not collected.

Importing this module loads neither sympy nor numba (pytest imports every
installed plugin at start-up).
"""
from __future__ import annotations

from pathlib import Path

import pytest

_CLAIMS_KEY = pytest.StashKey[dict]()
_PATHS_KEY = pytest.StashKey[list]()
_SERVER_KEY = pytest.StashKey[list]()  # [the claim server of this pytest process] once one has started


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("ngproof", "claims of the lesson as tests")
    group.addoption("--ngproof", action="store_true", default=False,
                    help="collect the lesson's claims (the packaged catalogue, or theorem modules given as paths)")
    group.addoption("--ngproof-seed", type=int, default=0, metavar="N", help="seed of all fuzzing (default 0)")
    group.addoption("--ngproof-profile", choices=("ci", "dev", "thorough"), default="ci",
                    help="hypothesis budget profile (default ci)")
    group.addoption("--ngproof-timeout", type=float, default=None, metavar="S",
                    help="per-claim limit in seconds, capping each claim's own timeout (default 600, as verify)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "ngproof: a claim of the lesson, checked by ngproof")
    config.stash[_CLAIMS_KEY] = {}
    config.stash[_PATHS_KEY] = []
    config.stash[_SERVER_KEY] = []


def pytest_unconfigure(config: pytest.Config) -> None:
    for server in config.stash.get(_SERVER_KEY, []):
        server.kill()


def _explicit_paths(config: pytest.Config) -> list[Path]:
    base = config.invocation_params.dir
    paths = []
    for argument in config.invocation_params.args:
        if argument.startswith("-"):
            continue
        candidate = (base / argument.split("::")[0]).resolve()
        if candidate.exists() and candidate != config.rootpath.resolve():
            paths.append(candidate)
    return paths


def _is_theorem_module(file_path: Path, config: pytest.Config) -> bool:
    name = file_path.name
    if file_path.suffix != ".py" or name.startswith("_") or name == "conftest.py":
        return False
    if any(file_path.match(pattern) for pattern in config.getini("python_files")):
        return False
    resolved = file_path.resolve()
    if resolved.parent.name == "theorems":
        return True
    return any(resolved == p or p in resolved.parents for p in _explicit_paths(config))


def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    if parent.config.getoption("ngproof") and _is_theorem_module(file_path, parent.config):
        return TheoremModule.from_parent(parent, path=file_path)
    return None


@pytest.hookimpl(tryfirst=True)  # before -k/-m deselection, so they apply to the added items
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list) -> None:
    if not config.getoption("ngproof"):
        return
    group = PackagedCatalogue.from_parent(session, name="ngproof", nodeid="ngproof")
    added = []
    if not any(isinstance(item, ClaimItem) for item in items):
        from ngproof.engine.discovery import default_catalogue

        added.extend(group.collect())
        config.stash[_PATHS_KEY].append(default_catalogue())
    added.append(CatalogueItem.from_parent(group, name="catalogue"))
    items.extend(added)
    # report them as collected, so that the header's "collected N items" counts them
    config.hook.pytest_collectreport(report=pytest.CollectReport(group.nodeid, "passed", None, added))


def _limit(config: pytest.Config, claim) -> float:
    """The claim's own limit, capped by --ngproof-timeout (as verify's --timeout caps it)."""
    from ngproof.engine.runner import DEFAULT_TIMEOUT

    cap = config.getoption("ngproof_timeout") or DEFAULT_TIMEOUT
    return min(claim.timeout or cap, cap)


def _server(config: pytest.Config):
    """This pytest process's claim server, started (forked from here) if none is alive."""
    from ngproof.engine.claim_server import ClaimServer, fingerprint

    servers = config.stash[_SERVER_KEY]
    if not servers or not servers[0].alive():
        import ngproof.vocabulary.checks  # noqa: F401 - loaded here once, so every server forked from here starts warm

        if servers:
            servers.pop().kill()
        paths = [str(p) for p in config.stash[_PATHS_KEY]]
        servers.append(ClaimServer(paths, config.getoption("ngproof_seed"), config.getoption("ngproof_profile"),
                                   fingerprint(), preloaded=dict(config.stash[_CLAIMS_KEY])))
    return servers[0]


def _claim_items(parent: pytest.Collector, declared: list):
    from ngproof.vocabulary.claims import Claim

    for claim in declared:
        if isinstance(claim, Claim):
            parent.config.stash[_CLAIMS_KEY].setdefault(claim.id, claim)
            yield ClaimItem.from_parent(parent, name=claim.id, claim=claim)


class TheoremModule(pytest.File):
    """A theorem module given on the command line (or in a ``theorems`` directory)."""

    def collect(self):
        from ngproof.engine.discovery import load_module

        self.config.stash[_PATHS_KEY].append(self.path)
        yield from _claim_items(self, load_module(self.path))


class PackagedCatalogue(pytest.Collector):
    """The catalogue shipped with ngproof, under stable node ids ``ngproof::<id>``."""

    def collect(self):
        from ngproof.engine.discovery import discover

        return list(_claim_items(self, discover(None).claims))


class ClaimFailed(Exception):
    """A claim's outcome was not the one declared."""


class ClaimItem(pytest.Item):
    """One claim: passes iff its outcome is the declared one."""

    def __init__(self, *, claim, **kwargs) -> None:
        super().__init__(**kwargs)
        self.claim = claim
        self.add_marker("ngproof")
        self.extra_keyword_matches.update(claim.tags)
        self.user_properties.append(("section", claim.source.section))

    def runtest(self) -> None:
        from ngproof.engine.runner import ClaimResult
        from ngproof.report.junit import explain

        status, seconds, evidence, output = _server(self.config).ask(self.claim.id, _limit(self.config, self.claim))
        result = ClaimResult(self.claim, status, seconds, evidence, output=output)
        self.user_properties.extend([("status", status), ("outcome", result.outcome)])
        if result.outcome != "expected":
            raise ClaimFailed(explain(result))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ClaimFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        code = getattr(self.claim.body, "__code__", None)
        path = Path(code.co_filename) if code else self.path
        return path, (code.co_firstlineno - 1 if code else None), f"claim {self.claim.id}: {self.claim.title}"


class CatalogueItem(pytest.Item):
    """Fails when the catalogue is not whole (see the module docstring)."""

    def runtest(self) -> None:
        from ngproof.engine.discovery import discover

        paths = self.config.stash[_PATHS_KEY]
        collected = self.config.stash[_CLAIMS_KEY]
        catalogue = discover(paths or None)
        problems = [f"load error in {e.path}: {e.message}" for e in catalogue.load_errors]
        known = {c.id for c in catalogue.claims}
        problems += [f"claim {c.id} was declared but not collected" for c in catalogue.claims if c.id not in collected]
        for claim in catalogue.claims:
            problems += [f"{claim.id} depends on {d!r}, which is no claim" for d in claim.depends_on if d not in known]
            if claim.corrects and claim.corrects not in known:
                problems.append(f"{claim.id} corrects {claim.corrects!r}, which is no claim")
        if not catalogue.claims:
            problems.append("the catalogue declares no claims: a run that checks nothing fails")
        if problems:
            raise ClaimFailed("the catalogue is not whole:\n  " + "\n  ".join(problems))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ClaimFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, None, "ngproof catalogue"
