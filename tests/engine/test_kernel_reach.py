"""Which kernels modules a claim can reach: every way of reaching one is seen, or the answer is 'all'."""
from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

import pytest

import ngproof.kernels
from ngproof.engine.cache import _is_course_code
from ngproof.engine.discovery import discover, load_module
from ngproof.engine.kernel_reach import KERNELS, kernels_reached
from ngproof.engine.runner import execute

HELPER = '''
from ngproof.kernels import kfac_step


def helper_step(*args):
    return kfac_step(*args)
'''
MODULE = '''
import functools

import numpy as np
import sympy as sp

import ngproof.kernels as package
from ngproof import claim
from ngproof.kernels import bernoulli_fisher, natural_gradient, trust_region_step
from ngproof.kernels.cg import cg_natural_gradient
from reach_helper import helper_step

SETTINGS = {"solver": trust_region_step}


def uses_natural_gradient(g):
    return natural_gradient(np.eye(2), g)


class Model:
    def fisher(self, t):
        return bernoulli_fisher(t)


MODEL = Model()


def by_default(fn=cg_natural_gradient):
    return fn


@claim("r.none", title="-", statement="-", source=("S", "q"))
def _(c):
    c.prove(sp.Integer(1), sp.Integer(1), scope="-")


@claim("r.direct", title="-", statement="-", source=("S", "q"))
def _(c):
    bernoulli_fisher(0.0)


@claim("r.helper-function", title="-", statement="-", source=("S", "q"))
def _(c):
    uses_natural_gradient(np.ones(2))


@claim("r.lambda", title="-", statement="-", source=("S", "q"))
def _(c):
    c.fuzz(lambda v: uses_natural_gradient(v), None, scope="-")


@claim("r.container", title="-", statement="-", source=("S", "q"))
def _(c):
    SETTINGS["solver"]


@claim("r.instance", title="-", statement="-", source=("S", "q"))
def _(c):
    MODEL.fisher(0.0)


@claim("r.default", title="-", statement="-", source=("S", "q"))
def _(c):
    by_default()


@claim("r.partial", title="-", statement="-", source=("S", "q"))
def _(c):
    functools.partial(np.sum)


@claim("r.course-helper-module", title="-", statement="-", source=("S", "q"))
def _(c):
    helper_step()


@claim("r.local-import", title="-", statement="-", source=("S", "q"))
def _(c):
    from ngproof.kernels import kfac_solve
    kfac_solve()


@claim("r.through-the-package", title="-", statement="-", source=("S", "q"))
def _(c):
    package.natural_gradient()
'''


@pytest.fixture(scope="module")
def reached(tmp_path_factory):
    directory = tmp_path_factory.mktemp("course")
    (directory / "reach_helper.py").write_text(HELPER)
    module = directory / "01_reach.py"
    module.write_text(textwrap.dedent(MODULE))
    sys.path.insert(0, str(directory))
    try:
        claims = {item.id: item for item in load_module(module)}
    finally:
        sys.path.remove(str(directory))
    result = {}
    for claim_id, claim in claims.items():
        modules = kernels_reached(claim.body, _is_course_code)
        result[claim_id] = None if modules is None else {m.removeprefix(KERNELS + ".") for m in modules - {KERNELS}}
    return result


@pytest.mark.parametrize("claim_id, expected", [
    ("r.none", set()),
    ("r.direct", {"closed_forms", "_validate"}),
    ("r.helper-function", {"natural_gradient", "_validate"}),
    ("r.lambda", {"natural_gradient", "_validate"}),
    ("r.container", {"trust_region", "_validate"}),
    ("r.instance", {"closed_forms", "_validate"}),
    ("r.default", {"cg", "_validate"}),
    ("r.partial", set()),
])
def test_each_way_of_reaching_a_kernel_is_followed(reached, claim_id, expected):
    assert reached[claim_id] == expected


def test_kernels_modules_are_closed_under_their_imports(reached):
    assert {"kfac", "damping", "_validate"} <= reached["r.course-helper-module"]  # kfac imports damping


@pytest.mark.parametrize("claim_id", ["r.local-import", "r.through-the-package"])
def test_a_reach_that_cannot_be_followed_counts_every_kernel(reached, claim_id):
    assert reached[claim_id] is None


def test_the_catalogue_never_runs_a_kernels_module_its_static_reach_misses():
    """Run every 6th claim of the shipped catalogue and see which kernels files its Python frames enter."""
    kernels_directory = str(Path(ngproof.kernels.__file__).parent) + os.sep
    for claim in discover().claims[::6]:
        entered: set[str] = set()

        def profile(frame, event, _):
            if event == "call" and frame.f_code.co_filename.startswith(kernels_directory):
                entered.add(f"{KERNELS}.{Path(frame.f_code.co_filename).stem}")

        sys.setprofile(profile)
        try:
            execute(claim, 0, "ci")
        finally:
            sys.setprofile(None)
        modules = kernels_reached(claim.body, _is_course_code)
        assert modules is None or entered - {f"{KERNELS}.__init__"} <= modules, claim.id
