import numpy as np
import pytest

import naive
from ngproof.kernels import cg_natural_gradient


def test_cg_matches_dense_solve():
    rng = np.random.default_rng(0)
    F = naive.spd(rng, 30, cond=100.0)
    g = rng.standard_normal(30)
    x, info = cg_natural_gradient(lambda v: F @ v, g, damping=0.01, tol=1e-12)
    assert info["converged"]
    want = naive.dense_natural_gradient(F, g, 0.01)
    assert np.linalg.norm(x - want) <= 1e-9 * np.linalg.norm(want)


def test_cg_rejects_indefinite_and_bad_fvp():
    with pytest.raises(ValueError, match="not positive definite"):
        cg_natural_gradient(lambda v: -v, np.ones(3))
    with pytest.raises(ValueError, match="NaN"):
        cg_natural_gradient(lambda v: v * np.nan, np.ones(3))
    with pytest.raises(ValueError, match="shape"):
        cg_natural_gradient(lambda v: v[:2], np.ones(3))
