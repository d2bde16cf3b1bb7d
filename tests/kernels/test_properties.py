"""Property tests: inputs built by construction, judged by backward error or by a
forward-error bound derived from the condition number."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import naive
from ngproof.kernels import categorical_natural_gradient, kfac_step, natural_gradient

EPS = np.finfo(np.float64).eps
SETTINGS = settings(max_examples=40, deadline=None)


@st.composite
def spd_problems(draw):
    d = draw(st.integers(1, 90))
    seed = draw(st.integers(0, 2**32 - 1))
    damping = draw(st.sampled_from([0.0, 1e-6, 1e-2, 1.0]))
    rng = np.random.default_rng(seed)
    B = rng.uniform(-1, 1, (d, d))
    return B @ B.T + 1e-3 * np.eye(d), rng.standard_normal(d), damping


@SETTINGS
@given(spd_problems())
def test_natural_gradient_backward_error(problem):
    fisher, grad, damping = problem
    x = natural_gradient(fisher, grad, damping)
    matrix = fisher + damping * np.eye(fisher.shape[0])
    residual = np.linalg.norm(matrix @ x - grad)
    scale = np.linalg.norm(matrix, 2) * np.linalg.norm(x) + np.linalg.norm(grad)
    assert residual <= 10 * fisher.shape[0] * EPS * scale


@SETTINGS
@given(st.integers(1, 30), st.integers(2, 12), st.floats(-6, 1), st.integers(0, 2**32 - 1))
def test_categorical_backward_error(rows, k, log_damping, seed):
    rng = np.random.default_rng(seed)
    probs = naive.simplex(rng, rows, k, scale=5.0)
    grad = rng.standard_normal((rows, k))
    damping = 10.0**log_damping
    x = categorical_natural_gradient(probs, grad, damping)
    want = naive.categorical_natural_gradient(probs, grad, damping)
    # Sherman–Morrison is forward- (not backward-) stable: relative error ~ eps·(cond + 1/λ)
    # (BENCH trap 4); the dense oracle carries an error of the same order.
    cond = naive.categorical_error_scale(probs, damping)
    err = np.linalg.norm(x - want, axis=1) / np.linalg.norm(want, axis=1)
    assert err.max() <= 20 * k * EPS * cond


@SETTINGS
@given(st.integers(1, 6), st.integers(1, 5), st.integers(1, 8), st.integers(0, 2**32 - 1))
def test_kfac_step_equals_kronecker_solve(n_in, n_out, batch, seed):
    rng = np.random.default_rng(seed)
    a, g = rng.standard_normal((batch, n_in)), rng.standard_normal((batch, n_out))
    V = rng.standard_normal((n_out, n_in + 1))
    damping = 0.1
    A, G = naive.kfac_factors(a, g)
    pi = np.sqrt((np.trace(A) / A.shape[0]) / (np.trace(G) / G.shape[0]))
    Ad = A + pi * np.sqrt(damping) * np.eye(A.shape[0])
    Gd = G + np.sqrt(damping) / pi * np.eye(n_out)
    big = naive.kron(Ad, Gd)
    want = np.linalg.solve(big, V.ravel(order="F")).reshape(V.shape, order="F")
    cond = np.linalg.cond(big)
    got = kfac_step(a, g, V, damping)
    assert np.linalg.norm(got - want) <= 100 * cond * EPS * np.linalg.norm(want)
