import numpy as np
import pytest

import naive
from ngproof.kernels import (
    bernoulli_output_fisher,
    empirical_fisher,
    gaussian_output_fisher,
    monte_carlo_fisher,
    scores_outer_mean,
    softmax_fisher,
)


def _problem(seed=0, n=40, k=4, d=6):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, k, d)), naive.simplex(rng, n, k)


def test_softmax_fisher_matches_loop():
    J, probs = _problem()
    np.testing.assert_allclose(softmax_fisher(J, probs), naive.softmax_fisher(J, probs), atol=1e-13)
    assert softmax_fisher(J.astype(np.float32), probs.astype(np.float32)).dtype == np.float32


def test_bernoulli_and_gaussian_output_fisher():
    rng = np.random.default_rng(1)
    J = rng.standard_normal((30, 5))
    p = rng.uniform(0, 1, 30)
    want = sum(pi * (1 - pi) * np.outer(j, j) for pi, j in zip(p, J)) / 30
    np.testing.assert_allclose(bernoulli_output_fisher(J, p), want, atol=1e-14)
    J3 = rng.standard_normal((30, 2, 5))
    want = sum(j.T @ j for j in J3) / (30 * 2.5)
    np.testing.assert_allclose(gaussian_output_fisher(J3, 2.5), want, atol=1e-14)


def test_monte_carlo_fisher_converges_within_clt_bound():
    J, probs = _problem(n=50)
    exact = naive.softmax_fisher(J, probs)
    samples = 400
    mc = monte_carlo_fisher(J, probs, samples=samples, seed=3)
    # per-entry variance of one draw, computed exactly by enumerating the labels
    n, k, d = J.shape
    var = np.zeros((d, d))
    for i in range(n):
        scores = (np.eye(k) - probs[i]) @ J[i]  # row y: J_iᵀ(e_y - π_i)
        outer = scores[:, :, None] * scores[:, None, :]
        mean = np.tensordot(probs[i], outer, axes=1)
        var += np.tensordot(probs[i], (outer - mean) ** 2, axes=1)
    std = np.sqrt(var / n**2 / samples)
    # 6 standard deviations: by Chebyshev each entry fails with probability <= 1/36;
    # under the CLT (n·samples = 20000 draws) with probability ~2e-9.
    assert np.all(np.abs(mc - exact) <= 6 * std + 1e-12)
    assert np.array_equal(mc, monte_carlo_fisher(J, probs, samples=samples, seed=3))


def test_empirical_fisher_differs_away_from_optimum():
    J, probs = _problem(n=200)
    labels = np.zeros(200, dtype=int)  # the data disagree with the model
    emp = empirical_fisher(J, probs, labels)
    exact = naive.softmax_fisher(J, probs)
    assert np.linalg.norm(emp - exact) > 0.3 * np.linalg.norm(exact)
    scores = np.einsum("nk,nkd->nd", np.eye(4)[labels] - probs, J)
    np.testing.assert_allclose(emp, scores.T @ scores / 200, atol=1e-13)
    np.testing.assert_allclose(scores_outer_mean(scores), scores.T @ scores / 200, atol=1e-13)


def test_bad_labels_and_shapes():
    J, probs = _problem()
    with pytest.raises(ValueError, match="labels"):
        empirical_fisher(J, probs, np.full(40, 7))
    with pytest.raises(ValueError, match="probs"):
        softmax_fisher(J, probs[:-1])
    with pytest.raises(ValueError, match="samples"):
        monte_carlo_fisher(J, probs, samples=0)
