"""MLP K-FAC paths (exact, Monte-Carlo, empirical; bias appended or separate) and
EKFAC against the dense oracle of tests/kernels/dense_oracle.py."""

import numpy as np
import pytest

import dense_oracle as oracle
from ngproof.kernels import MLP
from ngproof.kernels.kfac_mlp import ekfac

CASES = [("tanh", "cross_entropy"), ("relu", "cross_entropy"), ("tanh", "mse")]


def _setup(activation, loss, n=5, sizes=(3, 4, 3), seed=0):
    rng = np.random.default_rng(seed)
    model = MLP(list(sizes), activation, loss)
    params = model.init_params(seed) * 2
    X = rng.standard_normal((n, sizes[0]))
    y = rng.integers(0, sizes[-1], n) if loss == "cross_entropy" else rng.standard_normal((n, sizes[-1]))
    return model, params, X, y


@pytest.mark.parametrize("activation,loss", CASES)
@pytest.mark.parametrize("bias", ["appended", "separate"])
@pytest.mark.parametrize("fisher", ["exact", "empirical"])
def test_factors_and_dense_match_the_oracle(activation, loss, bias, fisher):
    model, params, X, y = _setup(activation, loss)
    layers = model.unflatten(params)
    got = model.kfac_factors(params, X, y=y, fisher=fisher, bias=bias)
    want = oracle.kfac_factors(layers, activation, loss, X, y=y if fisher == "empirical" else None, bias=bias)
    for (A, G), (A0, G0) in zip(got, want):
        np.testing.assert_allclose(A, A0, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(G, G0, rtol=1e-11, atol=1e-14)
    np.testing.assert_allclose(model.kfac_dense(params, X, y=y, fisher=fisher, bias=bias),
                               oracle.kfac_dense(layers, want, bias), rtol=1e-11, atol=1e-14)


@pytest.mark.parametrize("activation,loss", CASES)
def test_on_one_example_kfac_is_the_fisher_block(activation, loss):
    """With N = 1 the layer gradient is g ãᵀ for every virtual sample, so K-FAC with
    the bias appended equals the exact (and the empirical) Fisher block exactly."""
    model, params, X, y = _setup(activation, loss, n=1)
    layers = model.unflatten(params)
    exact = oracle.fisher(layers, activation, loss, X)
    empirical = oracle.empirical_fisher(layers, activation, loss, X, y)
    for fisher, dense in (("exact", exact), ("empirical", empirical)):
        approx = model.kfac_dense(params, X, y=y, fisher=fisher)
        start = 0
        for out, inp in model.shapes:
            stop = start + out * inp + out
            np.testing.assert_allclose(approx[start:stop, start:stop], dense[start:stop, start:stop],
                                       rtol=1e-10, atol=1e-14)
            start = stop
    # the separate-bias variant drops the W-b cross terms and is then not exact
    sep = model.kfac_dense(params, X, fisher="exact", bias="separate")
    assert np.abs(sep[:15, :15] - exact[:15, :15]).max() > 1e-6


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_monte_carlo_converges_over_seeds_to_exact_and_ignores_labels(loss):
    model, params, X, y = _setup("tanh", loss, n=4)
    exact = model.kfac_factors(params, X, fisher="exact")
    # independent of the data labels, for every seed
    other_y = (y + 1) % 3 if loss == "cross_entropy" else y + 5
    for seed in (0, 1):
        for (A1, G1), (A2, G2), (A3, G3) in zip(model.kfac_factors(params, X, y=y, fisher="mc", seed=seed),
                                                  model.kfac_factors(params, X, y=other_y, fisher="mc", seed=seed),
                                                  model.kfac_factors(params, X, fisher="mc", seed=seed)):
            np.testing.assert_array_equal(G1, G2)
            np.testing.assert_array_equal(G1, G3)
    # unbiased: the mean over seeds lies within 5 standard errors of the exact G
    seeds = 400
    draws = [model.kfac_factors(params, X, fisher="mc", seed=s) for s in range(seeds)]
    for layer, (_, G_exact) in enumerate(exact):
        Gs = np.array([d[layer][1] for d in draws])
        stderr = Gs.std(axis=0, ddof=1) / np.sqrt(seeds)
        assert np.all(np.abs(Gs.mean(axis=0) - G_exact) <= 5 * stderr + 1e-12)
    # and converges: 100x more samples, about 10x less error (asserted >= 4x)
    def error(samples):
        return sum(np.linalg.norm(model.kfac_factors(params, X, fisher="mc", seed=9, mc_samples=samples)[i][1] - G)
                   for i, (_, G) in enumerate(exact))
    assert error(4000) * 4 <= error(40)


@pytest.mark.parametrize("activation,loss", CASES)
@pytest.mark.parametrize("fisher", ["exact", "empirical"])
def test_ekfac_scalings_are_the_fisher_diagonal_in_the_kronecker_eigenbasis(activation, loss, fisher):
    model, params, X, y = _setup(activation, loss, n=6)
    layers = model.unflatten(params)
    for index, (Qa, Qg, S) in enumerate(ekfac(model, params, X, y=y, fisher=fisher)):
        block = oracle.layer_fisher_rowmajor(layers, activation, loss, X, index,
                                             y=y if fisher == "empirical" else None)
        Q = np.kron(Qg, Qa)
        np.testing.assert_allclose(S.ravel(), np.diag(Q.T @ block @ Q), rtol=1e-10, atol=1e-13 * np.abs(block).max())
        # EKFAC is at least as close to the block as K-FAC (Frobenius norm)
        A, G = model.kfac_factors(params, X, y=y, fisher=fisher)[index]
        ekfac_dense = Q @ np.diag(S.ravel()) @ Q.T
        rounding = 1e-12 * np.linalg.norm(block)
        assert np.linalg.norm(ekfac_dense - block) <= np.linalg.norm(np.kron(G, A) - block) + rounding


def test_ekfac_separate_bias_moments():
    model, params, X, y = _setup("tanh", "cross_entropy", n=6)
    layers = model.unflatten(params)
    for index, (Qa, Qg, S, Sb) in enumerate(ekfac(model, params, X, bias="separate")):
        block = oracle.layer_fisher_rowmajor(layers, "tanh", "cross_entropy", X, index)
        out, inp = model.shapes[index]
        m = inp + 1
        rows_w = np.array([o * m + i for o in range(out) for i in range(inp)])
        rows_b = np.array([o * m + inp for o in range(out)])
        Qw = np.kron(Qg, Qa)
        atol = 1e-13 * np.abs(block).max()  # eigen-directions of zero curvature: rounding only
        np.testing.assert_allclose(S.ravel(), np.diag(Qw.T @ block[np.ix_(rows_w, rows_w)] @ Qw), rtol=1e-10, atol=atol)
        np.testing.assert_allclose(Sb, np.diag(Qg.T @ block[np.ix_(rows_b, rows_b)] @ Qg), rtol=1e-10, atol=atol)


def test_exact_factors_in_blocks_of_classes_equal_one_block(monkeypatch):
    import ngproof.kernels.kfac_mlp as km
    model, params, X, _ = _setup("tanh", "cross_entropy", n=7, sizes=(3, 5, 6))
    whole = model.kfac_factors(params, X)
    monkeypatch.setattr(km, "CHUNK_ELEMENTS", 7 * 5 * 2)  # two classes per block
    for (A, G), (A2, G2) in zip(whole, model.kfac_factors(params, X)):
        np.testing.assert_allclose(G2, G, rtol=1e-13, atol=1e-16)


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
@pytest.mark.parametrize("sizes", [(4, 9), (3, 4, 9)])
def test_exact_output_factor_in_closed_form_matches_the_oracle(loss, sizes):
    """The last layer's exact G is (1/N) Σ Λ_n, without its K virtual samples per
    example; a network with no hidden layer back-propagates nothing."""
    model, params, X, y = _setup("tanh", loss, n=6, sizes=sizes)
    got = model.kfac_factors(params, X)
    want = oracle.kfac_factors(model.unflatten(params), "tanh", loss, X)
    for (A, G), (A0, G0) in zip(got, want):
        np.testing.assert_allclose(A, A0, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(G, G0, rtol=1e-11, atol=1e-14)
