"""The result cache: what reruns after an edit, damaged entries, atomic writes, the command line."""
from __future__ import annotations

import json
import multiprocessing
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import ngproof.vocabulary.checks  # noqa: F401 - loaded once here, so forked workers start warm
from ngproof.engine import cache as cache_module
from ngproof.engine.cache import Keys, ResultCache
from ngproof.engine.discovery import discover, load_module
from ngproof.engine.runner import ClaimResult
from ngproof.engine.verification import verify
from ngproof.report import json_report, text
from ngproof.vocabulary.evidence import Evidence

HEADER = "import sympy as sp\nfrom ngproof import claim\n\nx = sp.Symbol('x', real=True)\n\n\n"


def proved(claim_id: str, power: int = 2, depends_on: tuple[str, ...] = ()) -> str:
    """A claim proving (x+1)^power expanded, so an edit of ``power`` changes only its body."""
    return textwrap.dedent(f'''
        @claim({claim_id!r}, title="binomial", statement="-", source=("S", "q"), depends_on={depends_on!r})
        def _(c):
            c.prove((x + 1) ** {power}, sp.expand((x + 1) ** {power}), scope="all real x")

    ''')


def catalogue(tmp_path: Path) -> Path:
    """Two modules: a <- b <- c, and d in the first; e alone in the second."""
    directory = tmp_path / "theorems"
    directory.mkdir()
    (directory / "01_first.py").write_text(
        HEADER + proved("t.a") + proved("t.b", depends_on=("t.a",)) + proved("t.c", depends_on=("t.b",))
        + proved("t.d"))
    (directory / "02_second.py").write_text(HEADER + proved("t.e"))
    return directory


def run(directory: Path, store: ResultCache, **options):
    return verify([directory], cache=store, jobs=1, **options)


def fresh(run_) -> list[str]:
    """The claims a run actually ran (not reused from the cache)."""
    return [r.claim.id for r in run_.results if r.cached_at is None]


@pytest.fixture
def setup(tmp_path):
    directory = catalogue(tmp_path)
    store = ResultCache(tmp_path / "cache")
    first = run(directory, store)
    assert fresh(first) == ["t.a", "t.b", "t.c", "t.d", "t.e"] and first.cache["stored"] == 5
    return directory, store, first


def test_a_warm_rerun_reuses_every_claim_with_the_same_results(setup):
    directory, store, first = setup
    again = run(directory, store)
    assert fresh(again) == [] and again.cache["reused"] == 5 and again.cache["rerun"] == {}
    for before, after in zip(first.results, again.results):
        assert (after.status, after.evidence, after.seconds) == (before.status, before.evidence, before.seconds)
        assert after.cached_at and after.cached_at.endswith("Z")
    assert not again.failed


def test_editing_one_claim_reruns_it_and_its_dependents_and_nothing_else(setup):
    directory, store, _ = setup
    module = directory / "01_first.py"
    module.write_text(module.read_text().replace(proved("t.b", depends_on=("t.a",)),
                                                 proved("t.b", power=3, depends_on=("t.a",))))
    again = run(directory, store)
    assert fresh(again) == ["t.b", "t.c"]
    assert again.cache["rerun"] == {"t.b": "changed: claim", "t.c": "changed: dependencies"}
    assert fresh(run(directory, store)) == []


def test_editing_a_module_helper_reruns_that_module_only(setup):
    directory, store, _ = setup
    module = directory / "01_first.py"
    module.write_text(module.read_text().replace("x = sp.Symbol('x', real=True)", "x = sp.Symbol('x', positive=True)"))
    assert fresh(run(directory, store)) == ["t.a", "t.b", "t.c", "t.d"]


def test_changing_a_declaration_reruns_the_claim(setup):
    directory, store, _ = setup
    module = directory / "02_second.py"
    module.write_text(module.read_text().replace('title="binomial"', 'title="binomial theorem"'))
    again = run(directory, store)
    assert fresh(again) == ["t.e"] and again.cache["rerun"]["t.e"] == "changed: claim, declaration"


