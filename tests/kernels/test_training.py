import numpy as np
import pytest

import naive
from ngproof.kernels import MLP, train
from ngproof.kernels.training import _natural_direction


@pytest.mark.parametrize("method", ["sgd", "natural", "kfac"])
def test_training_reduces_loss(method):
    result = train(method, steps=4, n=128, batch_size=16)
    assert len(result["losses"]) == len(result["seconds"]) == 5
    assert result["losses"][-1] < result["losses"][0]
    assert np.all(np.diff(result["seconds"]) >= 0)


def test_unknown_method():
    with pytest.raises(ValueError, match="method"):
        train("adam")


def test_natural_direction_is_the_dense_damped_solve():
    rng = np.random.default_rng(0)
    model = MLP([5, 4, 3], "relu")
    params = model.init_params(0)
    X = rng.standard_normal((6, 5))
    grad = model.gradient(params, X, rng.integers(0, 3, 6))
    J = naive.finite_difference(lambda p: model.forward(p, X), params)
    z = model.forward(params, X)
    probs = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    fisher = naive.softmax_fisher(J, probs)
    want = np.linalg.solve(fisher + 0.3 * np.eye(fisher.shape[0]), grad)
    got = _natural_direction(model, params, X, grad, 0.3)
    assert np.linalg.norm(got - want) <= 1e-6 * np.linalg.norm(want)
