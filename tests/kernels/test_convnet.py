"""KFC (K-FAC for convolutions) on a tiny conv net against the dense, loop-built oracle."""

import numpy as np
import pytest

import dense_oracle as oracle
from ngproof.kernels.convnet import ConvNet, col2im, im2col

CONVS = [(2, 2, 1, 1), (3, 2, 2, 0)]  # (C_out, k, stride, pad)
IN_SHAPE = (2, 4, 4)
HEAD = [3]  # K = 3 classes


def _net(convs=CONVS, in_shape=IN_SHAPE, head=HEAD, loss="cross_entropy", n=3, seed=0):
    model = ConvNet(in_shape, convs, head, "tanh", loss)
    params = model.init_params(seed) * 1.5
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n,) + in_shape)
    y = rng.integers(0, head[-1], n) if loss == "cross_entropy" else rng.standard_normal((n, head[-1]))
    return model, params, X, y, [model.head.sizes[0]] + head


def test_im2col_and_col2im_are_adjoint():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 5, 4))
    for k, stride, pad in ((2, 1, 0), (3, 2, 1), (1, 1, 0)):
        cols = im2col(x, k, stride, pad)
        c = rng.standard_normal(cols.shape)
        assert np.sum(cols * c) == pytest.approx(np.sum(x * col2im(c, x.shape[1:], k, stride, pad)), rel=1e-12)


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_forward_and_gradient_match_the_oracle(loss):
    model, params, X, y, head_sizes = _net(loss=loss)
    grads = 0
    for n, x in enumerate(X):
        z, Jp, _, _ = oracle.conv_example(CONVS, IN_SHAPE, head_sizes, "tanh", params, x)
        np.testing.assert_allclose(model.forward(params, X)[n], z, rtol=1e-12)
        grads = grads + Jp.T @ oracle.residual(loss, z, y[n])
    np.testing.assert_allclose(model.gradient(params, X, y), grads / len(X), rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("fisher", ["exact", "empirical"])
@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_conv_factors_match_the_definitions(fisher, loss):
    model, params, X, y, head_sizes = _net(loss=loss)
    _, want = oracle.conv_fisher_and_factors(CONVS, IN_SHAPE, head_sizes, "tanh", loss, params, X,
                                             y=y if fisher == "empirical" else None)
    for approx, (a_key, g_key) in (("expand", ("Ae", "Ge")), ("reduce", ("Ar", "Gr"))):
        got = model.kfac_factors(params, X, y=y, fisher=fisher, approx=approx)
        for (A, G), f in zip(got, want):
            np.testing.assert_allclose(A, f[a_key], rtol=1e-12, atol=1e-14)
            np.testing.assert_allclose(G, f[g_key], rtol=1e-10, atol=1e-14)


def _conv_block(model, F, layer):
    start = sum(model.conv_sizes[:layer])
    return F[start:start + model.conv_sizes[layer], start:start + model.conv_sizes[layer]]


def _kfac_block(model, A, G, layer):
    """G ⊗ Ã (row-major [W_mat | b]) permuted to PyTorch order (W then b)."""
    c_out = model.convs[layer][0]
    m = A.shape[0]
    perm = np.r_[[o * m + i for o in range(c_out) for i in range(m - 1)], [o * m + m - 1 for o in range(c_out)]]
    return np.kron(G, A)[np.ix_(perm, perm)]


@pytest.mark.parametrize("approx", ["expand", "reduce"])
def test_one_location_kernel_is_the_exact_fisher_block_on_one_example(approx):
    convs = [(3, 3, 1, 0)]  # 3×3 kernel on a 3×3 image: T = 1
    model, params, X, _, head_sizes = _net(convs=convs, in_shape=(2, 3, 3), n=1)
    F, _ = oracle.conv_fisher_and_factors(convs, (2, 3, 3), head_sizes, "tanh", "cross_entropy", params, X)
    A, G = model.kfac_factors(params, X, approx=approx)[0]
    np.testing.assert_allclose(_kfac_block(model, A, G, 0), _conv_block(model, F, 0), rtol=1e-10, atol=1e-15)


def test_reduce_is_exact_for_equal_patches_and_expand_is_not():
    convs = [(2, 2, 1, 0)]
    in_shape = (2, 3, 3)
    model, params, _, _, head_sizes = _net(convs=convs, in_shape=in_shape, n=1)
    X = np.ones((1,) + in_shape) * np.array([0.7, -1.3])[None, :, None, None]  # constant per channel
    F, _ = oracle.conv_fisher_and_factors(convs, in_shape, head_sizes, "tanh", "cross_entropy", params, X)
    exact = _conv_block(model, F, 0)
    A, G = model.kfac_factors(params, X, approx="reduce")[0]
    np.testing.assert_allclose(_kfac_block(model, A, G, 0), exact, rtol=1e-10, atol=1e-15)
    A, G = model.kfac_factors(params, X, approx="expand")[0]
    assert np.abs(_kfac_block(model, A, G, 0) - exact).max() > 1e-4


def test_monte_carlo_ignores_labels_and_bad_options_are_named():
    model, params, X, y, _ = _net()
    first = model.kfac_factors(params, X, y=y, fisher="mc", seed=3)
    second = model.kfac_factors(params, X, y=(y + 1) % 3, fisher="mc", seed=3)
    for (A1, G1), (A2, G2) in zip(first, second):
        np.testing.assert_array_equal(G1, G2)
    with pytest.raises(ValueError, match="approx"):
        model.kfac_factors(params, X, approx="mean")
    with pytest.raises(ValueError, match="X"):
        model.forward(params, X[:, :1])
    with pytest.raises(ValueError, match="convs"):
        ConvNet((1, 2, 2), [(2, 3)], [2])
