import numpy as np
import pytest

import naive
from ngproof.kernels import diagonal_natural_gradient, natural_gradient

EPS = np.finfo(np.float64).eps


@pytest.mark.parametrize("d", [1, 3, 10, 64, 65, 120])
@pytest.mark.parametrize("damping", [0.0, 1e-3, 1.0])
def test_matches_dense_solve_within_condition_bound(d, damping):
    rng = np.random.default_rng(d)
    fisher = naive.spd(rng, d, cond=1e4)
    grad = rng.standard_normal((d, 3))
    got = natural_gradient(fisher, grad, damping)
    want = naive.dense_natural_gradient(fisher, grad, damping)
    w = np.linalg.eigvalsh(fisher)
    cond = (w[-1] + damping) / (w[0] + damping)
    assert np.linalg.norm(got - want) <= 50 * d * cond * EPS * np.linalg.norm(want)
    assert natural_gradient(fisher, grad[:, 0], damping).shape == (d,)


def test_float32_stays_float32_and_is_accurate():
    rng = np.random.default_rng(0)
    fisher = naive.spd(rng, 20, cond=10.0)
    grad = rng.standard_normal(20)
    got = natural_gradient(fisher.astype(np.float32), grad.astype(np.float32), 0.1)
    assert got.dtype == np.float32
    want = naive.dense_natural_gradient(fisher, grad, 0.1)
    assert np.linalg.norm(got - want) <= 1e3 * np.finfo(np.float32).eps * np.linalg.norm(want)
    assert natural_gradient(fisher.astype(np.float32), grad, 0.1).dtype == np.float64


def test_integer_and_noncontiguous_inputs():
    fisher = np.array([[4, 1], [1, 3]])
    grad = np.array([1, 2])
    assert natural_gradient(fisher, grad).dtype == np.float64
    big = np.eye(4)[::2, ::2] * 2.0
    np.testing.assert_allclose(natural_gradient(big, np.ones(4)[::2]), [0.5, 0.5])


def test_not_positive_definite_suggests_damping():
    fisher = np.diag([1.0, -0.5])
    with pytest.raises(ValueError, match=r"not positive definite.*-5\.000e-01.*damping > "):
        natural_gradient(fisher, np.ones(2), 0.1)
    natural_gradient(fisher, np.ones(2), 0.6)
    with pytest.raises(ValueError, match="not positive definite"):
        natural_gradient(-np.eye(100), np.ones(100), 0.5)


def test_diagonal_natural_gradient():
    diag = np.array([1.0, 2.0, 4.0])
    grad = np.array([1.0, 1.0, 1.0])
    np.testing.assert_allclose(diagonal_natural_gradient(diag, grad, 1.0), 1 / (diag + 1))
    with pytest.raises(ValueError, match="singular"):
        diagonal_natural_gradient(np.array([0.0, 1.0]), np.ones(2))
    with pytest.raises(ValueError, match="fisher_diag"):
        diagonal_natural_gradient(np.array([-1.0, 1.0]), np.ones(2))
