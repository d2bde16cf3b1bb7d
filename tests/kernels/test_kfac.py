import numpy as np
import pytest

import naive
from ngproof.kernels import (
    MLP,
    damped_inverse,
    ema,
    kfac_factors,
    kfac_precondition,
    kfac_step,
    kronecker_dense,
    pi_damping,
)


def test_factors_match_loops():
    rng = np.random.default_rng(0)
    a, g = rng.standard_normal((9, 4)), rng.standard_normal((9, 3))
    for bias in (True, False):
        got = kfac_factors(a, g, bias=bias)
        for x, y in zip(got, naive.kfac_factors(a, g, bias=bias)):
            np.testing.assert_allclose(x, y, atol=1e-14)


def test_kronecker_conventions():
    rng = np.random.default_rng(1)
    A, G = rng.standard_normal((3, 3)), rng.standard_normal((2, 2))
    np.testing.assert_array_equal(kronecker_dense(A, G), naive.kron(A, G))
    np.testing.assert_array_equal(kronecker_dense(A, G, vec="row"), np.kron(G, A))


@pytest.mark.parametrize("method", ["cholesky", "eigh"])
def test_precondition_equals_dense_kronecker_solve(method):
    rng = np.random.default_rng(2)
    a, g = rng.standard_normal((20, 5)), rng.standard_normal((20, 3))
    V = rng.standard_normal((3, 6))
    Ad, Gd, _ = pi_damping(*kfac_factors(a, g), 0.1)
    got = kfac_precondition(V, damped_inverse(Ad, method=method), damped_inverse(Gd, method=method))
    col = np.linalg.solve(np.kron(Ad, Gd), V.flatten(order="F")).reshape(V.shape, order="F")
    row = np.linalg.solve(np.kron(Gd, Ad), V.ravel()).reshape(V.shape)
    np.testing.assert_allclose(got, col, rtol=1e-10)
    np.testing.assert_allclose(got, row, rtol=1e-10)
    np.testing.assert_allclose(kfac_step(a, g, V, 0.1), col, rtol=1e-10)


def test_damped_inverse_and_ema():
    M = np.array([[2.0, 1.0], [1.0, 2.0]])
    np.testing.assert_allclose(damped_inverse(M, 1.0), np.linalg.inv(M + np.eye(2)))
    with pytest.raises(ValueError, match="damping >"):
        damped_inverse(-M, 0.5, method="eigh")
    with pytest.raises(ValueError, match="not positive definite"):
        damped_inverse(-M, 0.5)
    np.testing.assert_allclose(ema(np.ones(3), np.zeros(3), 0.9), 0.9 * np.ones(3))


def test_kfac_is_exact_fisher_block_for_deep_linear_net_on_one_example():
    model = MLP([4, 3, 5, 2], activation="linear")
    params = model.init_params(0)
    X = np.random.default_rng(3).standard_normal((1, 4))
    exact = model.fisher(params, X)
    approx = model.kfac_dense(params, X)
    start = 0
    for out, inp in model.shapes:
        stop = start + out * inp + out
        np.testing.assert_allclose(approx[start:stop, start:stop], exact[start:stop, start:stop], atol=1e-13)
        start = stop
    # with two examples the block is only an approximation
    X2 = np.random.default_rng(4).standard_normal((2, 4))
    assert np.abs(model.kfac_dense(params, X2)[:15, :15] - model.fisher(params, X2)[:15, :15]).max() > 1e-6
