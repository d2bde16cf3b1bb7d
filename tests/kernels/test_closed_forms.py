import numpy as np
import pytest

import naive
from ngproof.kernels import (
    bernoulli_fisher,
    bernoulli_gradient,
    bernoulli_natural_gradient,
    categorical_fisher,
    categorical_natural_gradient,
    gaussian_fisher_diagonal,
    gaussian_natural_gradient,
)

EPS = np.finfo(np.float64).eps


def test_bernoulli_worked_example_1():
    assert bernoulli_gradient(0.0, 1) == -0.5
    assert bernoulli_fisher(0.0) == 0.25
    assert bernoulli_natural_gradient(0.0, 1) == -2.0


def test_bernoulli_against_finite_differences_and_broadcasting():
    theta = np.linspace(-5, 5, 11)
    y = np.array([[0.0], [1.0]])
    loss = lambda t, yy: -yy * np.log(1 / (1 + np.exp(-t))) - (1 - yy) * np.log(1 - 1 / (1 + np.exp(-t)))
    h = 1e-6
    fd = (loss(theta + h, y) - loss(theta - h, y)) / (2 * h)
    np.testing.assert_allclose(bernoulli_gradient(theta, y), fd, atol=1e-8)
    s = 1 / (1 + np.exp(-theta))
    np.testing.assert_allclose(bernoulli_natural_gradient(theta, y), (s - y) / (s * (1 - s)), rtol=1e-12)
    assert bernoulli_natural_gradient(theta.astype(np.float32), y).dtype == np.float32


@pytest.mark.parametrize("param, fisher", [
    ("sigma", lambda s: 2 / s**2), ("variance", lambda s: 1 / (2 * s**4)), ("log_sigma", lambda s: 2 + 0 * s)])
def test_gaussian_fisher_from_score_expectation(param, fisher):
    sigma = np.array([0.5, 1.0, 3.0])
    # the Fisher of the second parameter is E[(d log p / d phi)^2]; quadrature over z ~ N(0, 1)
    z, w = np.polynomial.hermite_e.hermegauss(40)
    w = w / w.sum()
    for s in sigma:
        score_sigma = (z**2 - 1) / s
        dsigma_dphi = {"sigma": 1.0, "variance": 1 / (2 * s), "log_sigma": s}[param]
        assert np.isclose(np.sum(w * (score_sigma * dsigma_dphi) ** 2), fisher(s), rtol=1e-12)
    diag = gaussian_fisher_diagonal(sigma, param)
    np.testing.assert_allclose(diag, np.concatenate([1 / sigma**2, fisher(sigma)]), rtol=1e-14)
    nat_mu, nat_second = gaussian_natural_gradient(np.zeros(3), sigma, np.ones(3), np.ones(3), param)
    np.testing.assert_allclose(nat_mu, sigma**2)
    np.testing.assert_allclose(nat_second, 1 / fisher(sigma), rtol=1e-14)


def test_categorical_fisher_is_score_covariance():
    p = naive.simplex(np.random.default_rng(0), 1, 5)[0]
    scores = np.eye(5) - p
    np.testing.assert_allclose(categorical_fisher(p), (p[:, None] * scores).T @ scores, atol=1e-15)
    assert categorical_fisher(np.tile(p, (3, 1))).shape == (3, 5, 5)


@pytest.mark.parametrize("damping", [1e-8, 1e-6, 1e-3, 1.0])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_categorical_matches_dense_solve_within_lambda_bound(damping, dtype):
    rng = np.random.default_rng(1)
    probs = naive.simplex(rng, 300, 10, scale=4.0)
    probs[0] = np.eye(10)[3]  # a one-hot row: the most singular case
    grad = rng.standard_normal((300, 10))
    got = categorical_natural_gradient(probs.astype(dtype), grad.astype(dtype), damping)
    assert got.dtype == dtype
    want = naive.categorical_natural_gradient(probs.astype(dtype), grad.astype(dtype), damping)
    eps = np.finfo(dtype).eps
    bound = 20 * 10 * eps * naive.categorical_error_scale(probs, damping)
    err = np.linalg.norm(got - want, axis=1) / np.linalg.norm(want, axis=1)
    assert err.max() <= bound


def test_categorical_single_row_and_noncontiguous():
    probs = np.array([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]])
    grad = np.array([[1.0, -1.0, 0.5], [0.0, 2.0, 1.0]])
    want = naive.categorical_natural_gradient(probs, grad, 0.1)
    np.testing.assert_allclose(categorical_natural_gradient(probs[0], grad[0], 0.1), want[0], rtol=1e-12)
    np.testing.assert_allclose(categorical_natural_gradient(probs.T.copy().T, grad, 0.1), want, rtol=1e-12)


def test_categorical_requires_positive_damping_and_simplex():
    p = np.array([0.5, 0.5])
    with pytest.raises(ValueError, match="rank K-1"):
        categorical_natural_gradient(p, p, 0.0)
    with pytest.raises(ValueError, match="sum to 1"):
        categorical_natural_gradient(np.array([0.5, 0.7]), p, 0.1)
    with pytest.raises(ValueError, match="probs must be >= 0"):
        categorical_natural_gradient(np.array([1.5, -0.5]), p, 0.1)


FORK_SCRIPT = """
import multiprocessing, numpy as np, ngproof.kernels as K
def work(_):
    p = np.full((100, 4), 0.25)
    return float(K.categorical_natural_gradient(p, p, 0.1).sum() + K.bernoulli_fisher(np.zeros(50)).sum())
if __name__ == "__main__":
    work(0)
    with multiprocessing.get_context("fork").Pool(2) as pool:
        print(pool.map(work, range(2)))
"""


def test_small_calls_leave_the_process_safe_to_fork(tmp_path):
    # GNU OpenMP aborts forked children of a process that ran a parallel region;
    # small inputs therefore run serially.
    import subprocess
    import sys

    script = tmp_path / "fork_check.py"
    script.write_text(FORK_SCRIPT)
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
