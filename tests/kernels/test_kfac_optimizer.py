"""KFACOptimizer: its update against the same step built densely from the oracle."""

import numpy as np
import pytest

import dense_oracle as oracle
from ngproof.kernels import MLP, KFACOptimizer


def _problem():
    rng = np.random.default_rng(0)
    model = MLP([4, 6, 3], "tanh")
    X = rng.standard_normal((40, 4))
    y = np.argmax(X @ rng.standard_normal((4, 3)), axis=1)  # learnable: a linear teacher
    return model, model.init_params(1), X, y


def test_update_is_the_quadratic_model_minimiser_over_kfac_direction_and_momentum():
    model, params, X, y = _problem()
    opt = KFACOptimizer(model, damping=0.3, decay=0.5, inverse_every=1, adapt_every=100, fisher="exact")
    previous = None
    for step in range(3):
        new, info = opt.step(params, X, y)
        layers = model.unflatten(params)
        lam = info["damping"]
        K = oracle.kfac_dense(layers, opt.factors)  # the EMA factors the step used
        F = oracle.fisher(layers, "tanh", "cross_entropy", X)
        g = model.gradient(params, X, y)
        delta = -np.linalg.solve(K + lam * np.eye(K.shape[0]), g)
        vectors = [delta] if previous is None else [delta, previous]
        C = np.array([[u @ (F + lam * np.eye(F.shape[0])) @ w for w in vectors] for u in vectors])
        coeffs = -np.linalg.solve(C, [g @ v for v in vectors])
        want = sum(c * v for c, v in zip(coeffs, vectors))
        np.testing.assert_allclose(new - params, want, rtol=1e-8, atol=1e-12)
        assert info["alpha"] == pytest.approx(coeffs[0], rel=1e-8)
        previous, params = new - params, new


def test_damping_follows_the_reduction_ratio_and_training_descends():
    model, params, X, y = _problem()
    opt = KFACOptimizer(model, damping=1.0, adapt_every=1, fisher="exact")
    start = model.loss(params, X, y)
    for _ in range(15):
        before = opt.damping
        params, info = opt.step(params, X, y)
        omega = 19 / 20
        if info["rho"] > 0.75:
            assert opt.damping == pytest.approx(max(opt.min_damping, before * omega))
        elif info["rho"] < 0.25:
            assert opt.damping == pytest.approx(min(opt.max_damping, before / omega))
        else:
            assert opt.damping == before
    assert model.loss(params, X, y) < 0.5 * start


@pytest.mark.parametrize("kwargs,fragment", [({"damping": 0.0}, "damping"), ({"decay": 1.0}, "decay"),
                                             ({"inverse_every": 0}, "inverse_every"), ({"fisher": "x"}, "fisher"),
                                             ({"adapt_every": 1.5}, "adapt_every")])
def test_bad_options_are_named(kwargs, fragment):
    with pytest.raises(ValueError, match=fragment):
        KFACOptimizer(MLP([2, 2]), **kwargs)


def test_a_step_that_fails_leaves_the_optimizer_as_it_was(monkeypatch):
    """A caller may catch the error and skip the batch: the failed step must not have
    entered its factors into the average, changed the damping or counted itself."""
    import ngproof.kernels.kfac_optimizer as module

    rng = np.random.default_rng(0)
    model = MLP([4, 5, 3], "tanh")
    params = model.init_params(0)
    X, y = rng.standard_normal((8, 4)), rng.integers(0, 3, 8)
    reference, tried = KFACOptimizer(model, fisher="exact"), KFACOptimizer(model, fisher="exact")
    p_ref, _ = reference.step(params, X, y)
    p_tried, _ = tried.step(params, X, y)

    def fail(A, G):
        raise ValueError("injected failure")

    with monkeypatch.context() as patch:
        patch.setattr(module, "kronecker_tridiagonal", fail)
        tried.steps = 5  # a refactoring step (inverse_every = 5)
        with pytest.raises(ValueError, match="injected"):
            tried.step(p_tried, 100 * X, y)
        tried.steps = 1
    assert tried._weight == reference._weight and tried.damping == reference.damping
    for (A, G), (A0, G0) in zip(tried.factors, reference.factors):
        np.testing.assert_array_equal(A, A0)
        np.testing.assert_array_equal(G, G0)
    np.testing.assert_array_equal(tried.step(p_tried, X, y)[0], reference.step(p_ref, X, y)[0])