KERNEL_CLAIMS = HEADER + textwrap.dedent('''
    import numpy as np
    from ngproof.kernels import damped_inverse, natural_gradient


    @claim("k.natural", title="-", statement="-", source=("S", "q"))
    def _(c):
        c.observe(bool(np.allclose(natural_gradient(2 * np.eye(2), np.ones(2)), 0.5)), detail="(2I)⁻¹1 = 1/2")


    @claim("k.after-natural", title="-", statement="-", source=("S", "q"), depends_on=("k.natural",))
    def _(c):
        c.prove(x, x, scope="-")


    @claim("k.kfac", title="-", statement="-", source=("S", "q"))
    def _(c):
        c.observe(bool(np.allclose(damped_inverse(np.eye(2), 1.0), 0.5 * np.eye(2))), detail="(I + I)⁻¹ = I/2")


    @claim("k.imports-inside", title="-", statement="-", source=("S", "q"))
    def _(c):
        from ngproof.kernels import bernoulli_fisher
        c.observe(bernoulli_fisher(0.0) == 0.25, detail="σ(0)(1 − σ(0)) = 1/4")
''')


@pytest.fixture
def package_copy(tmp_path, monkeypatch):
    """A copy of the ngproof package whose kernels a test may touch, standing in for the real one."""
    package = tmp_path / "package"
    shutil.copytree(cache_module.package_directory(), package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache_module, "package_directory", lambda: package)
    return package


@pytest.mark.parametrize("kernel, expected", [
    ("natural_gradient.py", ["k.natural", "k.after-natural", "k.imports-inside"]),
    ("kfac.py", ["k.kfac", "k.imports-inside"]),
    ("damping.py", ["k.kfac", "k.imports-inside"]),  # kfac imports from damping
    ("_validate.py", ["k.natural", "k.after-natural", "k.kfac", "k.imports-inside"]),
    ("cg.py", ["k.imports-inside"]),
])
def test_touching_a_kernel_reruns_the_claims_whose_code_reaches_it(tmp_path, package_copy, kernel, expected):
    directory = catalogue(tmp_path)
    (directory / "03_kernels.py").write_text(KERNEL_CLAIMS)
    store = ResultCache(tmp_path / "cache")
    assert run(directory, store).summary["unexpected"] == 0
    assert fresh(run(directory, store)) == []  # the copy is identical
    touched = package_copy / "kernels" / kernel
    touched.write_text(touched.read_text() + "\n# touched\n")
    again = run(directory, store)
    assert fresh(again) == expected  # the sympy claims t.a … t.e are reused
    assert set(again.cache["rerun"].values()) <= {"changed: kernels", "changed: dependencies"}


def test_library_versions_profile_and_seed_enter_the_key(setup, monkeypatch):
    directory, store, _ = setup
    assert fresh(run(directory, store, seed=1)) == ["t.a", "t.b", "t.c", "t.d", "t.e"]
    assert fresh(run(directory, store, profile="dev")) == ["t.a", "t.b", "t.c", "t.d", "t.e"]
    assert fresh(run(directory, store, seed=1)) == []
    real = cache_module.importlib.metadata.version
    monkeypatch.setattr(cache_module.importlib.metadata, "version",
                        lambda name: "99.0" if name == "sympy" else real(name))
    assert set(run(directory, store).cache["rerun"].values()) == {"changed: versions",
                                                                  "changed: dependencies, versions"}


def _entry(store: ResultCache, claim_id: str) -> Path:
    return store.slot(claim_id, "ci", 0)


def _rewrite(path: Path, change) -> None:
    entry = json.loads(path.read_text())
    change(entry)
    entry.pop("digest")
    entry["digest"] = cache_module._digest(cache_module._canonical(entry))
    path.write_text(json.dumps(entry))


