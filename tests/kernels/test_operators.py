"""LinearOperator views and exact/π damping against dense ground truth (dense_oracle)."""

import numpy as np
import pytest

import dense_oracle as oracle
from ngproof.kernels import (
    MLP,
    EKFACOperator,
    EmpiricalFisherOperator,
    FisherOperator,
    GGNOperator,
    KFACOperator,
    ekfac,
    kfac_factors,
    kfac_solve,
    kfac_solve_exact,
    pi_damping,
)


def _setup(loss="cross_entropy", activation="tanh", n=5):
    rng = np.random.default_rng(3)
    model = MLP([3, 4, 3], activation, loss)
    params = model.init_params(1) * 2
    X = rng.standard_normal((n, 3))
    y = rng.integers(0, 3, n) if loss == "cross_entropy" else rng.standard_normal((n, 3))
    return model, params, X, y, model.unflatten(params)


def _dense(op):
    return op.matmat(np.eye(op.shape[1]))


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_fisher_ggn_and_empirical_operators_match_dense(loss):
    model, params, X, y, layers = _setup(loss)
    F = oracle.fisher(layers, "tanh", loss, X)
    E = oracle.empirical_fisher(layers, "tanh", loss, X, y)
    for op, dense in ((FisherOperator(model, params, X), F), (GGNOperator(model, params, X), F),
                      (EmpiricalFisherOperator(model, params, X, y), E)):
        v = np.random.default_rng(0).standard_normal(op.shape[1])
        np.testing.assert_allclose(op @ v, dense @ v, rtol=1e-11, atol=1e-14)
        np.testing.assert_allclose(_dense(op), dense, rtol=1e-11, atol=1e-14)
        np.testing.assert_allclose(op.diagonal(), np.diag(dense), rtol=1e-11, atol=1e-15)
        assert op.trace() == pytest.approx(np.trace(dense), rel=1e-12)


@pytest.mark.parametrize("bias", ["appended", "separate"])
@pytest.mark.parametrize("fisher", ["exact", "empirical"])
def test_kfac_operator_and_its_inverses_match_dense(bias, fisher):
    model, params, X, y, layers = _setup()
    factors = oracle.kfac_factors(layers, "tanh", "cross_entropy", X, y=y if fisher == "empirical" else None,
                                  bias=bias)
    K = oracle.kfac_dense(layers, factors, bias)
    op = KFACOperator.from_mlp(model, params, X, y=y, fisher=fisher, bias=bias)
    np.testing.assert_allclose(_dense(op), K, rtol=1e-11, atol=1e-14)
    np.testing.assert_allclose(op.diagonal(), np.diag(K), rtol=1e-12)
    assert op.trace() == pytest.approx(np.trace(K), rel=1e-12)
    lam = 1e-2
    sign, logdet = np.linalg.slogdet(K + lam * np.eye(K.shape[0]))
    assert sign > 0 and op.logdet(lam) == pytest.approx(logdet, rel=1e-10)
    inv = op.inverse(lam, method="exact")
    want = np.linalg.inv(K + lam * np.eye(K.shape[0]))
    np.testing.assert_allclose(_dense(inv), want, rtol=1e-8, atol=1e-10 * np.abs(want).max())
    assert inv.trace() == pytest.approx(np.trace(want), rel=1e-10)
    assert inv.logdet() == pytest.approx(-logdet, rel=1e-10)
    # π-damping: per layer [(Ã + π√λ I) ⊗ (G + √λ/π I)]⁻¹, built densely from pi_damping
    pi_inv = _dense(op.inverse(lam, method="pi"))
    start = 0
    for (A, G), (out, inp) in zip(factors, model.shapes):
        size = out * inp + out
        A_d, G_d, _ = pi_damping(A, G, lam)
        if bias == "appended":
            blocks = oracle.kfac_dense([(np.zeros((out, inp)), None)], [(A_d, G_d)], "appended")
            np.testing.assert_allclose(pi_inv[start:start + size, start:start + size], np.linalg.inv(blocks),
                                       rtol=1e-9, atol=1e-12)
        start += size


def test_exact_damping_is_the_dense_kronecker_solve_and_differs_from_pi():
    rng = np.random.default_rng(4)
    a, g = rng.standard_normal((30, 4)), rng.standard_normal((30, 3))
    A, G = kfac_factors(a, g)
    V = rng.standard_normal((3, 5))
    lam = 0.3
    col = np.linalg.solve(np.kron(A, G) + lam * np.eye(15), V.flatten(order="F")).reshape(V.shape, order="F")
    np.testing.assert_allclose(kfac_solve_exact(A, G, V, lam), col, rtol=1e-12)
    np.testing.assert_allclose(kfac_solve(A, G, V, lam, method="exact"), col, rtol=1e-12)
    assert np.abs(kfac_solve(A, G, V, lam) - col).max() > 1e-3  # π-damping is another matrix
    with pytest.raises(ValueError, match="damping must be > 0"):
        kfac_solve_exact(np.zeros((5, 5)), G, V, 0.0)


@pytest.mark.parametrize("bias", ["appended", "separate"])
def test_ekfac_operator_and_inverse_match_dense(bias):
    model, params, X, y, layers = _setup(n=6)
    op = EKFACOperator.from_mlp(model, params, X, bias=bias)
    dense = _dense(op)
    # dense EKFAC from its definition, layer by layer
    want = np.zeros_like(dense)
    start = 0
    for index, (layer, (out, inp)) in enumerate(zip(ekfac(model, params, X, bias=bias), model.shapes)):
        Qa, Qg, S = layer[:3]
        if bias == "appended":
            Q = np.kron(Qg, Qa)
            block = Q @ np.diag(S.ravel()) @ Q.T  # row-major [W|b]; permute to W then b
            perm = np.r_[[o * (inp + 1) + i for o in range(out) for i in range(inp)],
                         [o * (inp + 1) + inp for o in range(out)]]
            want[start:start + out * inp + out, start:start + out * inp + out] = block[np.ix_(perm, perm)]
        else:
            Q = np.kron(Qg, Qa)
            want[start:start + out * inp, start:start + out * inp] = Q @ np.diag(S.ravel()) @ Q.T
            b0 = start + out * inp
            want[b0:b0 + out, b0:b0 + out] = Qg @ np.diag(layer[3]) @ Qg.T
        start += out * inp + out
    np.testing.assert_allclose(dense, want, rtol=1e-10, atol=1e-14)
    assert op.trace() == pytest.approx(np.trace(want), rel=1e-12)
    inv = op.inverse(0.05)
    damped = want + 0.05 * np.eye(want.shape[0])
    np.testing.assert_allclose(_dense(inv), np.linalg.inv(damped), rtol=1e-8, atol=1e-10)
    assert inv.trace() == pytest.approx(np.trace(np.linalg.inv(damped)), rel=1e-10)
    assert inv.logdet() == pytest.approx(-np.linalg.slogdet(damped)[1], rel=1e-10)
