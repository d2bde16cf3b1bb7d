import numpy as np
import pytest

import naive
from ngproof.kernels import MLP


@pytest.mark.parametrize("activation", ["tanh", "relu", "linear"])
@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_gradient_and_jacobians_against_finite_differences(activation, loss):
    rng = np.random.default_rng(0)
    model = MLP([4, 5, 3], activation, loss)
    params = model.init_params(1)
    X = rng.standard_normal((6, 4))
    y = rng.integers(0, 3, 6) if loss == "cross_entropy" else rng.standard_normal((6, 3))
    fd = naive.finite_difference(lambda p: model.loss(p, X, y), params)
    np.testing.assert_allclose(model.gradient(params, X, y), fd, atol=1e-8)
    J = naive.finite_difference(lambda p: model.forward(p, X), params)
    np.testing.assert_allclose(model.per_sample_jacobians(params, X), J, atol=1e-8)
    v = rng.standard_normal(model.num_params)
    np.testing.assert_allclose(model.jvp(params, X, v), J @ v, atol=1e-7)
    np.testing.assert_allclose(model.per_sample_gradients(params, X, y).mean(axis=0), fd, atol=1e-8)


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_fisher_is_ggn_of_mean_loss(loss):
    rng = np.random.default_rng(1)
    model = MLP([3, 4, 3], "tanh", loss)
    params = model.init_params(2)
    X = rng.standard_normal((5, 3))
    J = model.per_sample_jacobians(params, X)
    z = model.forward(params, X)
    y = rng.integers(0, 3, 5) if loss == "cross_entropy" else rng.standard_normal((5, 3))
    # Hessian of the mean loss with respect to the outputs, by finite differences
    ggn = np.zeros((model.num_params,) * 2)
    for n in range(5):
        def output_loss(zn, n=n):
            zz = z.copy()
            zz[n] = zn
            if loss == "cross_entropy":
                m = zz.max(axis=1)
                return np.mean(m + np.log(np.exp(zz - m[:, None]).sum(axis=1)) - zz[np.arange(5), y])
            return np.mean((zz - y) ** 2)
        grad_fn = lambda zn: naive.finite_difference(output_loss, zn, 1e-5)
        H = naive.finite_difference(grad_fn, z[n], 1e-4)
        ggn += J[n].T @ (0.5 * (H + H.T)) @ J[n]
    np.testing.assert_allclose(model.fisher(params, X), ggn, atol=1e-6)


def test_layout_and_empirical_fisher():
    model = MLP([2, 3, 2], "relu")
    params = model.init_params(0)
    layers = model.unflatten(params)
    assert [W.shape for W, _ in layers] == [(3, 2), (2, 3)]
    np.testing.assert_array_equal(model.flatten(layers), params)
    X = np.random.default_rng(0).standard_normal((4, 2))
    y = np.array([0, 1, 1, 0])
    g = model.per_sample_gradients(params, X, y)
    np.testing.assert_allclose(model.empirical_fisher(params, X, y), g.T @ g / 4, atol=1e-15)
    with pytest.raises(ValueError, match="params"):
        model.loss(params[:-1], X, y)
    with pytest.raises(ValueError, match="y"):
        model.loss(params, X, np.array([0, 5, 1, 0]))


def test_vjp_and_jacobian_gram_against_finite_differences():
    rng = np.random.default_rng(5)
    model = MLP([3, 4, 2], "tanh")
    params = model.init_params(1)
    X = rng.standard_normal((3, 3))
    J = naive.finite_difference(lambda p: model.forward(p, X), params)  # (N, K, d)
    c = rng.standard_normal((3, 2))
    np.testing.assert_allclose(model.vjp(params, X, c), np.einsum("nk,nkd->d", c, J), atol=1e-8)
    np.testing.assert_allclose(model.jacobian_gram(params, X), np.einsum("nkd,mld->nkml", J, J), atol=1e-8)
