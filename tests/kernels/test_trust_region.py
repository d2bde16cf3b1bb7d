import numpy as np
import pytest

import naive
from ngproof.kernels import categorical_natural_gradient, kl_line_search, trust_region_step


def test_step_meets_kl_budget_exactly_for_gaussian_mean():
    # KL(N(μ, Σ) ‖ N(μ + s, Σ)) = ½ sᵀΣ⁻¹s: the quadratic model is exact, F = Σ⁻¹.
    rng = np.random.default_rng(0)
    Sigma = naive.spd(rng, 5, cond=20.0)
    F = np.linalg.inv(Sigma)
    g = rng.standard_normal(5)
    s = trust_region_step(Sigma @ g, g, delta=0.01)
    assert np.isclose(0.5 * s @ F @ s, 0.01, rtol=1e-12)
    assert s @ g < 0


def test_line_search_on_softmax_kl():
    logits = np.array([0.5, -0.2, 0.1])
    target = 0
    softmax = lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    p0 = softmax(logits)
    loss = lambda z: -np.log(softmax(z)[target])
    kl = lambda z: float(np.sum(p0 * (np.log(p0) - np.log(softmax(z)))))
    g = p0 - np.eye(3)[target]
    nat = categorical_natural_gradient(p0, g, 1e-6)
    for delta in (1e-4, 1e-2, 0.5):
        s = trust_region_step(nat, g, delta)
        # second-order model: KL = δ + O(δ^{3/2})
        if delta <= 1e-2:
            assert abs(kl(logits + s) - delta) <= 10 * delta**1.5
        new, info = kl_line_search(logits, s, kl, loss, delta)
        assert info["accepted"] and kl(new) <= delta and loss(new) < loss(logits)


def test_rejects_non_descent():
    with pytest.raises(ValueError, match="must be > 0"):
        trust_region_step(np.array([1.0, 0.0]), np.array([-1.0, 0.0]), 0.1)
