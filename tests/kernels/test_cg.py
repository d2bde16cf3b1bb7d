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


@pytest.mark.parametrize("size", [4e-161, 1e150])
def test_cg_is_scale_free_for_tiny_and_huge_gradients(size):
    rng = np.random.default_rng(1)
    F = naive.spd(rng, 6, cond=10.0)
    g = rng.standard_normal(6)
    x, info = cg_natural_gradient(lambda v: F @ v, size * g, tol=1e-12)
    want = naive.dense_natural_gradient(F, g, 0.0) * size
    assert info["converged"]
    assert np.linalg.norm(x - want) <= 1e-9 * np.linalg.norm(want)


def test_cg_of_a_zero_gradient_is_zero():
    x, info = cg_natural_gradient(lambda v: v, np.zeros(3))
    assert info["converged"] and not np.any(x)
