"""The pytest plugin on a small temporary catalogue, through pytester."""
import os
import subprocess
import sys
import textwrap
import time

import pytest

import ngproof.vocabulary.checks  # noqa: F401 - numpy, sympy and hypothesis loaded once, outside pytester's module snapshots

pytest_plugins = ["pytester"]

CATALOGUE = textwrap.dedent(r'''
    import sympy as sp

    from ngproof import claim

    x = sp.Symbol("x", real=True)
    SECTION = "Worked Examples"


    @claim("demo.square-of-sum", title="Square of a sum", statement=r"(x+1)^2 = x^2 + 2x + 1",
           source=(SECTION, "expand the square"), tags=("algebra",))
    def _(c):
        c.prove((x + 1) ** 2, x**2 + 2 * x + 1, scope="all real x")


    @claim("demo.planted-false", title="A false claim declared true", statement=r"x^2 = 2x",
           source=(SECTION, "a planted error"), depends_on=("demo.square-of-sum",))
    def _(c):
        c.counterexample({x: 3}, x**2, 2 * x, detail="at x = 3 the sides are 9 and 6")


    @claim("demo.erratum", title="An erratum, declared false", statement=r"x^2 = x",
           source=(SECTION, "squares are themselves"), expect="false")
    def _(c):
        c.counterexample({x: 2}, x**2, x, detail="at x = 2 the sides are 4 and 2")
''')


@pytest.fixture
def catalogue(pytester: pytest.Pytester):
    pytester.mkdir("theorems")
    (pytester.path / "theorems" / "01_demo.py").write_text(CATALOGUE, encoding="utf-8")
    return pytester


def test_true_claim_and_erratum_pass_planted_false_claim_fails_with_counterexample(catalogue):
    result = catalogue.runpytest("--ngproof", "theorems", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, failed=1)   # two claims, the erratum, and the catalogue item
    result.stdout.fnmatch_lines(["*claim demo.planted-false: A false claim declared true*",
                                 "*status refuted, expected to hold*",
                                 '*counterexample: {"values": {"x": 3}*',
                                 "FAILED theorems/01_demo.py::demo.planted-false*"])


def test_keyword_selects_claims_by_id_and_tag(catalogue):
    result = catalogue.runpytest("--ngproof", "theorems", "-k", "algebra or erratum", "-v")
    result.assert_outcomes(passed=2, deselected=2)
    result.stdout.fnmatch_lines(["*::demo.square-of-sum PASSED*", "*::demo.erratum PASSED*"])


def test_exitfirst_stops_at_the_first_failure(catalogue):
    result = catalogue.runpytest("--ngproof", "theorems", "-x", "-k", "not erratum")
    result.assert_outcomes(passed=1, failed=1)


def test_xdist_spreads_claims_over_two_workers(catalogue):
    result = catalogue.runpytest_subprocess("--ngproof", "theorems", "-n", "2", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, failed=1)


def test_catalogue_item_fails_on_a_dangling_dependency(catalogue):
    text = CATALOGUE.replace('depends_on=("demo.square-of-sum",)', 'depends_on=("demo.nowhere",)')
    (catalogue.path / "theorems" / "01_demo.py").write_text(text, encoding="utf-8")
    result = catalogue.runpytest("--ngproof", "theorems", "-k", "catalogue")
    result.assert_outcomes(failed=1, deselected=3)
    result.stdout.fnmatch_lines(["*claim 'demo.planted-false' refers to 'demo.nowhere' (no such claim); it does not run*"])


def test_without_the_option_nothing_is_collected(catalogue):
    result = catalogue.runpytest("theorems")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_seed_and_profile_options_are_accepted(catalogue):
    result = catalogue.runpytest("--ngproof", "theorems", "--ngproof-seed", "5", "--ngproof-profile", "dev",
                                 "-k", "square")
    result.assert_outcomes(passed=1, deselected=3)


def test_plugin_import_loads_neither_sympy_nor_numba():
    code = "import sys, ngproof.pytest_plugin; print(sorted({'sympy', 'numba'} & set(sys.modules)))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"


def test_without_paths_the_packaged_catalogue_is_collected_under_stable_ids(pytester: pytest.Pytester):
    result = pytester.runpytest("--ngproof", "--collect-only", "-q")
    result.stdout.fnmatch_lines(["ngproof::bernoulli.gradient", "ngproof::catalogue"])


ISOLATED = textwrap.dedent(r'''
    import os
    import time

    from ngproof import claim

    SECTION = "Limits"


    @claim("lim.sleeps", title="Sleeps past its limit", statement="-", source=(SECTION, "q"), timeout=2)
    def _(c):
        time.sleep(30)


    @claim("lim.dies", title="Kills its own process", statement="-", source=(SECTION, "q"))
    def _(c):
        os._exit(5)


    @claim("lim.after", title="Runs after both", statement="-", source=(SECTION, "q"))
    def _(c):
        c.observe(os.getpid() != int(os.environ["PYTEST_PID"]), detail="not in the pytest process")
''')


@pytest.fixture
def isolated(pytester: pytest.Pytester, monkeypatch):
    monkeypatch.setenv("PYTEST_PID", str(os.getpid()))
    pytester.mkdir("theorems")
    (pytester.path / "theorems" / "01_limits.py").write_text(ISOLATED, encoding="utf-8")
    return pytester


def test_a_claims_timeout_is_honoured_and_a_dying_claim_is_an_error_not_a_crash(isolated):
    start = time.perf_counter()
    result = isolated.runpytest("--ngproof", "theorems", "-p", "no:cacheprovider")
    assert time.perf_counter() - start < 20  # the sleeping claim was stopped after ~2 s, not 30
    result.assert_outcomes(passed=2, failed=2)  # lim.after and the catalogue item pass
    result.stdout.fnmatch_lines(["*lim.sleeps: status timeout, expected to hold*",
                                 "*no result within the per-claim limit of 2 s; worker killed*"])
    result.stdout.fnmatch_lines(["*lim.dies: status error*", "*died while running this claim (exit code 5)*"])


def test_the_run_limit_caps_a_claims_own_timeout(isolated):
    start = time.perf_counter()
    result = isolated.runpytest("--ngproof", "theorems", "-k", "sleeps", "--ngproof-timeout", "0.5")
    assert time.perf_counter() - start < 15
    result.stdout.fnmatch_lines(["*per-claim limit of 0.5 s*"])


def test_the_collection_header_counts_the_claims_and_the_catalogue_item(catalogue):
    (catalogue.path / "test_own.py").write_text("def test_own():\n    pass\n", encoding="utf-8")
    result = catalogue.runpytest("--ngproof", "--collect-only", "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["collected 5 items"])  # the project's test, three claims, the catalogue item


def test_the_header_counts_the_packaged_catalogue(pytester: pytest.Pytester):
    result = pytester.runpytest_subprocess("--ngproof", "--collect-only", "-p", "no:cacheprovider")
    listed = [line for line in result.outlines if line.strip().startswith(("<ClaimItem", "<CatalogueItem"))]
    assert len(listed) > 200
    result.stdout.fnmatch_lines([f"collected {len(listed)} items"])
