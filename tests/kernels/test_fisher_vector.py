"""The compiled Fisher–vector product against the dense Fisher of the oracle,
for every depth, activation and loss, and in float32."""

import numpy as np
import pytest

import dense_oracle as oracle
from ngproof.kernels import FisherOperator, MLP


@pytest.mark.parametrize("sizes", [(3, 4), (3, 4, 3), (3, 4, 5, 3)])
@pytest.mark.parametrize("activation", ["tanh", "relu", "linear"])
@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_product_is_the_dense_fisher_times_v(sizes, activation, loss):
    rng = np.random.default_rng(len(sizes))
    model = MLP(list(sizes), activation, loss)
    params = model.init_params(2) * 2
    X = rng.standard_normal((6, sizes[0]))
    F = oracle.fisher(model.unflatten(params), activation, loss, X)
    op = FisherOperator(model, params, X)
    for v in (rng.standard_normal(model.num_params), np.eye(model.num_params)[-1]):
        np.testing.assert_allclose(op @ v, F @ v, rtol=1e-11, atol=1e-14)


def test_float32_stays_float32():
    rng = np.random.default_rng(5)
    model = MLP([3, 4, 3], "tanh")
    params = model.init_params(0)
    X = rng.standard_normal((6, 3))
    v = rng.standard_normal(model.num_params)
    single = FisherOperator(model, params.astype(np.float32), X.astype(np.float32)) @ v
    assert single.dtype == np.float32
    np.testing.assert_allclose(single, FisherOperator(model, params, X) @ v, rtol=1e-4, atol=1e-6)


def test_overflowing_product_names_v():
    model = MLP([2, 3, 2], "linear", "mse")
    op = FisherOperator(model, model.init_params(0), np.full((2, 2), 100.0))
    with pytest.raises(ValueError, match="v too large"):
        op @ np.full(model.num_params, 1e307)  # J v overflows