GARBLES = {
    "bad JSON": lambda p, other: p.write_text("{not json"),
    "truncated": lambda p, other: p.write_text(p.read_text()[: len(p.read_text()) // 2]),
    "empty": lambda p, other: p.write_text(""),
    "wrong schema": lambda p, other: _rewrite(p, lambda e: e.update(schema=99)),
    "key mismatch": lambda p, other: _rewrite(p, lambda e: e.update(key="0" * 64)),
    "altered result": lambda p, other: p.write_text(p.read_text().replace('"proved"', '"refuted"')),
    "foreign": lambda p, other: shutil.copy(other, p),
    "malformed result": lambda p, other: _rewrite(p, lambda e: e["result"].update(evidence=[{"kind": 1}])),
    "not an object": lambda p, other: p.write_text("[1, 2]"),
}
REASONS = {"bad JSON": "not valid JSON", "truncated": "not valid JSON", "empty": "not valid JSON",
           "wrong schema": "schema version 99", "key mismatch": "key does not match", "altered result": "checksum",
           "foreign": "foreign entry (for claim 't.a')", "malformed result": "malformed result",
           "not an object": "schema version 'list'"}


@pytest.mark.parametrize("garble", sorted(GARBLES))
def test_a_damaged_entry_is_reported_once_and_rerun(setup, garble):
    directory, store, first = setup
    GARBLES[garble](_entry(store, "t.d"), _entry(store, "t.a"))
    again = run(directory, store)
    assert fresh(again) == ["t.d"] and list(again.cache["damaged"]) == ["t.d"]
    assert REASONS[garble] in again.cache["damaged"]["t.d"]
    assert again.results[3].evidence == first.results[3].evidence
    assert "cache: damaged entry for t.d" in text.render(again)
    third = run(directory, store)
    assert fresh(third) == [] and third.cache["damaged"] == {}


def test_errors_and_timeouts_are_never_stored(tmp_path):
    directory = tmp_path / "theorems"
    directory.mkdir()
    (directory / "01_bad.py").write_text(HEADER + textwrap.dedent('''
        @claim("t.raises", title="raises", statement="-", source=("S", "q"))
        def _(c):
            raise RuntimeError("boom")

        @claim("t.hangs", title="hangs", statement="-", source=("S", "q"), timeout=0.5)
        def _(c):
            import time
            time.sleep(30)
    '''))
    store = ResultCache(tmp_path / "cache")
    for _ in range(2):
        again = run(directory, store)
        assert [r.status for r in again.results] == ["error", "timeout"] and fresh(again) == ["t.raises", "t.hangs"]
    assert store.info()["entries"] == 0


def test_reports_say_which_results_came_from_the_cache_and_when(setup):
    directory, store, first = setup
    again = run(directory, store)
    report = json_report.report(again)
    assert all(c["cached_at"] == r.cached_at for c, r in zip(report["claims"], again.results))
    assert report["cache"]["reused"] == 5
    assert [c["cached_at"] for c in json_report.report(first)["claims"]] == [None] * 5
    rendered = text.render(again, verbose=True)
    assert f"cached {again.results[0].cached_at}" in rendered
    assert "5 of 5 results reused from the cache" in rendered and "--no-cache" in rendered
    assert "reused" not in text.render(verify([directory], jobs=1))


def test_dependencies_that_are_missing_or_cyclic_still_give_keys(tmp_path):
    directory = tmp_path / "theorems"
    directory.mkdir()
    (directory / "01_odd.py").write_text(HEADER + proved("t.p", depends_on=("t.q", "t.nowhere"))
                                         + proved("t.q", depends_on=("t.p",)))
    claims = load_module(directory / "01_odd.py")  # as declared: discovery would refuse to run them
    keys = Keys(claims, "ci", 0)
    assert len({keys.key("t.p"), keys.key("t.q")}) == 2


def _store_repeatedly(directory: str, claims_dir: str, status: str, rounds: int) -> None:
    claims = discover([Path(claims_dir)]).claims
    keys, store = Keys(claims, "ci", 0), ResultCache(directory)
    evidence = [Evidence("symbolic", status, "x" * 20000)]  # large, so a torn write would show
    for _ in range(rounds):
        store.store(ClaimResult(claims[0], status, 0.1, evidence), keys, "ci", 0)


def test_concurrent_writers_never_leave_a_half_entry(tmp_path):
    directory = catalogue(tmp_path)
    store = ResultCache(tmp_path / "cache")
    claims = discover([directory]).claims
    keys = Keys(claims, "ci", 0)
    context = multiprocessing.get_context("fork")
    writers = [context.Process(target=_store_repeatedly, args=(str(store.directory), str(directory), status, 150))
               for status in ("proved", "verified", "proved", "verified")]
    for writer in writers:
        writer.start()
    seen = set()
    while any(w.is_alive() for w in writers):
        found = store.lookup(claims[0], keys, "ci", 0)
        assert not found.damaged, found.reason
        if found.result:
            seen.add(found.result.status)
    for writer in writers:
        writer.join()
        assert writer.exitcode == 0
    assert seen and store.lookup(claims[0], keys, "ci", 0).result is not None
    assert store.info()["temporary"] == 0


def _cli(*args, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    import os
    return subprocess.run([sys.executable, "-m", "ngproof", *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env={**os.environ, **(env or {})})


def test_two_verify_processes_sharing_a_cache(tmp_path):
    directory = catalogue(tmp_path)
    command = [sys.executable, "-m", "ngproof", "verify", str(directory), "-j", "1", "-q", "--cache-dir", "shared"]
    processes = [subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for _ in range(2)]
    assert [p.wait(timeout=120) for p in processes] == [0, 0]
    warm = _cli("verify", directory, "-j", "1", "-q", "--cache-dir", "shared", "--json", "r.json", cwd=tmp_path)
    assert warm.returncode == 0, warm.stdout
    assert json.loads((tmp_path / "r.json").read_text())["cache"]["reused"] == 5


def test_command_line_cache_options_and_verbs(tmp_path):
    directory = catalogue(tmp_path)
    first = _cli("verify", directory, "-j", "1", "-q", cwd=tmp_path)
    assert first.returncode == 0 and (tmp_path / ".ngproof-cache" / "CACHEDIR.TAG").is_file()
    assert (tmp_path / ".ngproof-cache" / ".gitignore").read_text().strip().endswith("*")
    assert "reused from the cache" in _cli("verify", directory, "-j", "1", "-q", cwd=tmp_path).stdout
    full = _cli("verify", directory, "-j", "1", "-q", "--no-cache", "--json", "r.json", cwd=tmp_path)
    report = json.loads((tmp_path / "r.json").read_text())
    assert "reused" not in full.stdout and report["cache"] is None
    assert {c["cached_at"] for c in report["claims"]} == {None}

    elsewhere = _cli("verify", directory, "-j", "1", "-q", cwd=tmp_path, env={"NGPROOF_CACHE_DIR": "env-cache"})
    assert elsewhere.returncode == 0 and (tmp_path / "env-cache" / "entries").is_dir()
    assert "5 entries" in _cli("cache", "info", "--cache-dir", "env-cache", cwd=tmp_path).stdout
    info = _cli("cache", "info", cwd=tmp_path)
    assert info.returncode == 0 and "5 entries" in info.stdout and "ci / seed 0: 5" in info.stdout
    cleared = _cli("cache", "clear", cwd=tmp_path)
    assert cleared.returncode == 0 and "removed 5" in cleared.stdout
    assert "0 entries" in _cli("cache", "info", cwd=tmp_path).stdout
    (tmp_path / "not-a-cache" / "entries").mkdir(parents=True)
    refused = _cli("cache", "clear", "--cache-dir", "not-a-cache", cwd=tmp_path)
    assert refused.returncode == 2 and "does not look like an ngproof cache" in refused.stderr


def test_an_unwritable_cache_is_a_warning_not_a_failure(tmp_path):
    directory = catalogue(tmp_path)
    (tmp_path / "blocked").write_text("a file where the cache directory would be")
    again = run(directory, ResultCache(tmp_path / "blocked"))
    assert not again.failed and fresh(again) == ["t.a", "t.b", "t.c", "t.d", "t.e"]
    assert again.cache["damaged"] == {} and again.cache["warnings"]
    assert "cache: could not write the cache" in text.render(again)


LOOP = '''
for power in (2, 3):
    claim(f"t.loop{power}", title="binomial", statement="-", source=("S", "q"))(
        lambda c, power=power: c.prove((x + 1) ** power, sp.expand((x + 1) ** power), scope="all real x"))

'''


def test_claims_declared_in_a_loop_rerun_together_when_the_loop_changes(tmp_path):
    directory = tmp_path / "theorems"
    directory.mkdir()
    module = directory / "01_loop.py"
    module.write_text(HEADER + LOOP + proved("t.single"))
    store = ResultCache(tmp_path / "cache")
    run(directory, store)
    module.write_text(HEADER + LOOP + proved("t.single", power=4))
    assert fresh(run(directory, store)) == ["t.single"]
    module.write_text(HEADER + LOOP.replace("(2, 3)", "(2, 3, 5)") + proved("t.single", power=4))
    assert fresh(run(directory, store)) == ["t.loop2", "t.loop3", "t.loop5", "t.single"]
